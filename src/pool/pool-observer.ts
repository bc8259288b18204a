/**
 * What the pool tells the outside world about account lifecycle events. Telemetry implements it;
 * the pool calls it synchronously and never lets an observer's exception escape.
 */
import type { TokenFailureKind } from "../accounts/token-failure.ts";

export interface AccountEvent {
  readonly accountId: string;
  readonly email: string;
  readonly store: string;
}

export type RefreshOutcome = "success" | TokenFailureKind;

export interface PoolObserver {
  accountDisabled?(event: AccountEvent & { readonly reason: string; readonly detail: string }): void;
  accountRecovered?(event: AccountEvent): void;
  /** An account is now skipped for one quota group (until: epoch ms, +Infinity when unknown). */
  quotaProtected?(event: AccountEvent & { readonly group: string; readonly until: number }): void;
  /** An account serves a quota group again. */
  quotaRestored?(event: AccountEvent & { readonly group: string }): void;
  tokenRefreshed?(event: {
    readonly accountId: string;
    readonly outcome: RefreshOutcome;
    readonly seconds: number;
  }): void;
}

/** Calls one observer hook, swallowing its failures: telemetry must never break serving. */
export function notify<K extends keyof PoolObserver>(
  observer: PoolObserver,
  hook: K,
  event: Parameters<NonNullable<PoolObserver[K]>>[0],
): void {
  try {
    const fn = observer[hook] as ((e: typeof event) => void) | undefined;
    fn?.call(observer, event);
  } catch {
    // An observer is an add-on; its failure is not the request's failure.
  }
}
