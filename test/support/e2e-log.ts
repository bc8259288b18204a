/** Reads the JSON log lines a grantpool child process wrote (GRANTPOOL_LOG_FORMAT=json). */

export interface LogEntry {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export function parseLog(lines: readonly string[]): LogEntry[] {
  return lines.flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      const entry = JSON.parse(line) as Partial<LogEntry>;
      return typeof entry.level === "string" && typeof entry.msg === "string" ? [entry as LogEntry] : [];
    } catch {
      return [];
    }
  });
}

/** The messages that start with `prefix`, at `level` when given. */
export function messagesStartingWith(lines: readonly string[], prefix: string, level?: string): string[] {
  return parseLog(lines)
    .filter((entry) => (level === undefined || entry.level === level) && entry.msg.startsWith(prefix))
    .map((entry) => entry.msg);
}
