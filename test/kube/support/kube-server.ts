/**
 * Starts and stops one kube-testenv server (etcd + kube-apiserver) whose files live in a directory:
 * `kubeconfig`, `identities.json`, `bin/` (kubectl, helm), `pid`, `pki/`, `etcd/` and the log.
 * The server runs detached, so it outlives the command that started it until `stopKubeServer`.
 * `pauseKubeServer` + `resumeKubeServer` (or `restartKubeServer`) restart it on the same ports,
 * certificates, tokens and etcd data, so every client's kubeconfig stays valid.
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { ensureKubeBinaries, type KubeBinaries } from "./kube-binaries.ts";
import { type KubeEnv, readKubeEnv } from "./kube-env.ts";
import { isProcessAlive, waitForExit } from "./process-liveness.ts";

/** Everything `startKubeServer` creates in the directory, and so everything `stopKubeServer` removes. */
const CREATED = [
  "kubeconfig",
  "kubeconfig.tmp",
  "identities.json",
  "bin",
  "pid",
  "pki",
  "etcd",
  "cache",
  "ports.json",
  "ports.json.tmp",
  "ready",
];
const LOG = "kube-testenv.log";
/** Written by the server, on every start, once it serves. */
const READY = "ready";
const READY_TIMEOUT_MS = 3 * 60_000;
const START_ATTEMPTS = 3;
/** A resumed server needs its old ports back; one may still be held for a moment. */
const RESUME_ATTEMPTS = 10;
const RESUME_RETRY_MS = 500;

export interface StartOptions {
  /** The server exits by itself when this process is gone (a test run that was killed). */
  readonly ownerPid?: number;
  readonly log?: (line: string) => void;
  /** Node mode (support/kube-node.ts): the server runs inside the node's network namespace. */
  readonly node?: NodeServerOptions;
}

export interface NodeServerOptions {
  /** For `nsenter --net=…`: network only, the server keeps the host's mount namespace. */
  readonly netnsPath: string;
  /** Advertised to pods as the kubernetes Service's endpoint. */
  readonly nodeIp: string;
  /** The namespace's end of the veth pair: the URL the kubeconfig gives clients on the host. */
  readonly publicIp: string;
}

/** The pid in `dir/pid` when that process is a running kube-testenv, else undefined. */
export function runningServerPid(dir: string): number | undefined {
  const pidFile = join(dir, "pid");
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  // A pid is reused once its process is gone: only ever signal our own server.
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return cmdline[0]?.endsWith("kube-testenv") ? pid : undefined;
}

function logTail(dir: string): string {
  const path = join(dir, LOG);
  if (!existsSync(path)) return "(no log)";
  return readFileSync(path, "utf8").trimEnd().split("\n").slice(-20).join("\n");
}

/**
 * One try: resolves when the server says it is ready, rejects when it exits first. A fresh start
 * clears the directory first; a resumed one keeps everything but the ready mark.
 */
