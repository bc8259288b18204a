/**
 * Leader election on a coordination.k8s.io/v1 Lease, following client-go's algorithm: acquire a
 * Lease that is absent, released or expired; renew it every retry period; give leadership up when
 * no renew succeeded within the renew deadline. Expiry is judged by when *this* process last saw
 * the record change, never by comparing clocks: renewTime + leaseDuration < now would be wrong by
 * the skew between two machines, while the time since our own observation is not.
 *
 * Safety rests on renewDeadline < leaseDuration: the leader stops its work (onStoppedLeading) at
 * the latest renewDeadline after its last successful renew began, while a follower waits a full
 * leaseDuration after it saw that renew.
 */
import type * as k8s from "@kubernetes/client-node";
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";
import {
  createLeaseLock,
  describeLeaseError,
  isApiStatus,
  type LeaderElectionRecord,
  type ObservedLease,
} from "./leader-election-lease.ts";
import { createRequestBounds } from "./leader-election-requests.ts";
import { defaultSchedule, type Schedule } from "./work-queue.ts";

export interface LeaderElectorOptions {
  readonly kubeConfig: k8s.KubeConfig;
  readonly namespace: string;
  /** The Lease's name. */
  readonly name: string;
  /** This replica's name in `holderIdentity` (the pod name); unique among the candidates. */
  readonly identity: string;
  /** How long followers wait after they last saw the record change. Default 15. */
  readonly leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before it stops leading. Default 10. */
  readonly renewDeadlineSeconds?: number;
  /** The pause between attempts, to acquire and to renew. Default 2. */
  readonly retryPeriodSeconds?: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Default: setTimeout. */
  readonly schedule?: Schedule;
  /** Spreads the followers' attempts; default Math.random. */
  readonly random?: () => number;
  /** Start the leader's work; `signal` aborts when leadership ends. */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /**
   * Stop the leader's work; resolve once it has stopped. A successor may start leaseDuration −
   * renewDeadline after this is called, and at once after a stop(), which releases the Lease after
   * this resolved.
   */
  readonly onStoppedLeading: () => void | Promise<void>;
}

export interface LeaderElector {
  /** Campaigns, leads, and campaigns again after losing the Lease, until stop(). */
  run(): Promise<void>;
  /** Stops leading (awaiting onStoppedLeading), releases the Lease if held, and ends run(). */
  stop(): Promise<void>;
  readonly isLeader: boolean;
}

type Attempt = "acquired" | "held" | "conflict" | "failed";

/** client-go's JitterFactor: a follower waits retryPeriod × [1, 1.2). */
const JITTER = 0.2;

function validate(leaseMs: number, renewDeadlineMs: number, retryMs: number, identity: string): void {
  if (identity === "") throw new Error("Leader election needs a non-empty identity");
  if (!(retryMs > 0)) throw new Error(`Leader election: retryPeriod must be positive, got ${retryMs} ms`);
  if (!(renewDeadlineMs > retryMs * (1 + JITTER))) {
    throw new Error(
      `Leader election: renewDeadline (${renewDeadlineMs} ms) must exceed 1.2 × retryPeriod (${retryMs} ms)`,
    );
  }
  if (!(leaseMs > renewDeadlineMs)) {
    throw new Error(
      `Leader election: leaseDuration (${leaseMs} ms) must exceed renewDeadline (${renewDeadlineMs} ms)`,
    );
  }
}

