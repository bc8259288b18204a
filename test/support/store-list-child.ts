/**
 * Lists a file store in a process of its own, so that a test can run it under a small open-files
 * limit (`sh -c "ulimit -n 64; exec bun …"`):
 *
 *   bun test/support/store-list-child.ts <data-dir> watch|list|exhausted
 *
 * `watch` starts it the way the proxy does (watch, then list); `list` only lists; `exhausted`
 * first opens descriptors until none is left, lists, and gives them back 100 ms later, so every
 * open of the list fails with EMFILE until then. Prints one JSON line, {"ids": [...], "warnings":
 * [...], "exhausted": <descriptors held>}.
 */
import { closeSync, openSync } from "node:fs";
import { createLogger } from "../../src/log/logger.ts";
import { FileAccountStore } from "../../src/stores/file/file-account-store.ts";
import { systemClock } from "../../src/time/clock.ts";

const [dataDir, mode] = process.argv.slice(2);
if (dataDir === undefined || (mode !== "watch" && mode !== "list" && mode !== "exhausted")) {
  process.stderr.write("usage: store-list-child.ts <data-dir> watch|list|exhausted\n");
  process.exit(2);
}
const warnings: string[] = [];
const log = createLogger({
  level: "warn",
  format: "json",
  clock: systemClock,
  write: (_line, record) => warnings.push(record.msg),
});
const store = new FileAccountStore({ dataDir, log, clock: systemClock });
const stop = mode === "watch" ? store.watch(() => {}) : () => {};

const held: number[] = [];
if (mode === "exhausted") {
  try {
    for (;;) held.push(openSync("/dev/null", "r"));
  } catch (error) {
    if ((error as { code?: string }).code !== "EMFILE") throw error;
  }
  setTimeout(() => {
    for (const fd of held) closeSync(fd);
  }, 100);
}
const accounts = await store.list();
process.stdout.write(
  `${JSON.stringify({ ids: accounts.map((a) => a.id), warnings, exhausted: held.length })}\n`,
);
stop();
await store.close();
