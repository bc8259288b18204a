/**
 * Status conditions the Kubernetes way (metav1.Condition): setting one keeps its
 * lastTransitionTime unless its status actually changes.
 */
import type { Condition } from "./account-resource.ts";

export type ReadyReason =
  | "Active"
  | "InvalidGrant"
  | "SecretNotFound"
  | "TokenRotated"
  | "ProxyDisabled"
  | "IdentityMismatch"
  | "VerificationPending";

export interface ConditionInput {
  readonly type: string;
  readonly status: Condition["status"];
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration?: number;
}

export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  now: Date,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === input.type);
  const previous = index >= 0 ? list[index] : undefined;
  const lastTransitionTime =
    previous !== undefined && previous.status === input.status ? previous.lastTransitionTime : rfc3339(now);
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message,
    lastTransitionTime,
    ...(input.observedGeneration === undefined ? {} : { observedGeneration: input.observedGeneration }),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** RFC 3339 at second precision, as Kubernetes writes times. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
