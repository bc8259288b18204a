/**
 * Reports each unreadable account file once: again only when its content changes, and once more
 * (at info level) when it becomes readable. Keyed by path and content hash, per store instance.
 */
import type { Logger } from "../../log/logger.ts";

export interface BrokenFileReports {
  broken(path: string, hash: string, reason: string): void;
  readable(path: string): void;
  gone(path: string): void;
}

export function createBrokenFileReports(log: Logger): BrokenFileReports {
  const reported = new Map<string, string>();
  return {
    broken(path, hash, reason) {
      if (reported.get(path) === hash) return;
      reported.set(path, hash);
      log.warn(`Skipping unreadable account file ${path}: ${reason}`, { path, reason });
    },
    readable(path) {
      if (!reported.delete(path)) return;
      log.info(`Account file is readable again: ${path}`, { path });
    },
    gone(path) {
      reported.delete(path);
    },
  };
}
