/**
 * The controller's decisions, tested by the exact list of API calls it makes in each situation
 * (cert-manager's ExpectedActions): status patches and Events against a recording fake, requeues
 * and 409 retries as the work outcome. The real API server tests (test/kube) tell the story.
 */
import { describe, expect, test } from "bun:test";
import { AccountCache } from "../../../src/kubernetes/account-cache.ts";
import type { AccountResource } from "../../../src/kubernetes/account-resource.ts";
import { tokenFingerprint } from "../../../src/kubernetes/token-fingerprint.ts";
import { createAccountReconciler } from "../../../src/operator/account-reconciler.ts";
import type { Verification } from "../../../src/operator/reconcile-account.ts";
import { WorkQueue } from "../../../src/operator/work-queue.ts";
import { captureLog } from "../../support/captured-log.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { RecordingControllerApi } from "./recording-controller-api.ts";

const ID = "ns/alice";

interface Situation {
  readonly status?: AccountResource["status"];
  /** The Secret's token; null: no Secret. */
  readonly token?: string | null;
  readonly verdicts?: Verification[];
}

function situation({ status, token = "rt-1", verdicts = [] }: Situation = {}) {
  const resource: AccountResource = {
    metadata: { name: "alice", namespace: "ns", generation: 3, resourceVersion: "10", uid: "u-1" },
    spec: { secretRef: { name: "alice-token", key: "refresh_token" }, proxyDisabled: false },
    ...(status === undefined ? {} : { status }),
  };
  const clock = new FakeClock();
  const log = captureLog(clock);
  const cache = new AccountCache(log.logger);
  cache.putAccount(resource);
  if (token !== null) {
    cache.putSecret({
      metadata: { name: "alice-token", namespace: "ns" },
      data: { refresh_token: Buffer.from(token).toString("base64") },
    });
  }
  const api = new RecordingControllerApi(resource);
  const verified: string[] = [];
  const reconcile = createAccountReconciler({
    api,
    cache,
    clock,
    log: log.logger,
    verify: (refreshToken) => {
      verified.push(refreshToken);
      return Promise.resolve(verdicts.shift() ?? { kind: "valid", email: "alice@example.com" });
    },
  });
  return { api, cache, clock, log, reconcile, verified };
}

const disabledWith = (token: string) => ({
  disabled: true,
  disabledAt: "2026-01-01T11:00:00Z",
  disabledReason: "invalid_grant: Token has been expired or revoked.",
  disabledTokenHash: tokenFingerprint(token),
  email: "alice@example.com",
});

const rejected: Verification = {
  kind: "rejected",
  reason: "invalid_grant: Token has been expired or revoked.",
};

