/**
 * What the operator wants an Account's status to be (SPEC §8.3), as a pure function of the Account,
 * its Secret, the time and one injected token verification. The caller writes the status only
 * when it differs, records the events, and requeues when asked.
 */

import { truncateReason } from "../accounts/account-transitions.ts";
import type { AccountResource, AccountStatus, SecretResource } from "../kubernetes/account-resource.ts";
import { findCondition, type ReadyReason, rfc3339, setCondition } from "../kubernetes/conditions.ts";
import { readSecretToken } from "../kubernetes/secret-token.ts";
import { tokenFingerprint } from "../kubernetes/token-fingerprint.ts";

export type Verification =
  | { readonly kind: "valid"; readonly email: string }
  /** Google rejected the token (invalid_grant): the reason as stored in disabledReason. */
  | { readonly kind: "rejected"; readonly reason: string }
  /** Google could not be asked (network, 5xx, OAuth client error): try again later. */
  | { readonly kind: "unavailable"; readonly reason: string };

export interface OperatorEvent {
  readonly type: "Normal" | "Warning";
  readonly reason: "AccountRecovered" | "SecretNotFound" | "AccountDisabled" | "IdentityMismatch";
  readonly message: string;
}

export interface ReconcileInput {
  readonly account: AccountResource;
  readonly secret: SecretResource | undefined;
  readonly now: Date;
  readonly verify: (refreshToken: string) => Promise<Verification>;
}

export interface ReconcileResult {
  readonly status: AccountStatus;
  readonly events: readonly OperatorEvent[];
  /** Set when the verification could not be made: reconcile again later. */
  readonly retry?: string;
}

function ready(
  status: AccountStatus,
  reason: ReadyReason,
  message: string,
  now: Date,
  generation?: number,
): AccountStatus {
  const conditionStatus = reason === "Active" || reason === "TokenRotated" ? "True" : "False";
  return {
    ...status,
    conditions: setCondition(
      status.conditions,
      {
        type: "Ready",
        status: conditionStatus,
        reason,
        message,
        ...(generation === undefined ? {} : { observedGeneration: generation }),
      },
      now,
    ),
  };
}

function withoutDisabled(status: AccountStatus): AccountStatus {
  const { disabled: _d, disabledAt: _at, disabledReason: _r, disabledTokenHash: _h, ...rest } = status;
  return rest;
}

function identityProblem(account: AccountResource, email: string): string | undefined {
  const wanted = account.spec.email;
  if (wanted === undefined || wanted.toLowerCase() === email.toLowerCase()) return undefined;
  return `identity_mismatch: the token belongs to ${email}, but spec.email is ${wanted}`;
}

async function reconcileDisabled(
  input: ReconcileInput,
  base: AccountStatus,
  token: string,
): Promise<ReconcileResult> {
  const { now } = input;
  const generation = input.account.metadata.generation;
  const fingerprint = tokenFingerprint(token);
  if (fingerprint === base.disabledTokenHash) {
    return {
      status: ready(
        base,
        "InvalidGrant",
        base.disabledReason ?? "the refresh token was rejected",
        now,
        generation,
      ),
      events: [],
    };
  }
  const verdict = await input.verify(token);
  if (verdict.kind === "unavailable") return { status: base, events: [], retry: verdict.reason };
  const mismatch = verdict.kind === "valid" ? identityProblem(input.account, verdict.email) : undefined;
  if (verdict.kind === "valid" && mismatch === undefined) {
    const recovered = ready(
      { ...withoutDisabled(base), email: verdict.email },
      "TokenRotated",
      "a new refresh token was verified",
      now,
      generation,
    );
    const message = `Account recovered: the rotated refresh token of ${verdict.email} works`;
    return { status: recovered, events: [{ type: "Normal", reason: "AccountRecovered", message }] };
  }
  const reason = truncateReason(
    mismatch ??
      `invalid_grant: the rotated refresh token was also rejected: ${verdict.kind === "rejected" ? verdict.reason : ""}`,
  );
  const still: AccountStatus = {
    ...base,
    disabled: true,
    disabledAt: rfc3339(now),
    disabledReason: reason,
    disabledTokenHash: fingerprint,
  };
  return {
    status: ready(
      still,
      mismatch === undefined ? "InvalidGrant" : "IdentityMismatch",
      reason,
      now,
      generation,
    ),
    events: [],
  };
}

async function reconcileEnabled(
  input: ReconcileInput,
  base: AccountStatus,
  token: string,
): Promise<ReconcileResult> {
  const { now, account } = input;
  const generation = account.metadata.generation;
  let status = base;
  if (status.email === undefined) {
    // First sight of this token: learn (and check) whose it is, with one refresh.
    const verdict = await input.verify(token);
    if (verdict.kind === "unavailable") {
      return {
        status: ready(status, "VerificationPending", verdict.reason, now, generation),
        events: [],
        retry: verdict.reason,
      };
    }
    if (verdict.kind === "rejected" || identityProblem(account, verdict.email) !== undefined) {
      const reason = truncateReason(
        verdict.kind === "rejected" ? verdict.reason : (identityProblem(account, verdict.email) ?? ""),
      );
      const disabled: AccountStatus = {
        ...status,
        disabled: true,
        disabledAt: rfc3339(now),
        disabledReason: reason,
        disabledTokenHash: tokenFingerprint(token),
      };
      const why = verdict.kind === "rejected" ? "InvalidGrant" : "IdentityMismatch";
      return {
        status: ready(disabled, why, reason, now, generation),
        events: [
          {
            type: "Warning",
            reason: verdict.kind === "rejected" ? "AccountDisabled" : "IdentityMismatch",
            message: reason,
          },
        ],
      };
    }
    status = { ...status, email: verdict.email };
  }
  if (account.spec.proxyDisabled) {
    return {
      status: ready(status, "ProxyDisabled", "spec.proxyDisabled is true", now, generation),
      events: [],
    };
  }
  const current = findCondition(status.conditions, "Ready");
  // A recovered account keeps saying TokenRotated until something else happens to it.
  const reason: ReadyReason =
    current?.status === "True" && current.reason === "TokenRotated" ? "TokenRotated" : "Active";
  return {
    status: ready(
      status,
      reason,
      reason === "Active" ? "the account serves traffic" : (current?.message ?? ""),
      now,
      generation,
    ),
    events: [],
  };
}

export async function reconcileAccount(input: ReconcileInput): Promise<ReconcileResult> {
  const generation = input.account.metadata.generation;
  const base: AccountStatus = {
    ...(input.account.status ?? {}),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  const found = readSecretToken(input.account, input.secret);
  if ("missing" in found) {
    const before = findCondition(base.conditions, "Ready");
    const events: OperatorEvent[] =
      before?.reason === "SecretNotFound"
        ? []
        : [{ type: "Warning", reason: "SecretNotFound", message: found.missing }];
    return { status: ready(base, "SecretNotFound", found.missing, input.now, generation), events };
  }
  return base.disabled === true
    ? reconcileDisabled(input, base, found.token)
    : reconcileEnabled(input, base, found.token);
}
