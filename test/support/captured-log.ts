/** A logger whose lines are kept, so tests can assert on them and scan them for secrets. */
import { createLogger, type Logger, type LogLevel, type LogRecord } from "../../src/log/logger.ts";
import type { Clock } from "../../src/time/clock.ts";
import { systemClock } from "../../src/time/clock.ts";
import { scanLog } from "./secret-scan.ts";

export interface CapturedLog {
  readonly logger: Logger;
  readonly lines: string[];
  readonly records: LogRecord[];
  messages(level?: LogLevel): string[];
}

export function captureLog(clock: Clock = systemClock): CapturedLog {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    clock,
    write: (line, record) => {
      scanLog("captured log", line);
      lines.push(line);
      records.push(record);
    },
  });
  return {
    logger,
    lines,
    records,
    messages: (level) => records.filter((r) => level === undefined || r.level === level).map((r) => r.msg),
  };
}
