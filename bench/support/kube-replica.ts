/**
 * One proxy replica of the Kubernetes bench, as a child process of its own: the Kubernetes store
 * and the pool on it, wired as the proxy wires them (KUBECONFIG, one namespace, pool.start()), with
 * an OAuth client whose every refresh Google answers with invalid_grant and a strategy that picks
 * only the account it is told to. It prints JSON lines and takes commands on stdin:
 *
 *   (at start)                 → {"type":"ready", …figures}     once the pool has every account
 *   {"op":"watch","id":X}      → {"type":"watching","id":X}     then {"type":"gone","id":X,"at":…}
 *                                                               once this pool no longer offers X
 *   {"op":"disable","id":X}    → {"type":"disabled","id":X,"at":…,"writeMs":…,"outcome":…}
 *                                 the pool picks X, its refresh fails with invalid_grant and the
 *                                 pool disables it exactly as the proxy does (SPEC §5.5)
 *   {"op":"quit"}              stops the pool and the store, exits
 *
 * Times (`at`) are wall-clock milliseconds with sub-millisecond precision, comparable between
 * processes on one machine.
 *
 *   bun bench/support/kube-replica.ts NAMESPACE     (KUBECONFIG names the server)
 */
import type { KubeApi } from "../../src/kubernetes/kube-api.ts";

const importsStarted = performance.now();
const { AccountPool } = await import("../../src/pool/account-pool.ts");
const { createKubeApi, loadKubeConfig } = await import("../../src/kubernetes/kube-api.ts");
const { KubernetesAccountStore } = await import("../../src/stores/kubernetes/kubernetes-account-store.ts");
const { silentLogger } = await import("../../src/log/logger.ts");
const { systemClock } = await import("../../src/time/clock.ts");
const { createTargetStrategy, INVALID_GRANT_OAUTH } = await import("./kube-target-strategy.ts");
const importsMs = performance.now() - importsStarted;

export interface ReadyReport {
  readonly type: "ready";
  readonly loaded: number;
  /** From creating the store to pool.start() resolved. */
  readonly readyMs: number;
  /** From the process's start (Bun's own start and module loading included). */
  readonly processReadyMs: number;
  readonly importsMs: number;
  /** The first list of each kind: request, transfer and client-node's decoding. */
  readonly listAccountsMs: number;
  readonly listSecretsMs: number;
  /** CPU of this process from creating the store to ready. */
  readonly readyCpuMs: number;
  /** After a full GC. */
  readonly heapUsed: number;
  readonly rss: number;
}

const wallNow = (): number => performance.timeOrigin + performance.now();
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const send = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

/** The non-empty lines of `stream` as they arrive. */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    yield* lines.filter((line) => line !== "");
  }
}

/** The API with its first list of each kind timed. */
function timedLists(api: KubeApi, times: { accounts: number; secrets: number }): KubeApi {
  return {
    ...api,
    async listAccounts(namespace) {
      const started = performance.now();
      const list = await api.listAccounts(namespace);
      times.accounts ||= performance.now() - started;
      return list;
    },
    async listSecrets(namespace) {
      const started = performance.now();
      const list = await api.listSecrets(namespace);
      times.secrets ||= performance.now() - started;
      return list;
    },
  };
}

async function run(namespace: string): Promise<void> {
  const listTimes = { accounts: 0, secrets: 0 };
  const target = createTargetStrategy();
  const startedCpu = cpuMs();
  const started = performance.now();
  const store = new KubernetesAccountStore({
    api: timedLists(createKubeApi(loadKubeConfig()), listTimes),
    namespace,
    clock: systemClock,
    log: silentLogger,
  });
  const pool = new AccountPool({
    store,
    oauth: INVALID_GRANT_OAUTH,
    clock: systemClock,
    log: silentLogger,
    strategy: target.strategy,
    refreshSkewSeconds: 300,
  });
  await pool.start();
  const readyMs = performance.now() - started;
  const processReadyMs = performance.now();
  const readyCpuMs = cpuMs() - startedCpu;
  Bun.gc(true);
  const { heapUsed, rss } = process.memoryUsage();
  const ready: ReadyReport = {
    type: "ready",
    loaded: pool.summary().total,
    readyMs,
    processReadyMs,
    importsMs,
    listAccountsMs: listTimes.accounts,
    listSecretsMs: listTimes.secrets,
    readyCpuMs,
    heapUsed,
    rss,
  };
  send(ready);

  // Watching: checked on every store event for the account (the pool, subscribed first, has
  // applied it by then) and, as a safety net, every 20 ms.
  let watched: string | undefined;
  const check = async (): Promise<void> => {
    const id = watched;
    if (id === undefined || (await target.offers(pool, id))) return;
    if (watched !== id) return;
    watched = undefined;
    send({ type: "gone", id, at: wallNow() });
  };
  const unsubscribe = store.watch((event) => {
    const id = event.type === "remove" ? event.id : event.account.id;
    if (id === watched) void check();
  });
  const poll = setInterval(() => void check(), 20);

  const handle = async (line: string): Promise<boolean> => {
    const command = JSON.parse(line) as { op: string; id?: string };
    const id = command.id ?? "";
    if (command.op === "watch") {
      if (!(await target.offers(pool, id))) throw new Error(`kube replica: the pool does not offer ${id}`);
      watched = id;
      send({ type: "watching", id });
    } else if (command.op === "disable") {
      const at = wallNow();
      const result = await target.pick(pool, id);
      const outcome = result.ok ? "served" : result.error.kind;
      send({ type: "disabled", id, at, writeMs: wallNow() - at, outcome });
    } else if (command.op === "quit") return false;
    return true;
  };
  try {
    for await (const line of readLines(Bun.stdin.stream())) {
      if (!(await handle(line))) break;
    }
  } finally {
    clearInterval(poll);
    unsubscribe();
    pool.stop();
    await store.close();
  }
}

if (import.meta.main) {
  const namespace = process.argv[2];
  if (namespace === undefined) throw new Error("usage: bun bench/support/kube-replica.ts NAMESPACE");
  await run(namespace);
  process.exit(0);
}
