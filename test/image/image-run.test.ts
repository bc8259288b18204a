/**
 * The image under Debian's podman with runc (test/support/podman-sandbox.ts): the binary runs in
 * it, the proxy serves on a port published on loopback through slirp4netns, as uid 65532 under a
 * read-only root, writing only its data volume, and stops on SIGTERM. Podman's bridge is never
 * used: the last test checks that the host has no podman link, no new private address and no
 * podman iptables rule, and that closing the sandbox left nothing behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeAccountFile } from "../../src/stores/file/account-file-encoder.ts";
import { type BuiltBinary, buildBinary } from "../support/binary.ts";
import { collectLines } from "../support/collect-lines.ts";
import { type HostNetwork, hostNetwork } from "../support/host-network.ts";
import { buildImage } from "../support/oci-image.ts";
import { cgroupDirs, mountPoints, mountsUnder } from "../support/podman-host-state.ts";
import { openPodmanSandbox, type PodmanSandbox } from "../support/podman-sandbox.ts";
import { rememberSecret, scanLog } from "../support/secret-scan.ts";
import { sampleAccount } from "../support/store-fixtures.ts";
import { waitFor } from "../support/wait-for.ts";

const NONROOT = 65532;

let workDir: string;
let binary: BuiltBinary;
let sandbox: PodmanSandbox;
let image: string;
let archive: string;
let hostBefore: HostNetwork;

/** The host paths podman shares with others, as a sandbox's record describes them. */
function sharedPaths() {
  return {
    runcStateExisted: existsSync("/run/runc"),
    netnsDirExisted: existsSync("/run/netns"),
    netnsDirWasMounted: mountPoints().includes("/run/netns"),
    containersDirExisted: existsSync("/var/lib/containers"),
    blobInfoCacheExisted: existsSync("/var/lib/containers/cache"),
  };
}

/** Running, not a zombie (podman's conmon is reaped by init, which may take a moment). */
function processAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

