/**
 * The Account model every store maps to and from. Field names follow the domain (camelCase);
 * the file store translates them to Antigravity-Manager's snake_case format.
 * Times are Unix seconds.
 */
import type { AccountQuota } from "./quota.ts";

export interface AccountToken {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn?: number;
  /** When the access token expires (Unix seconds); 0 when unknown, which forces a refresh. */
  readonly expiryTimestamp: number;
  readonly tokenType?: string;
  readonly email?: string;
  readonly projectId?: string;
}

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly name?: string;
  readonly token: AccountToken;
  /** Credentials are dead (invalid_grant); only replacing the token clears it. */
  readonly disabled: boolean;
  readonly disabledAt?: number;
  readonly disabledReason?: string;
  /** Taken out of the proxy by a person or by protection logic; the credentials may be fine. */
  readonly proxyDisabled: boolean;
  readonly proxyDisabledReason?: string;
  readonly proxyDisabledAt?: number;
  readonly createdAt: number;
  readonly lastUsed?: number;
  /**
   * Until when (Unix seconds) the reference system keeps the account out for a human validation
   * check (its `validation_blocked_until`); the pool treats it as a validation block until then.
   * Read from the store, never written: grantpool's own validation blocks live in memory.
   */
  readonly validationBlockedUntil?: number;
  /** The link for that check (the reference's `validation_url`). */
  readonly validationUrl?: string;
  /** The per-model quota last fetched from Google (the reference's `quota`). */
  readonly quota?: AccountQuota;
  /**
   * The quota groups the record lists as protected (the reference's `protected_models`): the
   * account is skipped for requests to those groups while their quota stays low (quota.ts).
   */
  readonly protectedModels?: readonly string[];
  /**
   * What the stored record holds that grantpool does not interpret (the reference's device
   * profile, validation state, labels, token extras), so that copying
   * an account into another data directory keeps it. Only the file store reads and writes it;
   * a rewrite of an existing file keeps that file's own members instead.
   */
  readonly extras?: AccountExtras;
}

/** A member of a stored record that grantpool does not interpret: its key, its value as raw JSON text. */
export interface OpaqueMember {
  readonly key: string;
  readonly json: string;
}

export interface AccountExtras {
  /** Top-level members, in the record's order. */
  readonly account: readonly OpaqueMember[];
  /** Members of `token`, in the record's order. */
  readonly token: readonly OpaqueMember[];
}

/** Emails identify accounts case-insensitively (the reference's case-sensitive match made duplicates). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function sameEmail(a: string, b: string): boolean {
  return normalizeEmail(a) === normalizeEmail(b);
}

/** Oldest first: by creation time, then by id so that the order is total. */
export function byCreation(a: Account, b: Account): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
}

/** The oldest account with this email: the one that wins where several share it (reference duplicates). */
export function oldestWithEmail(accounts: Iterable<Account>, email: string): Account | undefined {
  return [...accounts].filter((account) => sameEmail(account.email, email)).sort(byCreation)[0];
}
