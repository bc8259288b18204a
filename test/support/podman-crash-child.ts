/**
 * A test process that dies with a container running: opens a podman sandbox, loads the image
 * archive given as its argument, starts the proxy in it, prints the sandbox's directory, cgroup
 * parent and the container's host pid as one JSON line, and waits to be killed.
 */
import { openPodmanSandbox } from "./podman-sandbox.ts";

const archive = process.argv[2];
if (archive === undefined) throw new Error("usage: podman-crash-child.ts <image archive>");
const sandbox = await openPodmanSandbox();
const loaded = await sandbox.podman(["load", "--quiet", "--input", archive]);
const image = /Loaded image(?:\(s\))?: (\S+)/.exec(loaded.stdout)?.[1];
if (image === undefined) throw new Error(`podman load failed: ${loaded.stderr}`);
const started = await sandbox.run([
  "--detach",
  "--network",
  "none",
  "--env",
  "GRANTPOOL_AUTH_MODE=off",
  image,
]);
if (started.code !== 0) throw new Error(`podman run failed: ${started.stderr}`);
const pid = await sandbox.podman(["inspect", "--format", "{{.State.Pid}}", started.stdout.trim()]);
console.log(
  JSON.stringify({ dir: sandbox.dir, cgroupParent: sandbox.cgroupParent, pid: Number(pid.stdout) }),
);
setInterval(() => undefined, 60_000);
