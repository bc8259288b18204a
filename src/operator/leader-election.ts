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
import { statusOf } from "../kubernetes/kube-api.ts";
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../time/clock.ts";
import {
  createLeaseLock,
  describeLeaseError,
  type LeaderElectionRecord,
  type LeaseLock,
  type ObservedLease,
} from "./leader-election-lease.ts";
import { createRequestBounds, type RequestBounds } from "./leader-election-requests.ts";

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

type Attempt = "acquired" | "held" | "conflict" | "failed";

// Hand-written: @kubernetes/client-node has no leader election (client-go's is Go only).

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

export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #leaseSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  readonly #random: () => number;
  readonly #lock: LeaseLock;
  readonly #log: Logger;
  readonly #stopping = new AbortController();
  readonly #requests: RequestBounds;
  /** The last record read or written, and when its content last changed, by our clock. */
  #observed: ObservedLease | undefined;
  #observedAt = 0;
  #leading = false;
  #running: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#leaseSeconds = options.leaseDurationSeconds ?? 15;
    this.#renewDeadlineMs = (options.renewDeadlineSeconds ?? 10) * 1000;
    this.#retryMs = (options.retryPeriodSeconds ?? 2) * 1000;
    validate(this.#leaseSeconds * 1000, this.#renewDeadlineMs, this.#retryMs, options.identity);
    this.#random = options.random ?? Math.random;
    this.#lock = createLeaseLock(options);
    this.#log = options.log.child({ lease: this.#lock.description, identity: options.identity });
    this.#requests = createRequestBounds(options.clock, this.#stopping.signal);
  }

  /** Campaigns, leads, and campaigns again after losing the Lease, until stop(). */
  run(): Promise<void> {
    this.#running ??= this.#loop();
    return this.#running;
  }

  /** Stops leading (awaiting onStoppedLeading), releases the Lease if held, and ends run(). */
  async stop(): Promise<void> {
    this.#stopping.abort(new Error("leader election stopped"));
    await this.#running;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  #now(): number {
    return this.#options.clock.now();
  }

  #observe(lease: ObservedLease): void {
    if (this.#observed?.recordKey !== lease.recordKey) {
      this.#observedAt = this.#now();
      const holder = lease.record.holderIdentity;
      if (holder !== this.#observed?.record.holderIdentity && holder !== this.#options.identity) {
        this.#log.info("leader election: the Lease has a new holder", { holder: holder || "(released)" });
      }
    }
    this.#observed = lease;
  }

  #heldByAnother(record: LeaderElectionRecord): boolean {
    if (record.holderIdentity === "" || record.holderIdentity === this.#options.identity) return false;
    // A record without a duration (written by hand) is given ours, rather than taken over at once.
    const durationMs = (record.leaseDurationSeconds ?? this.#leaseSeconds) * 1000;
    return this.#observedAt + durationMs > this.#now();
  }

  async #acquireOrRenew(signal: AbortSignal): Promise<Attempt> {
    const now = this.#now();
    const identity = this.#options.identity;
    const leaseDurationSeconds = this.#leaseSeconds;
    const current = await this.#lock.get(signal);
    if (current === undefined) {
      const record = { holderIdentity: identity, leaseDurationSeconds, leaseTransitions: 0 };
      this.#observe(await this.#lock.create({ ...record, acquireTime: now, renewTime: now }, signal));
      return "acquired";
    }
    this.#observe(current);
    const { record } = current;
    if (this.#heldByAnother(record)) return "held";
    const ours = record.holderIdentity === identity;
    const next: LeaderElectionRecord = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: ours ? (record.acquireTime ?? now) : now,
      renewTime: now,
      leaseTransitions: ours ? record.leaseTransitions : record.leaseTransitions + 1,
    };
    this.#observe(await this.#lock.update(current, next, signal));
    return "acquired";
  }

  /**
   * One try (two when the first meets a 409: that only means our copy was stale, so re-read),
   * all of it within `timeoutMs`.
   */
  async #attempt(timeoutMs: number): Promise<Attempt> {
    const until = this.#now() + timeoutMs;
    for (let tries = 1; ; tries += 1) {
      const remaining = until - this.#now();
      if (remaining <= 0) return "failed";
      const result = await this.#requests
        .bounded((signal) => this.#acquireOrRenew(signal), remaining)
        .catch((error: unknown) => {
          if (this.#stopping.signal.aborted) return "failed" as const;
          const conflict = statusOf(error) === 409;
          this.#log[conflict ? "debug" : "warn"]("leader election: cannot acquire or renew the Lease", {
            error: describeLeaseError(error),
          });
          return conflict ? ("conflict" as const) : ("failed" as const);
        });
      if (result !== "conflict" || tries === 2) return result;
    }
  }

  /** Resolves with the time the winning attempt began, or undefined when stopped first. */
  async #acquire(): Promise<number | undefined> {
    this.#log.info("leader election: campaigning for the Lease");
    while (!this.#stopping.signal.aborted) {
      const startedAt = this.#now();
      if ((await this.#attempt(this.#renewDeadlineMs)) === "acquired") return startedAt;
      await this.#requests.wait(this.#retryMs * (1 + JITTER * this.#random()));
    }
    return undefined;
  }

  /** Keeps renewing until the deadline passes or another holder appears; the reason it ended. */
  async #renew(renewedAt: number): Promise<number | string> {
    const deadline = renewedAt + this.#renewDeadlineMs;
    for (;;) {
      const startedAt = this.#now();
      if (startedAt >= deadline) return `no renew succeeded within ${this.#renewDeadlineMs} ms`;
      const result = await this.#attempt(deadline - startedAt);
      if (result === "acquired") return startedAt;
      if (result === "held") return `the Lease is held by "${this.#observed?.record.holderIdentity}"`;
      if (this.#stopping.signal.aborted) return "stopped";
      await this.#requests.wait(Math.min(this.#retryMs, deadline - this.#now()));
    }
  }

  async #lead(acquiredAt: number): Promise<void> {
    this.#leading = true;
    const work = new AbortController();
    this.#log.info("leader election: started leading");
    await this.#callback("onStartedLeading", () => {
      const started = this.#options.onStartedLeading(work.signal);
      // Not awaited: the leader's work may run for as long as it leads.
      if (started instanceof Promise) {
        started.catch((error: unknown) => {
          this.#log.error("leader election: onStartedLeading failed", { error: describeLeaseError(error) });
        });
      }
    });
    const reason = await this.#keepRenewing(acquiredAt);
    this.#leading = false;
    work.abort(new Error(`Leadership of Lease ${this.#lock.description} ended: ${reason}`));
    this.#log[reason === "stopped" ? "info" : "warn"]("leader election: stopped leading", { reason });
    await this.#callback("onStoppedLeading", () => this.#options.onStoppedLeading());
  }

  /** Renews every retry period while leading; why leading ended. */
  async #keepRenewing(acquiredAt: number): Promise<string> {
    let renewedAt = acquiredAt;
    while (!this.#stopping.signal.aborted) {
      await this.#requests.wait(this.#retryMs);
      if (this.#stopping.signal.aborted) break;
      const renewed = await this.#renew(renewedAt);
      if (typeof renewed === "string") return renewed;
      renewedAt = renewed;
    }
    return "stopped";
  }

  async #callback(name: string, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.#log.error(`leader election: ${name} failed`, { error: describeLeaseError(error) });
    }
  }

  /** Hands the Lease over at once: no holder, so a follower's next attempt takes it. */
  async #release(): Promise<void> {
    for (
      let tries = 1;
      tries <= 2 && this.#observed?.record.holderIdentity === this.#options.identity;
      tries += 1
    ) {
      const current = this.#observed;
      const now = this.#now();
      const record: LeaderElectionRecord = {
        holderIdentity: "",
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: current.record.leaseTransitions,
      };
      const timeoutMs = this.#renewDeadlineMs;
      try {
        this.#observe(
          await this.#requests.unstoppable((signal) => this.#lock.update(current, record, signal), timeoutMs),
        );
        this.#log.info("leader election: released the Lease");
        return;
      } catch (error) {
        this.#log.warn("leader election: cannot release the Lease", { error: describeLeaseError(error) });
        // A 409 may be our own late renew or a new holder: look before trying once more.
        const fresh = await this.#requests
          .unstoppable((signal) => this.#lock.get(signal), timeoutMs)
          .catch(() => undefined);
        if (fresh === undefined) return;
        this.#observe(fresh);
      }
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      const acquiredAt = await this.#acquire();
      if (acquiredAt === undefined || this.#stopping.signal.aborted) break;
      await this.#lead(acquiredAt);
    }
    await this.#release();
  }
}
