/**
 * Preloaded into every `bun test` run (bunfig.toml): after the last test, fails the run when any
 * test's log output contained a token or key (support/secret-scan.ts).
 */
import { afterAll, expect } from "bun:test";
import { leakedSecrets } from "./secret-scan.ts";

afterAll(() => {
  expect(leakedSecrets()).toEqual([]);
});
