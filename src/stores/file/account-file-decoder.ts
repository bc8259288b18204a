/**
 * Reads one account file (Antigravity-Manager's snake_case format) into the Account model.
 * Lenient where the reference is (missing flags are false, nulls are absent), strict where a
 * wrong value would hurt (id, email and refresh token must be non-empty strings, and the id must
 * be the file's name). Reasons name the field and what was expected, never the value. Members
 * the model does not own come along as the account's extras; the reference's validation block and
 * its quota members (quota-members.ts) are read from them.
 */
import * as v from "valibot";
import type { Account, AccountExtras, AccountToken, OpaqueMember } from "../../accounts/account.ts";
import { err, ok, type Result } from "../../result.ts";
import { checkJsonSyntax } from "./json-scanner.ts";
import { isLegacyProtection, readQuotaMembers } from "./quota-members.ts";
import { readRawMembers, stripBom } from "./raw-json-object.ts";

const requiredText = v.pipe(
  v.string("expected a non-empty string"),
  v.check((text) => text.trim() !== "", "expected a non-empty string"),
);
const optionalText = v.nullish(v.string("expected a string or null"));
const optionalNumber = v.nullish(
  v.pipe(v.number("expected a number or null"), v.finite("expected a finite number")),
);
const optionalFlag = v.nullish(v.boolean("expected true, false or null"));

const TokenFields = v.looseObject(
  {
    access_token: optionalText,
    refresh_token: requiredText,
    expires_in: optionalNumber,
    expiry_timestamp: optionalNumber,
    token_type: optionalText,
    email: optionalText,
    project_id: optionalText,
  },
  "expected an object",
);

export const AccountFile = v.looseObject(
  {
    id: requiredText,
    email: requiredText,
    name: optionalText,
    token: TokenFields,
    disabled: optionalFlag,
    disabled_at: optionalNumber,
    disabled_reason: optionalText,
    proxy_disabled: optionalFlag,
    proxy_disabled_reason: optionalText,
    proxy_disabled_at: optionalNumber,
    created_at: optionalNumber,
    last_used: optionalNumber,
  },
  "expected a JSON object",
);
export type AccountFile = v.InferOutput<typeof AccountFile>;

/** Copies the members whose value is neither null nor undefined (exactOptionalPropertyTypes). */
function present<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as { [K in keyof T]?: Exclude<T[K], null | undefined> };
}

function toToken(token: AccountFile["token"]): AccountToken {
  return {
    accessToken: token.access_token ?? "",
    refreshToken: token.refresh_token,
    expiryTimestamp: token.expiry_timestamp ?? 0,
    ...present({
      expiresIn: token.expires_in,
      tokenType: token.token_type,
      email: token.email,
      projectId: token.project_id,
    }),
  };
}

/** The members of `text` (a JSON object) whose keys are not `known`, as raw text. */
function opaqueMembers(text: string, known: Record<string, unknown>): OpaqueMember[] {
  return readRawMembers(text)
    .filter((member) => !Object.hasOwn(known, member.key))
    .map((member) => ({ key: member.key, json: member.rawValue }));
}

/** Whether every key of `object` is one the schema names. */
function onlyKnownKeys(object: object, known: Record<string, unknown>): boolean {
  for (const key in object) if (!Object.hasOwn(known, key)) return false;
  return true;
}

/** Everything the schema does not name, top level and inside `token`; undefined when nothing. */
function extrasOf(text: string, json: { readonly token: object }): AccountExtras | undefined {
  // Most files hold no other member: then the text need not be scanned a second time.
  if (onlyKnownKeys(json, AccountFile.entries) && onlyKnownKeys(json.token, TokenFields.entries))
    return undefined;
  const account = opaqueMembers(text, AccountFile.entries);
  const tokenRaw = readRawMembers(text).findLast((member) => member.key === "token")?.rawValue;
  const token = tokenRaw === undefined ? [] : opaqueMembers(tokenRaw, TokenFields.entries);
  return account.length === 0 && token.length === 0 ? undefined : { account, token };
}

/**
 * The reference's validation block, read as leniently as its proxy reads it (a value of another
 * type means no block, never an unreadable file): in force while `validation_blocked` is not
 * false and `validation_blocked_until` (Unix seconds) lies ahead. `validation_blocked: false` is
 * how the reference, or a person, lifts the block early.
 */
function validationBlockOf(
  file: Record<string, unknown>,
): Pick<Account, "validationBlockedUntil" | "validationUrl"> {
  const until = file.validation_blocked_until;
  if (file.validation_blocked === false || typeof until !== "number" || !Number.isFinite(until) || until <= 0)
    return {};
  const url = file.validation_url;
  return typeof url === "string" && url !== ""
    ? { validationBlockedUntil: until, validationUrl: url }
    : { validationBlockedUntil: until };
}

function toAccount(file: AccountFile, fallbackCreatedAt: number, extras: AccountExtras | undefined): Account {
  const legacyProtection = isLegacyProtection(file);
  return {
    id: file.id,
    email: file.email,
    token: toToken(file.token),
    disabled: file.disabled ?? false,
    proxyDisabled: !legacyProtection && (file.proxy_disabled ?? false),
    createdAt: file.created_at ?? fallbackCreatedAt,
    ...present({
      name: file.name,
      disabledAt: file.disabled_at,
      disabledReason: file.disabled_reason,
      proxyDisabledReason: legacyProtection ? undefined : file.proxy_disabled_reason,
      proxyDisabledAt: legacyProtection ? undefined : file.proxy_disabled_at,
      lastUsed: file.last_used,
    }),
    ...validationBlockOf(file),
    ...readQuotaMembers(file),
    ...(extras === undefined ? {} : { extras }),
  };
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const where = v.getDotPath(issue);
      // JSON has no undefined: an issue about one is a member the file lacks.
      const what = where !== null && issue.input === undefined ? "missing" : issue.message;
      return `${where ?? "file"}: ${what}`;
    })
    .join("; ");
}

export interface DecodeContext {
  /** The id the file name says (`<id>.json`); the file's `id` must equal it. */
  readonly fileId: string;
  /** `created_at` when the file has none (the reference's old files); the file's mtime. */
  readonly fallbackCreatedAt: number;
}

/** Why a file is not an account, in one line that is safe to log. */
export function decodeAccountFile(fileText: string, context: DecodeContext): Result<Account, string> {
  const text = stripBom(fileText);
  try {
    checkJsonSyntax(text);
  } catch (error) {
    return err((error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err("not valid JSON");
  }
  // valibot's object schemas accept arrays; an account file is never one.
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return err("file: expected a JSON object");
  const parsed = v.safeParse(AccountFile, json);
  if (!parsed.success) return err(describeIssues(parsed.issues));
  if (parsed.output.id !== context.fileId) {
    return err(`id: does not match the file name (expected "${context.fileId}")`);
  }
  return ok(toAccount(parsed.output, context.fallbackCreatedAt, extrasOf(text, parsed.output)));
}
