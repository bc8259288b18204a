import { describe, expect, test } from "bun:test";
import { serializePerKey } from "../../../src/platform/serialize-per-key.ts";
import { waitFor } from "../../support/wait-for.ts";

describe("serializePerKey", () => {
  test("runs calls for one key one at a time, in order, even after a failure; other keys run alongside", async () => {
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const run = serializePerKey(async (key: string, label: string) => {
      log.push(`start ${key}${label}`);
      await new Promise<void>((resolve) => gates.set(`${key}${label}`, resolve));
      log.push(`end ${key}${label}`);
      if (label === "1") throw new Error("first fails");
      return label;
    });
    const a1 = run("a", "1");
    const a2 = run("a", "2");
    const b1 = run("b", "1");
    await waitFor(() => gates.has("a1") && gates.has("b1"), { timeoutMs: 1_000 });
    expect(log).toEqual(["start a1", "start b1"]);
    gates.get("a1")?.();
    await expect(a1).rejects.toThrow("first fails");
    await waitFor(() => gates.has("a2"), { timeoutMs: 1_000 });
    expect(log).toEqual(["start a1", "start b1", "end a1", "start a2"]);
    gates.get("a2")?.();
    gates.get("b1")?.();
    expect(await a2).toBe("2");
    await expect(b1).rejects.toThrow("first fails");
  });
});
