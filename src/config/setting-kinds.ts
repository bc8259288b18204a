/**
 * The kinds of value a setting can hold. Each kind pairs a valibot schema with the sentence that
 * error messages use for it. Every schema accepts text (from flags, environment variables and
 * the YAML file, which is read as text) as well as its own output type (for defaults), so one
 * schema validates a value whatever its source.
 */
import * as v from "valibot";
import { QUOTA_GROUPS } from "../accounts/quota.ts";

export interface SettingKind<S extends v.GenericSchema = v.GenericSchema> {
  readonly schema: S;
  /** What a valid value looks like, after "expected" in messages. */
  readonly expect: string;
  /** The value's name in usage text ("N", "URL"); empty for booleans, which take no value. */
  readonly placeholder: string;
  readonly boolean: boolean;
  /** A path whose leading `~` is expanded with the home directory before validation. */
  readonly path: boolean;
  /** A list: repeated flags add to it. */
  readonly list: boolean;
  /** What each item of a list must look like (for documents that describe settings, e.g. the chart's schema). */
  readonly itemPattern?: RegExp;
  /** The setting may be absent; then it is left out of Settings. */
  readonly optional: boolean;
}

function kind<S extends v.GenericSchema>(schema: S, expect: string, placeholder: string): SettingKind<S> {
  return { schema, expect, placeholder, boolean: false, path: false, list: false, optional: false };
}

const numberText = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/),
  v.transform(Number),
);

export interface IntegerRange {
  readonly min: number;
  readonly max?: number;
  readonly unit?: string;
}

export function integer(range: IntegerRange) {
  const { min, max = Number.MAX_SAFE_INTEGER, unit } = range;
  const bounds = range.max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  const expect = unit === undefined ? `an integer ${bounds}` : `a whole number of ${unit} ${bounds}`;
  const schema = v.pipe(
    v.union([v.number(), numberText]),
    v.number(),
    v.safeInteger(),
    v.minValue(min),
    v.maxValue(max),
  );
  return kind(schema, expect, unit === undefined ? "N" : unit.toUpperCase());
}

/** A number of seconds greater than zero; fractions allowed. */
export function positiveSeconds() {
  const schema = v.pipe(v.union([v.number(), numberText]), v.number(), v.finite(), v.gtValue(0));
  return kind(schema, "a number of seconds greater than 0", "SECONDS");
}

/** A number of seconds, zero or more; fractions allowed. */
export function nonNegativeSeconds() {
  const schema = v.pipe(v.union([v.number(), numberText]), v.number(), v.finite(), v.minValue(0));
  return kind(schema, "a number of seconds, 0 or more", "SECONDS");
}

const TRUE_WORDS = ["true", "1", "yes", "on"];
const FALSE_WORDS = ["false", "0", "no", "off"];

export function boolean() {
  const text = v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    v.picklist([...TRUE_WORDS, ...FALSE_WORDS]),
    v.transform((word) => TRUE_WORDS.includes(word)),
  );
  const schema = v.union([v.boolean(), text]);
  return { ...kind(schema, "true or false", ""), boolean: true };
}

export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  const schema = v.pipe(v.string(), v.trim(), v.picklist(options));
  return kind(schema, `one of ${options.join(", ")}`, options.join("|"));
}

export function text(expect = "a non-empty string", placeholder = "VALUE") {
  return kind(v.pipe(v.string(), v.trim(), v.nonEmpty()), expect, placeholder);
}

export function path() {
  return { ...text("a file or directory path", "PATH"), path: true };
}

const HTTP_PROTOCOLS = ["http:", "https:"];

/** An http(s) URL, kept without trailing slashes so that paths can be appended. */
export function httpUrl() {
  const schema = v.pipe(
    v.string(),
    v.trim(),
    v.url(),
    v.check((input) => URL.canParse(input) && HTTP_PROTOCOLS.includes(new URL(input).protocol)),
    v.transform((input) => input.replace(/\/+$/, "")),
  );
  return kind(schema, "an http or https URL", "URL");
}

/** A Kubernetes namespace name. */
export function dnsLabel() {
  const schema = v.pipe(v.string(), v.trim(), v.maxLength(63), v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/));
  const expect =
    "a DNS-1123 label (at most 63 lowercase letters, digits and '-', starting and ending alphanumeric)";
  return kind(schema, expect, "NAME");
}

/** A comma-separated list in text, or a YAML list; blank items are dropped. */
export function list() {
  const items = v.pipe(
    v.union([
      v.array(v.string()),
      v.pipe(
        v.string(),
        v.transform((input) => input.split(",")),
      ),
    ]),
    v.transform((entries) => entries.map((entry) => entry.trim()).filter((entry) => entry !== "")),
  );
  return { ...kind(items, "a comma-separated list or a YAML list of strings", "A,B"), list: true };
}

/** One `PATTERN=MODEL` entry of the model map: a name or glob, and a model name or `*`. */
export const MODEL_MAP_ENTRY = /^[A-Za-z0-9._:@/*-]{1,128}=(?:\*|[A-Za-z0-9._:@/-]{1,128})$/;

/** A list whose every item matches `item` (also the item pattern of the chart's schema). */
function patternList(item: RegExp, expect: string, placeholder: string) {
  const base = list();
  const schema = v.pipe(
    base.schema,
    v.check((entries) => entries.every((entry) => item.test(entry))),
  );
  return { ...base, schema, expect, placeholder, itemPattern: item };
}

/** The model map: a list of `PATTERN=MODEL` entries (see proxy/model-map.ts). */
export function modelMapEntries() {
  return patternList(
    MODEL_MAP_ENTRY,
    "PATTERN=MODEL entries, comma-separated or a YAML list (PATTERN a model name, * matching any characters; MODEL a model name, or * to keep the client's)",
    "PATTERN=MODEL,…",
  );
}

/** One of the quota groups (accounts/quota.ts), as a pattern. */
const QUOTA_GROUP = new RegExp(`^(${QUOTA_GROUPS.map((group) => group.replaceAll(".", "\\.")).join("|")})$`);

/** A list of quota groups. */
export function quotaGroups() {
  return patternList(
    QUOTA_GROUP,
    `quota groups, comma-separated or a YAML list, each one of ${QUOTA_GROUPS.join(", ")}`,
    "GROUP,…",
  );
}

export function optional<S extends v.GenericSchema>(base: SettingKind<S>) {
  return { ...base, schema: v.exactOptional(base.schema), optional: true };
}
