/**
 * Writes the Account model in Antigravity-Manager's snake_case format. When a file is rewritten,
 * its previous text is the template: members keep their order, members grantpool does not know
 * (top level and inside `token`) are copied as raw text, and known members whose value did not
 * change keep their raw text too. A new file gets the account's extras (members another file
 * held, e.g. on import) the same way. Optional fields the model lacks are left out of the file,
 * but for the quota members: a record whose quota grantpool could not read keeps it as it was.
 */
import type { Account, AccountToken, OpaqueMember } from "../../accounts/account.ts";
import { truncateReason } from "../../accounts/account-transitions.ts";
import {
  type Fields,
  mergeMembers,
  type OutputMember,
  type RenderKnown,
  renderFields,
} from "./merge-raw-members.ts";
import { renderQuota } from "./quota-members.ts";
import { rawFor, readRawMembers, renderRawObject, stripBom } from "./raw-json-object.ts";

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
    ["quota", undefined],
    ["disabled", account.disabled],
    ["disabled_at", account.disabledAt],
    ["disabled_reason", cut(account.disabledReason)],
    ["proxy_disabled", account.proxyDisabled],
    ["proxy_disabled_reason", cut(account.proxyDisabledReason)],
    ["proxy_disabled_at", account.proxyDisabledAt],
    ["protected_models", undefined],
    ["created_at", account.createdAt],
    ["last_used", account.lastUsed],
  ];
}

/** Extras as raw members; one named like a member we own is left out (ours is the truth). */
function asOutput(members: readonly OpaqueMember[] | undefined, owned: Fields): OutputMember[] {
  const ownedKeys = new Set(owned.map(([key]) => key));
  return (members ?? [])
    .filter((member) => !ownedKeys.has(member.key))
    .map((member) => ({ rawKey: JSON.stringify(member.key), rawValue: member.json }));
}

/**
 * The file text for `account`. `previousText`, when given, must be the valid account file being
 * replaced (broken files are never rewritten, so the store only passes ones that decoded); its
 * members are the template. Without one (a new file), the account's extras go after our members,
 * at the top level and inside `token`.
 */
export function encodeAccountFile(account: Account, previousText?: string): string {
  const previous = previousText === undefined ? [] : readRawMembers(stripBom(previousText));
  const extras = previousText === undefined ? account.extras : undefined;
  const fields = accountFields(account);
  const values = new Map(fields);
  const render: RenderKnown = (key, previousRaw) => {
    if (key === "quota" || key === "protected_models") {
      // Unread (absent or of another shape): whatever the record holds stays as it is. A new
      // file's template for them is the member the account brought along.
      const kept = previousRaw ?? extras?.account.findLast((member) => member.key === key)?.json;
      if (key === "quota") return account.quota === undefined ? kept : renderQuota(account.quota, kept);
      const listed = account.protectedModels;
      return listed === undefined ? kept : rawFor(listed, kept, 1);
    }
    if (key === "token") {
      const previousToken = previousRaw === undefined ? [] : readRawMembers(previousRaw);
      const owned = tokenFields(account.token);
      return renderFields(owned, previousToken, 1, asOutput(extras?.token, owned));
    }
    const value = values.get(key);
    return value === undefined ? undefined : rawFor(value, previousRaw, 1);
  };
  const members = mergeMembers(
    previous,
    fields.map(([key]) => key),
    render,
  );
  return `${renderRawObject([...members, ...asOutput(extras?.account, fields)], 0)}\n`;
}