async function podmanOk(args: readonly string[]): Promise<string> {
  const result = await sandbox.podman(args);
  if (result.code !== 0)
    throw new Error(`podman ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout.trim();
}

async function startContainer(args: readonly string[]): Promise<string> {
  const result = await sandbox.run(["--detach", ...args]);
  if (result.code !== 0) throw new Error(`podman run failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout.trim();
}

async function logsOf(id: string): Promise<string> {
  const logs = await sandbox.podman(["logs", id]);
  scanLog(`container ${id.slice(0, 12)}`, `${logs.stdout}${logs.stderr}`);
  return `${logs.stdout}${logs.stderr}`;
}

/** The container's main process as the host kernel sees it. */
async function hostPid(id: string): Promise<number> {
  return Number(await podmanOk(["inspect", "--format", "{{.State.Pid}}", id]));
}

beforeAll(async () => {
  binary = await buildBinary();
  workDir = mkdtempSync(join(tmpdir(), "grantpool-image-run-"));
  hostBefore = hostNetwork();
  const [built, opened] = await Promise.all([buildImage(join(workDir, "build")), openPodmanSandbox()]);
  sandbox = opened;
  archive = built.archive;
  const loaded = await podmanOk(["load", "--quiet", "--input", archive]);
  image = /Loaded image(?:\(s\))?: (\S+)/.exec(loaded)?.[1] ?? "";
  expect(image).toBe(`localhost/grantpool:${binary.version.split("+")[0]}`);
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

describe("the image under podman and runc", () => {
  test("prints the version the build injected", async () => {
    const result = await sandbox.run(["--rm", "--network", "none", image, "version"]);
    expect({ code: result.code, stdout: result.stdout.trim() }).toEqual({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^grantpool ${binary.version.replace(/\+/g, "\\+")} \\(bun `)),
    });
  });

  test("runs the proxy by default, which refuses to listen on 0.0.0.0 without client keys", async () => {
    const result = await sandbox.run(["--rm", "--network", "none", image]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"auth-mode": auto on 0.0.0.0 requires client keys');
  });

  test("serves /healthz on a loopback port, as 65532 under a read-only root, writing its data volume", async () => {
    const dataDir = join(workDir, "data");
    const account = sampleAccount();
    mkdirSync(join(dataDir, "accounts"), { recursive: true });
    writeFileSync(join(dataDir, "accounts", `${account.id}.json`), encodeAccountFile(account));
    for (const path of [
      dataDir,
      join(dataDir, "accounts"),
      join(dataDir, "accounts", `${account.id}.json`),
    ]) {
      chownSync(path, NONROOT, NONROOT);
    }
    const clientKey = randomBytes(12).toString("hex");
    const adminKey = randomBytes(12).toString("hex");
    for (const key of [clientKey, adminKey]) rememberSecret(key);
    const id = await startContainer([
      "--read-only",
      "--network",
      "slirp4netns",
      "--publish",
      "127.0.0.1::8045",
      "--volume",
      `${dataDir}:/data`,
      "--env",
      `GRANTPOOL_API_KEYS=${clientKey}`,
      "--env",
      `GRANTPOOL_ADMIN_KEY=${adminKey}`,
      image,
    ]);
    try {
      const published = await podmanOk(["port", id, "8045/tcp"]);
      expect(published).toMatch(/^127\.0\.0\.1:\d+$/);
      const url = `http://${published}`;
      const health = await waitFor(
        async () => {
          const reply = await fetch(`${url}/healthz`).catch(() => undefined);
          return reply?.ok ? ((await reply.json()) as { status: string; version: string }) : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 50, message: `/healthz at ${url}` },
      );
      expect(health).toEqual({ status: "ok", version: binary.version });

      const status = readFileSync(`/proc/${await hostPid(id)}/status`, "utf8");
      expect(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(Array(4).fill(String(NONROOT)));
      expect(/^Gid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(Array(4).fill(String(NONROOT)));
      const mountinfo = readFileSync(`/proc/${await hostPid(id)}/mountinfo`, "utf8");
      const rootMount = mountinfo.split("\n").find((line) => line.split(" ")[4] === "/");
      expect(rootMount?.split(" ")[5]?.split(",")).toContain("ro");

      // The proxy rewrites the account file (atomically: a new file) when the admin API disables it.
      const disable = await fetch(`${url}/admin/accounts/${account.id}/disable`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(disable.status).toBe(200);
      const file = join(dataDir, "accounts", `${account.id}.json`);
      expect(JSON.parse(readFileSync(file, "utf8")).proxy_disabled).toBe(true);
      expect({ uid: statSync(file).uid, gid: statSync(file).gid }).toEqual({ uid: NONROOT, gid: NONROOT });
    } finally {
      await logsOf(id);
      await sandbox.remove(id);
    }
  });

  test("stops on SIGTERM as process 1, exiting 0", async () => {
    const id = await startContainer(["--network", "none", "--env", "GRANTPOOL_AUTH_MODE=off", image]);
    try {
      await waitFor(async () => (await logsOf(id)).includes("proxy listening on"), {
        timeoutMs: 20_000,
        intervalMs: 50,
        message: "the proxy's listening line",
      });
      const started = Date.now();
      await podmanOk(["stop", "--time", "15", id]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await podmanOk(["inspect", "--format", "{{.State.ExitCode}}", id])).toBe("0");
      expect(await logsOf(id)).toContain("Received SIGTERM");
    } finally {
      await sandbox.remove(id);
    }
  }, 60_000);

  test("cleans up after a test process that died with its container running, when the next sandbox opens", async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const child = Bun.spawn(
      [process.execPath, join(import.meta.dir, "..", "support", "podman-crash-child.ts"), archive],
      {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const output = Promise.all([collectLines(child.stdout, lines), collectLines(child.stderr, errors)]);
    let crashed: { dir: string; cgroupParent: string; pid: number };
    try {
      const line = await waitFor(() => lines[0] ?? (child.exitCode !== null ? "exited" : undefined), {
        timeoutMs: 30_000,
        message: () => `the crash child's sandbox line (stderr: ${errors.join("\n")})`,
      });
      crashed = JSON.parse(line);
      expect(processAlive(crashed.pid)).toBe(true);
    } finally {
      child.kill("SIGKILL");
      await child.exited;
      await output;
    }
    expect(existsSync(crashed.dir)).toBe(true);
    const next = await openPodmanSandbox();
    try {
      expect(existsSync(crashed.dir)).toBe(false);
      await waitFor(() => !processAlive(crashed.pid), {
        timeoutMs: 10_000,
        message: "the container to stop",
      });
      expect(cgroupDirs(crashed.cgroupParent)).toEqual([]);
      expect(mountsUnder(crashed.dir)).toEqual([]);
    } finally {
      await next.close();
    }
  }, 90_000);

  test("leaves no bridge, private address, iptables rule, cgroup, mount or state behind", async () => {
    const { dir, cgroupParent, hostRecord } = sandbox;
    expect(existsSync(join(dir, "root"))).toBe(true);
    await sandbox.close();
    expect(existsSync(dir)).toBe(false);
    expect(mountsUnder(dir)).toEqual([]);
    expect(cgroupDirs(cgroupParent)).toEqual([]);
    const after = hostNetwork();
    expect(after.links.filter((name) => /^(cni-podman|podman|veth|vnet)/.test(name))).toEqual([]);
    expect(after.privateAddresses.filter((a) => !hostBefore.privateAddresses.includes(a))).toEqual([]);
    expect(after.containerRules).toEqual([]);
    const { ownerPid: _, cgroupParent: __, ...recorded } = hostRecord;
    expect(sharedPaths()).toEqual(recorded);
  });
});