describe("the account controller's API calls", () => {
  test("a new Account with a working token: one status patch (Ready=True/Active, the verified email), no Event", async () => {
    const { api, reconcile } = situation();
    expect(await reconcile(ID)).toEqual({});
    expect(api.actions).toEqual([{ verb: "patch-status", name: "alice", ready: "True/Active" }]);
    expect(api.patches[0]?.metadata.resourceVersion).toBe("10");
    expect(api.patches[0]?.status.email).toBe("alice@example.com");
  });

  test("an Account whose status is already as wanted: no call at all", async () => {
    const { api, reconcile } = situation();
    await reconcile(ID);
    api.actions.length = 0;
    expect(await reconcile(ID)).toEqual({});
    expect(api.actions).toEqual([]);
  });

  test("a missing Secret: a status patch (Ready=False/SecretNotFound), then one Warning Event, not again", async () => {
    const { api, reconcile, verified } = situation({ token: null });
    await reconcile(ID);
    await reconcile(ID);
    expect(api.actions).toEqual([
      { verb: "patch-status", name: "alice", ready: "False/SecretNotFound" },
      { verb: "event", type: "Warning", reason: "SecretNotFound" },
    ]);
    expect(verified).toEqual([]);
  });

  test("a first token Google rejects: the disabled status is patched first, then a Warning AccountDisabled", async () => {
    const { api, reconcile } = situation({ verdicts: [rejected] });
    expect(await reconcile(ID)).toEqual({});
    expect(api.actions).toEqual([
      { verb: "patch-status", name: "alice", ready: "False/InvalidGrant" },
      { verb: "event", type: "Warning", reason: "AccountDisabled" },
    ]);
    expect(api.patches[0]?.status).toMatchObject({
      disabled: true,
      disabledTokenHash: tokenFingerprint("rt-1"),
    });
  });

  test("a disabled Account whose Secret got a working token: a patch clearing the disable, then Normal AccountRecovered", async () => {
    const { api, reconcile, verified } = situation({ status: disabledWith("rt-old"), token: "rt-new" });
    expect(await reconcile(ID)).toEqual({});
    expect(verified).toEqual(["rt-new"]);
    expect(api.actions).toEqual([
      { verb: "patch-status", name: "alice", ready: "True/TokenRotated" },
      { verb: "event", type: "Normal", reason: "AccountRecovered" },
    ]);
    expect(api.patches[0]?.status).toMatchObject({
      disabled: null,
      disabledAt: null,
      disabledReason: null,
      disabledTokenHash: null,
    });
  });

  test("a disabled Account still holding the token that failed: nothing is verified, the condition is written once", async () => {
    const { api, reconcile, verified } = situation({ status: disabledWith("rt-1") });
    await reconcile(ID);
    await reconcile(ID);
    expect(verified).toEqual([]);
    expect(api.actions).toEqual([{ verb: "patch-status", name: "alice", ready: "False/InvalidGrant" }]);
  });

  test("Google unreachable: Ready=False/VerificationPending written once, then only a requeue after the retry delay", async () => {
    const unavailable: Verification = { kind: "unavailable", reason: "HTTP 503" };
    const { api, reconcile } = situation({ verdicts: [unavailable, unavailable] });
    expect(await reconcile(ID)).toEqual({ requeueAfterMs: 30_000 });
    expect(await reconcile(ID)).toEqual({ requeueAfterMs: 30_000 });
    expect(api.actions).toEqual([
      { verb: "patch-status", name: "alice", ready: "False/VerificationPending" },
    ]);
  });

  test("a 409 on the status patch: no Event, and the run fails so that the queue retries it", async () => {
    const { api, reconcile } = situation({ verdicts: [rejected] });
    api.replyToPatches({ status: 409 });
    const outcome = await reconcile(ID);
    expect("error" in outcome).toBe(true);
    expect(api.actions).toEqual([{ verb: "patch-status", name: "alice", ready: "False/InvalidGrant" }]);
  });

  test("any other failure of the status patch throws, naming the account and the status only", async () => {
    const { api, reconcile } = situation();
    api.replyToPatches({ status: 500 });
    await expect(reconcile(ID)).rejects.toThrow("Cannot write the status of Account ns/alice: HTTP 500");
    expect(api.actions).toHaveLength(1);
  });

  test("an Event the API server refuses is logged, and the run still succeeds", async () => {
    const { api, log, reconcile } = situation({ verdicts: [rejected] });
    api.failEvents();
    expect(await reconcile(ID)).toEqual({});
    expect(api.actions.map((action) => action.verb)).toEqual(["patch-status", "event"]);
    expect(log.messages("warn")).toContain("Cannot record Event AccountDisabled for ns/alice: HTTP 500");
  });

  test("an Account no longer in the cache: no call", async () => {
    const { api, reconcile } = situation();
    expect(await reconcile("ns/bob")).toEqual({});
    expect(api.actions).toEqual([]);
  });

  test("through the work queue, a 409 is retried after its backoff: patch (409), 200 ms later the patch again, then the Event", async () => {
    const { api, clock, reconcile } = situation({ verdicts: [rejected, rejected] });
    api.replyToPatches({ status: 409 });
    const queue = new WorkQueue<string>({ clock, process: reconcile, baseDelayMs: 200 });
    queue.add(ID);
    await settle();
    expect(api.actions).toHaveLength(1);
    clock.advance(199);
    await settle();
    expect(api.actions).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(api.actions).toEqual([
      { verb: "patch-status", name: "alice", ready: "False/InvalidGrant" },
      { verb: "patch-status", name: "alice", ready: "False/InvalidGrant" },
      { verb: "event", type: "Warning", reason: "AccountDisabled" },
    ]);
    expect(queue.failures(ID)).toBe(0);
    await queue.shutDown();
  });
});

/** Lets the reconcile's promise chain run to its end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
