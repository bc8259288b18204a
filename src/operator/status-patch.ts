/**
 * The merge patch that turns one status into another: fields that disappear are set to null (a
 * JSON merge patch removes them), and the resourceVersion read rides along so a concurrent write
 * makes the patch fail with 409 instead of being overwritten.
 */
import type { AccountStatus } from "../kubernetes/account-resource.ts";

export function statusPatch(
  current: AccountStatus | undefined,
  desired: AccountStatus,
  resourceVersion: string | undefined,
): object {
  const status: Record<string, unknown> = { ...desired };
  for (const key of Object.keys(current ?? {})) {
    if (!(key in desired)) status[key] = null;
  }
  return { metadata: { resourceVersion }, status };
}
