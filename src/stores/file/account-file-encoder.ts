/**
 * Writes the Account model in Antigravity-Manager's snake_case format. When a file is rewritten,
 * its previous text is the template: members keep their order, members grantpool does not know
 * (top level and inside `token`) are copied as raw text, and known members whose value did not
 * change keep their raw text too. Optional fields the model lacks are left out of the file.
 */
import type { Account, AccountToken } from "../../accounts/account.ts";
import { truncateReason } from "../../accounts/account-transitions.ts";
import {
  type JsonValue,
  type RawMember,
  rawFor,
  readRawMembers,
  renderRawObject,
  stripBom,
} from "./raw-json-object.ts";

type Fields = ReadonlyArray<readonly [key: string, value: JsonValue | undefined]>;

function tokenFields(token: AccountToken): Fields {
  return [
    ["access_token", token.accessToken],
    ["refresh_token", token.refreshToken],
    ["expires_in", token.expiresIn],
    ["expiry_timestamp", token.expiryTimestamp],
    ["token_type", token.tokenType],
    ["email", token.email],
    ["project_id", token.projectId],
  ];
}

/** Reasons are cut to 800 characters (SPEC §4) whichever code path produced them. */
function cut(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : truncateReason(reason);
}

/** The top-level members we own, in the reference's order; `token` is rendered separately. */
function accountFields(account: Account): Fields {
  return [
    ["id", account.id],
    ["email", account.email],
    ["name", account.name],
    ["token", undefined],
    ["disabled", account.disabled],
    ["disabled_at", account.disabledAt],
    ["disabled_reason", cut(account.disabledReason)],
    ["proxy_disabled", account.proxyDisabled],
    ["proxy_disabled_reason", cut(account.proxyDisabledReason)],
    ["proxy_disabled_at", account.proxyDisabledAt],
    ["created_at", account.createdAt],
    ["last_used", account.lastUsed],
  ];
}

type RenderKnown = (key: string, previousRaw: string | undefined) => string | undefined;

/**
 * Merges the previous members with ours: previous order first (unknown members verbatim, known
 * ones re-rendered or dropped), then the known members the previous text did not have.
 */
function mergeMembers(
  previous: readonly RawMember[],
  known: readonly string[],
  render: RenderKnown,
): Pick<RawMember, "rawKey" | "rawValue">[] {
  const knownKeys = new Set(known);
  const done = new Set<string>();
  const out: Pick<RawMember, "rawKey" | "rawValue">[] = [];
  const emit = (key: string, previousRaw: string | undefined): void => {
    done.add(key);
    const rawValue = render(key, previousRaw);
    if (rawValue !== undefined) out.push({ rawKey: JSON.stringify(key), rawValue });
  };
  for (const member of previous) {
    if (!knownKeys.has(member.key)) out.push(member);
    // A duplicated key means what its last occurrence says (JSON.parse); write it once, here.
    else if (!done.has(member.key)) emit(member.key, lastRaw(previous, member.key));
  }
  for (const key of known) if (!done.has(key)) emit(key, undefined);
  return out;
}

function lastRaw(members: readonly RawMember[], key: string): string | undefined {
  return members.findLast((member) => member.key === key)?.rawValue;
}

function renderFields(fields: Fields, previous: readonly RawMember[], depth: number): string {
  const values = new Map(fields);
  const render: RenderKnown = (key, previousRaw) => {
    const value = values.get(key);
    return value === undefined ? undefined : rawFor(value, previousRaw, depth + 1);
  };
  return renderRawObject(
    mergeMembers(
      previous,
      fields.map(([key]) => key),
      render,
    ),
    depth,
  );
}

/**
 * The file text for `account`. `previousText`, when given, must be the valid account file being
 * replaced (broken files are never rewritten, so the store only passes ones that decoded).
 */
export function encodeAccountFile(account: Account, previousText?: string): string {
  const previous = previousText === undefined ? [] : readRawMembers(stripBom(previousText));
  const fields = accountFields(account);
  const values = new Map(fields);
  const render: RenderKnown = (key, previousRaw) => {
    if (key === "token") {
      const previousToken = previousRaw === undefined ? [] : readRawMembers(previousRaw);
      return renderFields(tokenFields(account.token), previousToken, 1);
    }
    const value = values.get(key);
    return value === undefined ? undefined : rawFor(value, previousRaw, 1);
  };
  const members = mergeMembers(
    previous,
    fields.map(([key]) => key),
    render,
  );
  return `${renderRawObject(members, 0)}\n`;
}
