/**
 * The Lease the leader election holds (coordination.k8s.io/v1), read and written through
 * @kubernetes/client-node: the election record as plain values, and get / create / replace calls
 * that an AbortSignal can cut short. Needs `get`, `create` and `update` on `leases` in the namespace.
 */
import * as k8s from "@kubernetes/client-node";
import { statusOf } from "../kubernetes/kube-api.ts";

/** The fields of a Lease's spec that the election uses; times in milliseconds since the epoch. */
export interface LeaderElectionRecord {
  /** Empty when nobody holds the Lease (it was released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number | undefined;
  readonly acquireTime: number | undefined;
  readonly renewTime: number | undefined;
  readonly leaseTransitions: number;
}

/** A Lease as read from the API server. */
export interface ObservedLease {
  readonly record: LeaderElectionRecord;
  /**
   * The record as the server stored it: a change here, and only here, restarts the observer's
   * expiry clock (label or annotation edits do not).
   */
  readonly recordKey: string;
  readonly lease: k8s.V1Lease;
}

export interface LeaseLock {
  /** "namespace/name", for messages. */
  readonly description: string;
  /** The Lease, or undefined when it does not exist. */
  get(signal: AbortSignal): Promise<ObservedLease | undefined>;
  /** Fails with ApiException 409 when someone created it first. */
  create(record: LeaderElectionRecord, signal: AbortSignal): Promise<ObservedLease>;
  /** Replaces `current` as read; fails with ApiException 409 when it changed meanwhile. */
  update(current: ObservedLease, record: LeaderElectionRecord, signal: AbortSignal): Promise<ObservedLease>;
}

export interface LeaseLockOptions {
  readonly kubeConfig: k8s.KubeConfig;
  readonly namespace: string;
  readonly name: string;
}

/** client-node hands MicroTime fields back as the server's strings, although it types them as Date. */
function readTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== "string") return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function rawTime(value: unknown): string | undefined {
  return value instanceof Date ? value.toISOString() : typeof value === "string" ? value : undefined;
}

/** A MicroTime (RFC 3339 with six fractional digits), as the API server requires for Lease times. */
function microTime(ms: number | undefined): k8s.V1MicroTime | undefined {
  return ms === undefined ? undefined : new k8s.V1MicroTime(ms);
}

export function observeLease(lease: k8s.V1Lease): ObservedLease {
  const spec = lease.spec ?? {};
  const record: LeaderElectionRecord = {
    holderIdentity: spec.holderIdentity ?? "",
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: readTime(spec.acquireTime),
    renewTime: readTime(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
  const recordKey = JSON.stringify([
    record.holderIdentity,
    record.leaseDurationSeconds,
    rawTime(spec.acquireTime),
    rawTime(spec.renewTime),
    record.leaseTransitions,
  ]);
  return { record, recordKey, lease };
}

function leaseSpec(record: LeaderElectionRecord, base: k8s.V1LeaseSpec = {}): k8s.V1LeaseSpec {
  const spec: k8s.V1LeaseSpec = { ...base, holderIdentity: record.holderIdentity };
  spec.leaseTransitions = record.leaseTransitions;
  const acquireTime = microTime(record.acquireTime);
  const renewTime = microTime(record.renewTime);
  if (record.leaseDurationSeconds !== undefined) spec.leaseDurationSeconds = record.leaseDurationSeconds;
  if (acquireTime !== undefined) spec.acquireTime = acquireTime;
  if (renewTime !== undefined) spec.renewTime = renewTime;
  return spec;
}

/** Per-request options that let `signal` abort the HTTP request itself, not only our wait for it. */
function withSignal(signal: AbortSignal): k8s.ConfigurationOptions {
  const middleware: k8s.ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new k8s.Observable(Promise.resolve(context));
    },
    post: (context) => new k8s.Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}

/** A short message for the log: the status code and the server's message, not the whole reply. */
export function describeLeaseError(error: unknown): string {
  if (!(error instanceof k8s.ApiException)) return error instanceof Error ? error.message : String(error);
  let body: unknown = error.body;
  try {
    if (typeof body === "string") body = JSON.parse(body);
  } catch {}
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? `HTTP ${error.code}: ${message}` : `HTTP ${error.code}`;
}

export function createLeaseLock(options: LeaseLockOptions): LeaseLock {
  const api = options.kubeConfig.makeApiClient(k8s.CoordinationV1Api);
  const { namespace, name } = options;
  return {
    description: `${namespace}/${name}`,
    async get(signal) {
      try {
        return observeLease(await api.readNamespacedLease({ name, namespace }, withSignal(signal)));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async create(record, signal) {
      const body: k8s.V1Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: leaseSpec(record),
      };
      return observeLease(await api.createNamespacedLease({ namespace, body }, withSignal(signal)));
    },
    async update(current, record, signal) {
      // The read object's resourceVersion travels along: a concurrent writer makes this a 409.
      const body: k8s.V1Lease = { ...current.lease, spec: leaseSpec(record, current.lease.spec) };
      return observeLease(await api.replaceNamespacedLease({ name, namespace, body }, withSignal(signal)));
    },
  };
}
