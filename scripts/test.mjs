// `npm test`: installs what is missing, then runs every check: format + lint (Biome), type-check
// (tsc), and the test suites under Bun (the Deno smoke test runs inside them). Ends with one
// line "N passed, N failed" counting each test and each static check.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, ensureDeps, root } from "./ensure-deps.mjs";
import { describeFailures, junitFailures } from "./junit-failures.mjs";

const install = ensureDeps();

let passed = 0;
let failed = 0;

// A fresh clone must stay clean: the committed lock is what `npm install` writes on this machine.
if (install.lockRewritten) {
  console.log("\n=== lock file: FAILED (`npm install` rewrote package-lock.json; commit the lock it wrote)");
  failed += 1;
} else {
  passed += 1;
}

function step(name, command, args) {
  console.log(`\n=== ${name}: ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env });
  const ok = result.status === 0;
  console.log(`=== ${name}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`}`);
  return ok;
}

function check(name, command, args) {
  if (step(name, command, args)) passed += 1;
  else failed += 1;
}

check("lint", bin("biome"), ["check", "."]);
check("typecheck", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]);
// The end-to-end suite spawns dist/grantpool: compile it from the current sources first (a no-op
// when it is up to date). A failed build counts as a failed check.
check("build", process.execPath, [join(root, "scripts", "build.mjs")]);

// bun test prints its own counts; read them from a JUnit report rather than scraping the console.
const reportDir = join(root, ".cache");
mkdirSync(reportDir, { recursive: true });
const report = join(reportDir, "junit.xml");
writeFileSync(report, "");
const extra = process.argv.slice(2);

// The Kubernetes test files share one real API server (test/kube/env.ts; built on first use). It
// runs only when a kube file is selected, and stops after the tests whatever their outcome; it
// also exits by itself should this process die (--owner-pid). The files find it through
// GRANTPOOL_TEST_KUBE_DIR, set even when it failed to start, so that they fail fast.
const kubeFiles = readdirSync(join(root, "test", "kube")).filter((f) => f.endsWith(".kube.test.ts"));
const filters = extra.filter((arg) => !arg.startsWith("-")).map((arg) => arg.replace(/^\.\//, ""));
const kubeDir =
  kubeFiles.length > 0 &&
  (filters.length === 0 || kubeFiles.some((f) => filters.some((x) => `test/kube/${f}`.includes(x))))
    ? mkdtempSync(join(tmpdir(), "grantpool-kube-"))
    : undefined;
// The files named node-*.kube.test.ts need running pods: they share a second server with a real
// node (`kube up DIR --node`: kubelet, containerd, … in a network namespace of its own; see
// test/kube/README.md), named in GRANTPOOL_TEST_KUBE_NODE_DIR. The other kube files keep the plain
// server, where no pod ever runs.
const nodeFiles = kubeFiles.filter((f) => f.startsWith("node-"));
const kubeNodeDir =
  nodeFiles.length > 0 &&
  (filters.length === 0 || nodeFiles.some((f) => filters.some((x) => `test/kube/${f}`.includes(x))))
    ? mkdtempSync(join(tmpdir(), "grantpool-kube-node-"))
    : undefined;
let kubeStopped = false;
function stopKube() {
  if (kubeStopped) return;
  kubeStopped = true;
  for (const [name, dir] of [
    ["kube node down", kubeNodeDir],
    ["kube down", kubeDir],
  ]) {
    if (dir !== undefined) step(name, bin("bun"), [join(root, "test", "kube", "env.ts"), "down", dir]);
  }
}
if (kubeDir !== undefined) {
  process.on("exit", stopKube);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
  const owner = ["--owner-pid", String(process.pid)];
  check("kube up", bin("bun"), [join(root, "test", "kube", "env.ts"), "up", kubeDir, ...owner]);
  process.env.GRANTPOOL_TEST_KUBE_DIR = kubeDir;
  if (kubeNodeDir !== undefined) {
    // Debian's containerd, runc and CNI plugins, installed with apt-get when missing (`up --node`
    // would install them too; as a step of its own a failed install is named as such).
    check("node runtime", process.execPath, [join(root, "scripts", "ensure-node-runtime.mjs")]);
    check("kube node up", bin("bun"), [
      join(root, "test", "kube", "env.ts"),
      "up",
      kubeNodeDir,
      "--node",
      ...owner,
    ]);
    process.env.GRANTPOOL_TEST_KUBE_NODE_DIR = kubeNodeDir;
  }
}

// Debian's Prometheus, unpacked into the cache (not installed), for the dashboard test: fetched
// here so that a download never runs inside a test's deadline.
check("prometheus", process.execPath, [join(root, "scripts", "ensure-prometheus.mjs")]);
// Claude Code (npm's @anthropic-ai/claude-code, a ~400 MB native binary) for the agent tests
// (test/integration/agents), installed into a cache outside the project, for the same reason.
check("claude code", process.execPath, [join(root, "scripts", "ensure-claude-code.mjs")]);
// Gemini CLI (npm's @google/gemini-cli) for the agent tests, and Google's Python SDK (PyPI's
// google-genai, in a virtual environment) for the SDK tests (test/integration/sdks), each in a
// cache outside the project, for the same reason.
check("gemini cli", process.execPath, [join(root, "scripts", "ensure-gemini-cli.mjs")]);
check("google-genai (python)", process.execPath, [join(root, "scripts", "ensure-google-genai-python.mjs")]);
// Codex (npm's @openai/codex, a ~400 MB native binary) for the same tests, the same way.
check("codex", process.execPath, [join(root, "scripts", "ensure-codex.mjs")]);
// Debian's podman, runc and slirp4netns for the image tests (test/image), installed with apt-get
// when missing, for the same reason.
check("podman", process.execPath, [join(root, "scripts", "ensure-podman.mjs")]);

const testsOk = step("tests", bin("bun"), [
  "test",
  // Tests wait for conditions with their own deadlines; this is only the outer guard (bunfig has no such key).
  "--timeout=30000",
  "--reporter=junit",
  `--reporter-outfile=${report}`,
  ...extra,
]);
stopKube();
const xml = readFileSync(report, "utf8");
const suite = /<testsuites[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"(?:[^>]*\berrors="(\d+)")?/.exec(xml);
if (suite) {
  const total = Number(suite[1]);
  const failures = Number(suite[2]) + Number(suite[3] ?? 0);
  const skipped = Number(/<testsuites[^>]*\bskipped="(\d+)"/.exec(xml)?.[1] ?? 0);
  passed += total - failures - skipped;
  failed += failures;
  if (!testsOk && failures === 0) failed += 1; // the runner failed outside any test (load error)
  // Repeated at the end, where a CI log is read: the console shows each where it happened.
  const failedTests = junitFailures(xml);
  if (failedTests.length > 0) console.log(`\n=== failed tests\n${describeFailures(failedTests)}`);
} else {
  failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
