/**
 * Structured logging: one record per event, written as JSON lines (default when not a TTY) or
 * as text. Every message and field passes through redact() on its way out.
 */
import type { Clock } from "../time/clock.ts";
import { redact } from "./redact.ts";
import { createSecretMask, type SecretMask } from "./secret-mask.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "text";
export type LogValue = string | number | boolean | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface LogRecord {
  readonly time: number;
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: LogFields;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly clock: Clock;
  /** Receives each formatted line (without the trailing newline). */
  readonly write: (line: string, record: LogRecord) => void;
  /** The process's configured secrets (keys, client secret): masked wherever they appear. */
  readonly secrets?: readonly string[];
}

function cleanFields(fields: LogFields, clean: SecretMask): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = typeof value === "string" ? clean(value) : value;
  }
  return out;
}

export function formatRecord(
  record: LogRecord,
  format: LogFormat,
  mask: SecretMask = (text) => text,
): string {
  const clean = (text: string): string => mask(redact(text));
  const fields = cleanFields(record.fields, clean);
  const time = new Date(record.time).toISOString();
  if (format === "json") {
    return JSON.stringify({ time, level: record.level, msg: clean(record.msg), ...fields });
  }
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return [time, record.level.toUpperCase().padEnd(5), clean(record.msg), ...pairs].join(" ");
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  return loggerWithMask(options, createSecretMask(options.secrets ?? []), bound);
}

function loggerWithMask(options: LoggerOptions, mask: SecretMask, bound: LogFields): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const record: LogRecord = { time: options.clock.now(), level, msg, fields: { ...bound, ...fields } };
    options.write(formatRecord(record, options.format, mask), record);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => loggerWithMask(options, mask, { ...bound, ...fields }),
  };
}

/** A logger that drops everything, for code paths that must not log (and for quiet tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
