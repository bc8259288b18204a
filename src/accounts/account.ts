/**
 * The Account model every store maps to and from. Field names follow the domain (camelCase);
 * the file store translates them to Antigravity-Manager's snake_case format.
 * Times are Unix seconds.
 */
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
}

/** Emails identify accounts case-insensitively (the reference's case-sensitive match made duplicates). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function sameEmail(a: string, b: string): boolean {
  return normalizeEmail(a) === normalizeEmail(b);
}
