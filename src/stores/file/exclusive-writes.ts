/**
 * Makes the store's read-modify-writes exclusive: first within this process (a FIFO mutex), then
 * across processes (the lock file). A writer that died holding the lock may have left temporary
 * files behind; whoever breaks its lock removes them before writing.
 */
import * as path from "node:path";
import type { Logger } from "../../log/logger.ts";
import { type AsyncMutex, createAsyncMutex } from "./async-mutex.ts";
import { ensurePrivateDirectory, removeOrphanTempFiles } from "./atomic-write.ts";
import { fileIoError } from "./file-store-errors.ts";
import { acquireLockFile } from "./lock-file.ts";
import type { ReferenceIndex } from "./reference-index.ts";

export interface ExclusiveWritesOptions {
  /** The accounts directory; the lock file is `.lock` inside it. */
  readonly dir: string;
  readonly log: Logger;
  readonly index: ReferenceIndex;
  readonly lockStaleMs?: number;
  readonly lockTimeoutMs?: number;
}

export class ExclusiveWrites {
  readonly #options: ExclusiveWritesOptions;
  readonly #lockPath: string;
  readonly #mutex: AsyncMutex = createAsyncMutex();

  constructor(options: ExclusiveWritesOptions) {
    this.#options = options;
    this.#lockPath = path.join(options.dir, ".lock");
  }

  /** Runs `task` as the only writer: first in this process, then across processes. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.#mutex.run(async () => {
      const { dir, log, lockStaleMs, lockTimeoutMs } = this.#options;
      await ensurePrivateDirectory(dir).catch((error: unknown) => {
        throw fileIoError("create", dir, error);
      });
      const lock = await acquireLockFile({
        path: this.#lockPath,
        ...(lockStaleMs === undefined ? {} : { staleMs: lockStaleMs }),
        ...(lockTimeoutMs === undefined ? {} : { timeoutMs: lockTimeoutMs }),
        onBreak: (reason) => log.warn(`Breaking stale account store lock ${this.#lockPath}: ${reason}`),
      });
      try {
        // A writer that died holding the lock may have left its temporary files behind.
        if (lock.brokeStale) {
          await removeOrphanTempFiles(dir);
          await this.#options.index.removeOrphans();
        }
        return await task();
      } finally {
        await lock.release();
      }
    });
  }

  /** Resolves once the writes already queued in this process have settled. */
  async drain(): Promise<void> {
    await this.#mutex.run(async () => {});
  }
}
