/**
 * Starts a file store the way the proxy does (watch first, then list) in a process of its own,
 * so that a test can put a deadline on it even if a read blocks the thread:
 *
 *   bun test/support/store-start-child.ts <data-dir>
 *
 * Prints one JSON line, {"ids": [...], "warnings": [...]}, after the first list().
 */
import { createLogger } from "../../src/log/logger.ts";
import { FileAccountStore } from "../../src/stores/file/file-account-store.ts";
import { systemClock } from "../../src/time/clock.ts";

const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) {
  process.stderr.write("usage: store-start-child.ts <data-dir>\n");
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
const stop = store.watch(() => {});
const accounts = await store.list();
process.stdout.write(`${JSON.stringify({ ids: accounts.map((a) => a.id), warnings })}\n`);
stop();
await store.close();