export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const leaseSeconds = options.leaseDurationSeconds ?? 15;
  const leaseMs = leaseSeconds * 1000;
  const renewDeadlineMs = (options.renewDeadlineSeconds ?? 10) * 1000;
  const retryMs = (options.retryPeriodSeconds ?? 2) * 1000;
  const { clock, identity } = options;
  validate(leaseMs, renewDeadlineMs, retryMs, identity);
  const random = options.random ?? Math.random;
  const lock = createLeaseLock(options);
  const log = options.log.child({ lease: lock.description, identity });
  const stopping = new AbortController();
  const requests = createRequestBounds(options.schedule ?? defaultSchedule, stopping.signal);

  /** The last record read or written, and when its content last changed, by our clock. */
  let observed: ObservedLease | undefined;
  let observedAt = 0;
  let leading = false;
  let running: Promise<void> | undefined;

  const observe = (lease: ObservedLease): void => {
    if (observed?.recordKey !== lease.recordKey) {
      observedAt = clock.now();
      const holder = lease.record.holderIdentity;
      if (holder !== observed?.record.holderIdentity && holder !== identity) {
        log.info("leader election: the Lease has a new holder", { holder: holder || "(released)" });
      }
    }
    observed = lease;
  };

  const heldByAnother = (record: LeaderElectionRecord): boolean => {
    if (record.holderIdentity === "" || record.holderIdentity === identity) return false;
    // A record without a duration (written by hand) is given ours, rather than taken over at once.
    const durationMs = (record.leaseDurationSeconds ?? leaseSeconds) * 1000;
    return observedAt + durationMs > clock.now();
  };

  const acquireOrRenew = async (signal: AbortSignal): Promise<Attempt> => {
    const now = clock.now();
    const current = await lock.get(signal);
    if (current === undefined) {
      const record = { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, leaseTransitions: 0 };
      observe(await lock.create({ ...record, acquireTime: now, renewTime: now }, signal));
      return "acquired";
    }
    observe(current);
    const { record } = current;
    if (heldByAnother(record)) return "held";
    const ours = record.holderIdentity === identity;
    const next: LeaderElectionRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds,
      acquireTime: ours ? (record.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: ours ? record.leaseTransitions : record.leaseTransitions + 1,
    };
    observe(await lock.update(current, next, signal));
    return "acquired";
  };

  /**
   * One try (two when the first meets a 409: that only means our copy was stale, so re-read),
   * all of it within `timeoutMs`.
   */
  const attempt = async (timeoutMs: number): Promise<Attempt> => {
    const until = clock.now() + timeoutMs;
    for (let tries = 1; ; tries += 1) {
      const remaining = until - clock.now();
      if (remaining <= 0) return "failed";
      const result = await requests.bounded(acquireOrRenew, remaining).catch((error: unknown) => {
        if (stopping.signal.aborted) return "failed" as const;
        const conflict = isApiStatus(error, 409);
        const level = conflict ? "debug" : "warn";
        log[level]("leader election: cannot acquire or renew the Lease", {
          error: describeLeaseError(error),
        });
        return conflict ? ("conflict" as const) : ("failed" as const);
      });
      if (result !== "conflict" || tries === 2) return result;
    }
  };

  /** Resolves with the time the winning attempt began, or undefined when stopped first. */
  const acquire = async (): Promise<number | undefined> => {
    log.info("leader election: campaigning for the Lease");
    while (!stopping.signal.aborted) {
      const startedAt = clock.now();
      if ((await attempt(renewDeadlineMs)) === "acquired") return startedAt;
      await requests.wait(retryMs * (1 + JITTER * random()));
    }
    return undefined;
  };

  /** Keeps renewing until the deadline passes or another holder appears; the reason it ended. */
  const renew = async (renewedAt: number): Promise<number | string> => {
    const deadline = renewedAt + renewDeadlineMs;
    for (;;) {
      const startedAt = clock.now();
      if (startedAt >= deadline) return `no renew succeeded within ${renewDeadlineMs} ms`;
      const result = await attempt(deadline - startedAt);
      if (result === "acquired") return startedAt;
      if (result === "held") return `the Lease is held by "${observed?.record.holderIdentity}"`;
      if (stopping.signal.aborted) return "stopped";
      await requests.wait(Math.min(retryMs, deadline - clock.now()));
    }
  };

  const lead = async (acquiredAt: number): Promise<void> => {
    leading = true;
    const work = new AbortController();
    log.info("leader election: started leading");
    await callback("onStartedLeading", () => {
      const started = options.onStartedLeading(work.signal);
      // Not awaited: the leader's work may run for as long as it leads.
      if (started instanceof Promise) {
        started.catch((error: unknown) => {
          log.error("leader election: onStartedLeading failed", { error: describeLeaseError(error) });
        });
      }
    });
    let renewedAt = acquiredAt;
    let reason = "stopped";
    while (!stopping.signal.aborted) {
      await requests.wait(retryMs);
      if (stopping.signal.aborted) break;
      const renewed = await renew(renewedAt);
      if (typeof renewed === "string") {
        reason = renewed;
        break;
      }
      renewedAt = renewed;
    }
    leading = false;
    work.abort(new Error(`Leadership of Lease ${lock.description} ended: ${reason}`));
    log[reason === "stopped" ? "info" : "warn"]("leader election: stopped leading", { reason });
    await callback("onStoppedLeading", () => options.onStoppedLeading());
  };

  const callback = async (name: string, call: () => void | Promise<void>): Promise<void> => {
    try {
      await call();
    } catch (error) {
      log.error(`leader election: ${name} failed`, { error: describeLeaseError(error) });
    }
  };

  /** Hands the Lease over at once: no holder, so a follower's next attempt takes it. */
  const release = async (): Promise<void> => {
    for (let tries = 1; tries <= 2 && observed?.record.holderIdentity === identity; tries += 1) {
      const current = observed;
      const now = clock.now();
      const record: LeaderElectionRecord = {
        holderIdentity: "",
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: current.record.leaseTransitions,
      };
      try {
        observe(
          await requests.unstoppable((signal) => lock.update(current, record, signal), renewDeadlineMs),
        );
        log.info("leader election: released the Lease");
        return;
      } catch (error) {
        log.warn("leader election: cannot release the Lease", { error: describeLeaseError(error) });
        // A 409 may be our own late renew or a new holder: look before trying once more.
        const fresh = await requests
          .unstoppable((signal) => lock.get(signal), renewDeadlineMs)
          .catch(() => undefined);
        if (fresh === undefined) return;
        observe(fresh);
      }
    }
  };

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const acquiredAt = await acquire();
      if (acquiredAt === undefined || stopping.signal.aborted) break;
      await lead(acquiredAt);
    }
    await release();
  };

  return {
    run() {
      running ??= loop();
      return running;
    },
    async stop() {
      stopping.abort(new Error("leader election stopped"));
      await running;
    },
    get isLeader() {
      return leading;
    },
  };
}
