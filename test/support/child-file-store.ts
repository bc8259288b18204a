/** The file store as a writer child process opens it: warnings and errors on standard error. */
import { createLogger } from "../../src/log/logger.ts";
import type { AccountStore } from "../../src/stores/account-store.ts";
import { FileAccountStore } from "../../src/stores/file/file-account-store.ts";
import { systemClock } from "../../src/time/clock.ts";

export function openChildFileStore(dataDir: string): AccountStore {
  const log = createLogger({
    level: "warn",
    format: "text",
    clock: systemClock,
    write: (line) => process.stderr.write(`${line}\n`),
  });
  return new FileAccountStore({ dataDir, log, clock: systemClock });
}
