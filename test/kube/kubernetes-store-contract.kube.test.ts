/**
 * The Kubernetes account store passes the same AccountStore contract as the memory and file
 * stores, against the real API server: every test gets a fresh namespace with the Account CRD
 * installed, and each handle is a store of its own (its own informers), as proxy replicas are.
 * The store keeps what Kubernetes holds — the email, the Secret's refresh token, the disabled
 * status and the proxy-disabled spec (reason in an annotation) — and names accounts
 * "<namespace>/<name>" itself; other handles read a write once their watch delivered it.
 */
import { beforeAll } from "bun:test";
import * as k8s from "@kubernetes/client-node";
import { type Account, normalizeEmail } from "../../src/accounts/account.ts";
import { createKubeApi } from "../../src/kubernetes/kube-api.ts";
import type { AccountStore } from "../../src/stores/account-store.ts";
import { KubernetesAccountStore } from "../../src/stores/kubernetes/kubernetes-account-store.ts";
import { type Clock, systemClock } from "../../src/time/clock.ts";
import { captureLog } from "../support/captured-log.ts";
import { FakeClock } from "../support/fake-clock.ts";
import { describeAccountStoreContract } from "../unit/stores/account-store-contract.ts";
import { installAccountCrd } from "./support/grantpool-crd.ts";
import { useKubeServer } from "./support/kube-fixture.ts";

const kube = useKubeServer();

beforeAll(() => installAccountCrd(kube));

/**
 * What the Kubernetes store keeps of an account. The email is compared ignoring case: it is the
 * address Kubernetes holds (status.email, spec.email), which a case-only change does not rewrite.
 */
function kubernetesKeeps(account: Account): unknown {
  return {
    email: normalizeEmail(account.email),
    refreshToken: account.token.refreshToken,
    disabled: account.disabled,
    disabledAt: account.disabledAt,
    disabledReason: account.disabledReason,
    proxyDisabled: account.proxyDisabled,
    proxyDisabledReason: account.proxyDisabledReason,
  };
}

describeAccountStoreContract(
  "kubernetes store",
  async () => {
    const namespace = await kube.createNamespace("store-contract");
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(kube.env.kubeconfig);
    const clock = new FakeClock();
    // The stores' timers (watch restarts, conflict pauses) run in real time; their "now" is the test's.
    const storeClock: Clock = { now: () => clock.now(), setTimer: systemClock.setTimer };
    const handles: AccountStore[] = [];
    return {
      open: async () => {
        const handle = new KubernetesAccountStore({
          api: createKubeApi(kubeConfig),
          namespace,
          clock: storeClock,
          log: captureLog(clock).logger,
        });
        handles.push(handle);
        return handle;
      },
      cleanup: async () => {
        await Promise.all(handles.map((handle) => handle.close()));
      },
    };
  },
  { keeps: kubernetesKeeps, assignsIds: true, peersReadEventually: true },
);
