/**
 * Edits Antigravity-Manager's account index, `<data-dir>/accounts.json` (its `AccountIndex`:
 * `version`, `accounts` — one `AccountSummary` per account —, `current_account_id`,
 * `current_target_ide`). The reference lists accounts from this index only and finds them by email
 * in it, so an account grantpool adds, removes or takes out of the proxy must show there too.
 *
 * As for account files, the text is edited, not re-serialized: members and entries grantpool does
 * not own keep their raw text, an entry whose summary did not change keeps it whole, and changes
 * follow the reference's own rules (add_account, upsert_account, delete_account in
 * modules/account.rs).
 */
import { isDeepStrictEqual } from "node:util";
import type { Account } from "../../accounts/account.ts";
import { err, ok, type Result } from "../../result.ts";
import { type Fields, lastRaw, mergeMembers, renderFields } from "./merge-raw-members.ts";
import {
  type JsonValue,
  type RawMember,
  rawFor,
  readRawElements,
  readRawMembers,
  renderRawArray,
  renderRawObject,
  stripBom,
} from "./raw-json-object.ts";

export type IndexChange =
  /** `account` was written: its entry is brought up to date, or added when it has none. */
  { readonly type: "written"; readonly account: Account } | { readonly type: "removed"; readonly id: string };

interface Entry {
  readonly raw: string;
  readonly members: readonly RawMember[];
  readonly id: string | undefined;
}

/** The summary members grantpool owns, in the reference's order (`AccountSummary`). */
function summaryFields(account: Account): Fields {
  return [
    ["id", account.id],
    ["email", account.email],
    // Option<String> without skip_serializing_if: the reference writes null for no name.
    ["name", account.name ?? null],
    ["disabled", account.disabled],
    ["proxy_disabled", account.proxyDisabled],
    // i64 in the reference: a fraction would make it drop the whole index.
    ["created_at", Math.floor(account.createdAt)],
    ["last_used", Math.floor(account.lastUsed ?? account.createdAt)],
  ];
}

/** A new entry also gets the account's protected models, as the reference's add_account does. */
function newEntryFields(account: Account): Fields {
  const raw = account.extras?.account.findLast((member) => member.key === "protected_models")?.json;
  const models = raw === undefined ? undefined : (JSON.parse(raw) as JsonValue);
  const fields = summaryFields(account);
  if (!Array.isArray(models) || models.length === 0) return fields;
  return [...fields.slice(0, 5), ["protected_models", models], ...fields.slice(5)];
}

function parseString(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value: unknown = JSON.parse(raw);
  return typeof value === "string" ? value : undefined;
}

function isOutdated(entry: Entry, fields: Fields): boolean {
  return fields.some(([key, value]) => {
    const previous = lastRaw(entry.members, key);
    return previous === undefined || !isDeepStrictEqual(JSON.parse(previous), value);
  });
}

interface Edited {
  readonly entries: readonly string[];
  /** The new `current_account_id` (null: none), or undefined to leave it as it is. */
  readonly current?: string | null;
}

function written(
  entries: readonly Entry[],
  account: Account,
  current: string | null | undefined,
): Edited | undefined {
  const fields = summaryFields(account);
  if (entries.some((entry) => entry.id === account.id)) {
    if (!entries.some((entry) => entry.id === account.id && isOutdated(entry, fields))) return undefined;
    return {
      entries: entries.map((entry) =>
        entry.id === account.id && isOutdated(entry, fields)
          ? renderFields(fields, entry.members, 2)
          : entry.raw,
      ),
    };
  }
  const added = [...entries.map((entry) => entry.raw), renderFields(newEntryFields(account), [], 2)];
  // The first account becomes the current one, as in the reference.
  return current === null || current === undefined
    ? { entries: added, current: account.id }
    : { entries: added };
}

function removed(
  entries: readonly Entry[],
  id: string,
  current: string | null | undefined,
): Edited | undefined {
  const kept = entries.filter((entry) => entry.id !== id);
  if (kept.length === entries.length) return undefined;
  const raws = kept.map((entry) => entry.raw);
  // The reference moves "current" to the first remaining account, or to none.
  return current === id ? { entries: raws, current: kept[0]?.id ?? null } : { entries: raws };
}

/** The entries of the index's `accounts` array, or why they cannot be read. */
function readEntries(accountsRaw: string | undefined): Result<Entry[], string> {
  if (accountsRaw === undefined) return err("accounts: missing");
  let elements: string[];
  try {
    elements = readRawElements(accountsRaw);
  } catch {
    return err("accounts: expected an array");
  }
  const entries: Entry[] = [];
  for (const [i, raw] of elements.entries()) {
    if (!raw.startsWith("{")) return err(`accounts[${i}]: expected an object`);
    const members = readRawMembers(raw);
    entries.push({ raw, members, id: parseString(lastRaw(members, "id")) });
  }
  return ok(entries);
}

/**
 * The index text after `change`, undefined when the index already says it, or why the text
 * cannot be edited (a reason safe to log: it names a place, never a value).
 */
export function editReferenceIndex(
  fileText: string,
  change: IndexChange,
): Result<string | undefined, string> {
  const text = stripBom(fileText);
  let members: RawMember[];
  try {
    members = readRawMembers(text);
  } catch (error) {
    return err((error as Error).message);
  }
  const entries = readEntries(lastRaw(members, "accounts"));
  if (!entries.ok) return entries;
  const currentRaw = lastRaw(members, "current_account_id");
  const current = currentRaw === undefined ? undefined : (parseString(currentRaw) ?? null);
  const edited =
    change.type === "written"
      ? written(entries.value, change.account, current)
      : removed(entries.value, change.id, current);
  if (edited === undefined) return ok(undefined);
  const out = mergeMembers(members, ["accounts", "current_account_id"], (key, previousRaw) => {
    if (key === "accounts") return renderRawArray(edited.entries, 1);
    return edited.current === undefined ? previousRaw : rawFor(edited.current, previousRaw, 1);
  });
  return ok(`${renderRawObject(out, 0)}\n`);
}
