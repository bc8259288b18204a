import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generatedModule, generatedPath, WAT_MODULES } from "../../../scripts/assemble-wasm.mjs";

const root = join(import.meta.dir, "..", "..", "..");

describe("the assembled WebAssembly modules", () => {
  test.each(WAT_MODULES)("%s: the committed module is what its text assembles to", async (watPath) => {
    const committed = readFileSync(join(root, generatedPath(watPath)), "utf8");
    expect(committed).toBe(await generatedModule(watPath));
  });
});