async function launch(
  dir: string,
  binaries: KubeBinaries,
  ownerPid: number | undefined,
  resume: boolean,
  node?: NodeServerOptions,
): Promise<void> {
  for (const name of resume ? [READY] : CREATED) rmSync(join(dir, name), { recursive: true, force: true });
  const log = openSync(join(dir, LOG), "a");
  const args = [
    "-dir",
    dir,
    ...(ownerPid === undefined ? [] : ["-owner-pid", String(ownerPid)]),
    ...(resume ? ["-resume"] : []),
    ...(node === undefined ? [] : ["-node-ip", node.nodeIp, "-public-ip", node.publicIp]),
  ];
  // nsenter execs the server: the pid below is the server's own either way.
  const [command, commandArgs] =
    node === undefined
      ? [binaries.server, args]
      : ["nsenter", [`--net=${node.netnsPath}`, "--", binaries.server, ...args]];
  const child = spawn(command, commandArgs, { detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  let exit: string | undefined;
  child.on("exit", (code, signal) => {
    exit = `exit ${code ?? signal}`;
  });
  if (child.pid === undefined) throw new Error(`kube: cannot start ${binaries.server}`);
  writeFileSync(join(dir, "pid"), `${child.pid}\n`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!existsSync(join(dir, READY))) {
    if (exit !== undefined)
      throw new Error(`kube-testenv stopped before it was ready (${exit}):\n${logTail(dir)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`kube-testenv was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${logTail(dir)}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  child.unref();
}

/** Builds what is missing, starts a server on free ports and waits until it serves; see the header. */
export async function startKubeServer(dirArg: string, options: StartOptions = {}): Promise<KubeEnv> {
  const dir = resolve(dirArg);
  const running = runningServerPid(dir);
  if (running !== undefined) throw new Error(`kube: a server is already running in ${dir} (pid ${running})`);
  const binaries = ensureKubeBinaries(options.log ? { log: options.log } : {});
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await launch(dir, binaries, options.ownerPid, false, options.node);
      break;
    } catch (error) {
      // The free ports are chosen before they are bound: another process may take one meanwhile.
      const portTaken = String(error).includes("address already in use");
      if (!portTaken || attempt === START_ATTEMPTS) throw error;
    }
  }
  mkdirSync(join(dir, "bin"));
  for (const tool of ["kubectl", "helm"] as const) symlinkSync(binaries[tool], join(dir, "bin", tool));
  options.log?.(`kube: server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return readKubeEnv(dir);
}

/** Ends the server process in `dir`, if one runs; its files stay. */
async function endServerProcess(dir: string): Promise<void> {
  const pid = runningServerPid(dir);
  if (pid === undefined) return;
  process.kill(pid, "SIGTERM");
  if (!(await waitForExit(pid, 15_000))) {
    process.kill(pid, "SIGKILL");
    await waitForExit(pid, 5_000);
  }
}

/**
 * Stops the server in `dir` like a crashed control plane — clients see connections refused — but
 * keeps its ports, certificates, tokens and etcd data for `resumeKubeServer`.
 */
export async function pauseKubeServer(dirArg: string): Promise<void> {
  const dir = resolve(dirArg);
  if (runningServerPid(dir) === undefined) throw new Error(`kube: no server runs in ${dir}`);
  await endServerProcess(dir);
  rmSync(join(dir, READY), { force: true });
}

/** Starts the server that `pauseKubeServer` stopped in `dir` again, as it was; see the header. */
export async function resumeKubeServer(dirArg: string, options: StartOptions = {}): Promise<KubeEnv> {
  const dir = resolve(dirArg);
  const running = runningServerPid(dir);
  if (running !== undefined) throw new Error(`kube: a server is already running in ${dir} (pid ${running})`);
  if (!existsSync(join(dir, "ports.json"))) throw new Error(`kube: no stopped server to resume in ${dir}`);
  const binaries = ensureKubeBinaries(options.log ? { log: options.log } : {});
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await launch(dir, binaries, options.ownerPid, true);
      break;
    } catch (error) {
      // Unlike a fresh start it cannot pick other ports: wait for the old ones to be free.
      const portTaken = String(error).includes("address already in use");
      if (!portTaken || attempt === RESUME_ATTEMPTS) throw error;
      await new Promise((done) => setTimeout(done, RESUME_RETRY_MS));
    }
  }
  options.log?.(`kube: server resumed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return readKubeEnv(dir);
}

/** `pauseKubeServer` then `resumeKubeServer`: the same server, restarted. */
export async function restartKubeServer(dirArg: string, options: StartOptions = {}): Promise<KubeEnv> {
  await pauseKubeServer(dirArg);
  return resumeKubeServer(dirArg, options);
}

/** Stops the server in `dir` (if it runs) and removes the files it and `startKubeServer` made. */
export async function stopKubeServer(dirArg: string): Promise<void> {
  const dir = resolve(dirArg);
  await endServerProcess(dir);
  for (const name of [...CREATED, LOG]) rmSync(join(dir, name), { recursive: true, force: true });
  try {
    rmdirSync(dir); // only when empty: the directory may hold the caller's own files
  } catch {}
}
