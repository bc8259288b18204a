/**
 * The node harness leaves the machine as it found it: after `down`, and after a run that crashed
 * with pods running (its owner killed: the API server and the node's components exit by
 * themselves, containerd, the shims and the pods do not), when the next `down` cleans up.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../support/wait-for.ts";
import { hostSnapshot } from "./support/host-snapshot.ts";
import { readKubeEnv } from "./support/kube-env.ts";
import { isProcessAlive } from "./support/process-liveness.ts";
import { runTool } from "./support/run-tool.ts";

const ENV_TS = join(import.meta.dir, "env.ts");
const dir = mkdtempSync(join(tmpdir(), "grantpool-kube-crash-"));

async function env(args: readonly string[]): Promise<{ code: number; output: string }> {
  const child = Bun.spawn([process.execPath, ENV_TS, ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, output: `${stdout}${stderr}` };
}

afterAll(async () => {
  await env(["down", dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe("the node harness", () => {
  test("a crashed node with a pod running is cleaned by the next down, which leaves the host as before; a second down changes nothing", async () => {
    const before = hostSnapshot();
    // The owner stands in for a test run; killing it is the crash.
    const owner = Bun.spawn(["sleep", "600"]);
    const up = await env(["up", dir, "--node", "--owner-pid", String(owner.pid)]);
    expect(up.code, up.output).toBe(0);
    const kube = readKubeEnv(dir);
    const kubectl = async (args: readonly string[]) => {
      const run = await runTool(kube, kube.kubectl, args);
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    await kubectl([
      "create",
      "deployment",
      "sleeper",
      "--image=grantpool:0.1.0",
      "--",
      "/usr/local/bin/grantpool",
      "proxy",
      "--auth-mode",
      "off",
      "--port",
      "8080",
    ]);
    await waitFor(
      async () => (await kubectl(["get", "pods", "-o", "jsonpath={.items[*].status.phase}"])) === "Running",
      {
        timeoutMs: 60_000,
        message: "the pod to run",
      },
    );
    expect(hostSnapshot().programs.length).toBeGreaterThan(before.programs.length);

    owner.kill("SIGKILL");
    const serverPid = Number(await Bun.file(join(dir, "pid")).text());
    await waitFor(() => !isProcessAlive(serverPid), {
      timeoutMs: 10_000,
      message: "the API server to exit with its owner",
    });

    const down = await env(["down", dir]);
    expect(down.code, down.output).toBe(0);
    expect(hostSnapshot()).toEqual(before);
    const again = await env(["down", dir]);
    expect(again.code, again.output).toBe(0);
    expect(hostSnapshot()).toEqual(before);
  }, 240_000);
});
