/**
 * Keeps Antigravity-Manager's account index (`<data-dir>/accounts.json`) in step with the account
 * files grantpool writes and removes, when the data directory has one; a directory without an
 * index never gets one. The store calls it while holding its cross-process lock, right after the
 * account file's own change; the index is replaced as account files are (temporary file, fsync,
 * rename). The reference itself does not take that lock, so a write of its own at the same moment
 * can still win; it repairs a missing or unreadable index from the account files when it loads.
 *
 * The account file is the truth: an index that cannot be read or written is reported (once per
 * reason), left as it is, and never fails the account's own write.
 */
import * as path from "node:path";
import type { Account } from "../../accounts/account.ts";
import type { Logger } from "../../log/logger.ts";
import { removeOrphanTempFiles, writeFileAtomic } from "./atomic-write.ts";
import { errorCode } from "./fs-error-code.ts";
import { readRegularFile } from "./read-regular-file.ts";
import { editReferenceIndex, type IndexChange } from "./reference-index-edit.ts";

export const REFERENCE_INDEX_FILE = "accounts.json";
// About 300 bytes an account: room for tens of thousands.
const MAX_INDEX_BYTES = 16 * 1024 * 1024;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export interface ReferenceIndex {
  /** `account` was just written (created or changed): its entry follows, or is added. */
  accountWritten(account: Account): Promise<void>;
  /** The account `id` was just removed: so is its entry. */
  accountRemoved(id: string): Promise<void>;
  /** Deletes temporary index files a writer that died left behind (only under the store's lock). */
  removeOrphans(): Promise<void>;
}

export interface ReferenceIndexOptions {
  readonly dataDir: string;
  readonly log: Logger;
}

export function createReferenceIndex(options: ReferenceIndexOptions): ReferenceIndex {
  const file = path.join(options.dataDir, REFERENCE_INDEX_FILE);
  let reported: string | undefined;

  const report = (reason: string): void => {
    if (reported === reason) return;
    reported = reason;
    options.log.warn(`Not updating Antigravity-Manager's account index ${file}: ${reason}`, {
      path: file,
      reason,
    });
  };

  const update = async (change: IndexChange): Promise<void> => {
    const read = await readRegularFile(file, MAX_INDEX_BYTES);
    if (read.kind === "missing") return;
    if (read.kind === "refused") return report(read.reason);
    let text: string;
    try {
      text = UTF8.decode(read.bytes);
    } catch {
      return report("not valid UTF-8");
    }
    const edited = editReferenceIndex(text, change);
    if (!edited.ok) return report(edited.error);
    if (edited.value !== undefined) {
      try {
        await writeFileAtomic(file, edited.value);
      } catch (error) {
        return report(`cannot be written (${errorCode(error) ?? (error as Error).message})`);
      }
    }
    reported = undefined;
  };

  const apply = async (change: IndexChange): Promise<void> => {
    try {
      await update(change);
    } catch (error) {
      report(`cannot be updated (${errorCode(error) ?? (error as Error).message})`);
    }
  };

  return {
    accountWritten: (account) => apply({ type: "written", account }),
    accountRemoved: (id) => apply({ type: "removed", id }),
    async removeOrphans() {
      await removeOrphanTempFiles(options.dataDir, REFERENCE_INDEX_FILE);
    },
  };
}
