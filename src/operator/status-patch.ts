/**
 * The merge patch that turns one status into another: fields that disappear are set to null (a
 * JSON merge patch removes them), and the resourceVersion read rides along so a concurrent write
 * makes the patch fail with 409 instead of being overwritten.
 */
import type { AccountStatus } from "../stores/kubernetes/account-resource.ts";

/** Whether two statuses say the same thing (key order does not matter). */
export function sameStatus(a: AccountStatus | undefined, b: AccountStatus | undefined): boolean {
  return canonical(a ?? {}) === canonical(b ?? {});
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}

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
