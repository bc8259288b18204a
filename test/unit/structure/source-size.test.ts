/**
 * Small modules: no file in src/ over 300 lines (counted as `wc -l` counts them). Functions over 80
 * lines are refused by Biome's lint step (biome.json); layering.test.ts proves that rule bites.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MAX_FILE_LINES = 300;
const src = join(import.meta.dir, "..", "..", "..", "src");

function lineCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count += 1;
  return count;
}

describe("source sizes", () => {
  test(`no TypeScript file in src/ is over ${MAX_FILE_LINES} lines`, () => {
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((file) =>
      file.endsWith(".ts"),
    );
    expect(files.length).toBeGreaterThan(100);
    const over = files
      .map((file) => ({ file, lines: lineCount(readFileSync(join(src, file), "utf8")) }))
      .filter((entry) => entry.lines > MAX_FILE_LINES);
    expect(over).toEqual([]);
  });
});
