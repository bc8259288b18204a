/**
 * What the Google emulator remembers: identities, the refresh and access tokens it issued,
 * authorization codes, and per-token call counts. Every token is minted at runtime from crypto
 * randomness with an `emu-` marker, so nothing here resembles a real Google credential.
 */
import type { EmulatedIdentity } from "./google-emulator-types.ts";

export const DEFAULT_SCOPE = [
  "https://www.googleapis.com/auth/cloud-platform",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile",
  "openid",
].join(" ");

export interface IdentityRecord {
  email: string;
  name: string;
  /** Explicit project: Cloud Code calls naming another project are refused. */
  explicitProject: boolean;
  projectId: string;
  /** Google's numeric account id ("sub"). */
  numericId: string;
  paidTier?: string;
}

interface RefreshTokenRecord {
  email: string;
  scope: string;
  revoked: boolean;
}

interface AccessTokenRecord {
  email: string;
  valid: boolean;
}

export interface AuthCodeRecord {
  email: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  challengeMethod: "S256" | "plain";
  scope: string;
  used: boolean;
}

/** A url-safe random string of `bytes` random bytes. */
export function randomId(bytes = 24): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function randomDigits(count: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(raw, (b) => String(b % 10)).join("");
}

/** A plausible display name for an identity added without one: "ada.lovelace@…" → "Ada Lovelace". */
function nameFromEmail(email: string): string {
  const local = email.split("@")[0] ?? email;
  return local
    .split(/[._+-]+/)
    .filter((word) => word !== "")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

export class EmulatorState {
  readonly #identities = new Map<string, IdentityRecord>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  readonly #authCodes = new Map<string, AuthCodeRecord>();
  readonly #refreshCalls = new Map<string, number>();
  #lastAdded: string | undefined;
  rotateOnRefresh = false;
  consentDenied = false;

  addIdentity(identity: EmulatedIdentity): string {
    const key = identity.email.toLowerCase();
    const existing = this.#identities.get(key);
    const record: IdentityRecord = {
      email: identity.email,
      name: identity.name ?? existing?.name ?? nameFromEmail(identity.email),
      explicitProject: identity.projectId !== undefined || (existing?.explicitProject ?? false),
      projectId: identity.projectId ?? existing?.projectId ?? `emu-project-${randomDigits(6)}`,
      numericId: existing?.numericId ?? `1${randomDigits(20)}`,
    };
    const paidTier = identity.paidTier ?? existing?.paidTier;
    if (paidTier !== undefined) record.paidTier = paidTier;
    this.#identities.set(key, record);
    this.#lastAdded = key;
    return this.mintRefreshToken(identity.email);
  }

  identity(email: string): IdentityRecord | undefined {
    return this.#identities.get(email.toLowerCase());
  }

  /** The identity that consents when the auth request has no login_hint. */
  lastAddedIdentity(): IdentityRecord | undefined {
    return this.#lastAdded === undefined ? undefined : this.#identities.get(this.#lastAdded);
  }

  mintRefreshToken(email: string, scope: string = DEFAULT_SCOPE): string {
    const identity = this.identity(email);
    if (identity === undefined) {
      throw new Error(`Google emulator: no identity "${email}"; call addIdentity first`);
    }
    const token = `1//emu-${randomId(36)}`;
    this.#refreshTokens.set(token, { email: identity.email, scope, revoked: false });
    return token;
  }

  /** The live grant behind a refresh token, or undefined when unknown or revoked. */
  liveRefreshToken(token: string): { email: string; scope: string } | undefined {
    const record = this.#refreshTokens.get(token);
    return record === undefined || record.revoked ? undefined : record;
  }

  revoke(token: string): void {
    const record = this.#refreshTokens.get(token);
    if (record !== undefined) record.revoked = true;
  }

  countRefreshCall(token: string): void {
    this.#refreshCalls.set(token, (this.#refreshCalls.get(token) ?? 0) + 1);
  }

  refreshCallsFor(token: string): number {
    return this.#refreshCalls.get(token) ?? 0;
  }

  issueAccessToken(email: string): string {
    const token = `ya29.emu-${randomId(48)}`;
    this.#accessTokens.set(token, { email, valid: true });
    return token;
  }

  /** Who an access token was issued to, valid or not; undefined when never issued. */
  accessToken(token: string): AccessTokenRecord | undefined {
    return this.#accessTokens.get(token);
  }

  expireAccessTokens(): void {
    for (const record of this.#accessTokens.values()) record.valid = false;
  }

  issueAuthCode(grant: Omit<AuthCodeRecord, "used">): string {
    const code = `4/emu-${randomId(36)}`;
    this.#authCodes.set(code, { ...grant, used: false });
    return code;
  }

  authCode(code: string): AuthCodeRecord | undefined {
    return this.#authCodes.get(code);
  }
}
