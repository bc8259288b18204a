// `npm run build`: compiles src/main.ts with the pinned Bun into the single binary dist/grantpool,
// carrying the whole CLI and the version `<package.json version>+<short git sha>`.
//
// The build is skipped while dist/grantpool is newer than every input (src/, package.json, the
// lock, the build settings) and still reports the version a build would inject now (a new commit
// means a new version), so `npm test` does not rebuild needlessly. `--force` rebuilds anyway;
// `--no-minify` keeps the bundle readable; `--print-version` prints the version and exits.
//
// The binary is compiled into a private directory, checked by running `grantpool version`, given
// the build's start time as its mtime (so a source saved during the build leaves it stale), and
// renamed into place: a concurrent build or a test running the old binary never sees half a file.
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { join, relative } from "node:path";
import { bin, ensureDeps, root } from "./ensure-deps.mjs";

const USAGE = "usage: node scripts/build.mjs [--force] [--no-minify] [--print-version]";
const OPTIONS = new Set(["--force", "--no-minify", "--print-version"]);

const distDir = join(root, "dist");
const binary = join(distDir, "grantpool");
/** Files whose change means a new binary; src/ is walked (directories too, so a deletion counts). */
const INPUT_FILES = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "bunfig.toml",
  "scripts/build.mjs",
];

function parseArgs(argv) {
  const unknown = argv.filter((arg) => !OPTIONS.has(arg));
  if (unknown.length > 0) {
    console.error(`build: unknown argument ${unknown.join(" ")}\n${USAGE}`);
    process.exit(2);
  }
  return {
    force: argv.includes("--force"),
    minify: !argv.includes("--no-minify"),
    printVersion: argv.includes("--print-version"),
  };
}

/** `0.1.0+adba918`, or the bare package version when git (or the repository) is not there. */
function buildVersion() {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  const sha = git.status === 0 ? git.stdout.trim() : "";
  return /^[0-9a-f]{4,40}$/.test(sha) ? `${version}+${sha}` : version;
}

function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest mtime among the inputs, and which input it belongs to. */
function newestInput() {
  let newest = { path: "", mtimeMs: 0 };
  const consider = (path, mtimeMs) => {
    if (mtimeMs !== undefined && mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  };
  const walk = (dir) => {
    consider(dir, mtimeOf(dir));
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else consider(path, mtimeOf(path));
    }
  };
  walk(join(root, "src"));
  for (const file of INPUT_FILES) consider(join(root, file), mtimeOf(join(root, file)));
  return newest;
}

/** The version a binary reports, or undefined when it does not run. */
function reportedVersion(path) {
  const run = spawnSync(path, ["version"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
  if (run.status !== 0) return undefined;
  return /^grantpool (\S+) \(bun /.exec(run.stdout)?.[1];
}

/** Why dist/grantpool must be rebuilt, or undefined when it is up to date. */
function staleness(version) {
  const built = mtimeOf(binary);
  if (built === undefined) return "no binary yet";
  const newest = newestInput();
  if (newest.mtimeMs >= built) return `${relative(root, newest.path)} changed`;
  const reported = reportedVersion(binary);
  if (reported !== version) return `it reports version ${reported ?? "(does not run)"}, not ${version}`;
  return undefined;
}

function formatSize(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;
}

/** Compiles into `workDir`; returns the checked binary's path, or undefined when the build failed. */
function compile(version, minify, workDir) {
  const outfile = join(workDir, "grantpool");
  const args = [
    "build",
    "--compile",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    // An embedded source map and the original names: a crash's stack trace points into src/.
    "--sourcemap",
    "--keep-names",
    ...(minify ? ["--minify"] : []),
    "--define",
    `GRANTPOOL_BUILD_VERSION=${JSON.stringify(version)}`,
    "--outfile",
    outfile,
    join(root, "src", "main.ts"),
  ];
  const result = spawnSync(bin("bun"), args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    console.error(`build: bun build failed (exit ${result.status ?? result.signal})`);
    return undefined;
  }
  const reported = reportedVersion(outfile);
  if (reported !== version) {
    console.error(
      `build: the new binary reports version ${reported ?? "(does not run)"}, expected ${version}`,
    );
    return undefined;
  }
  return outfile;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const version = buildVersion();
  if (options.printVersion) {
    console.log(version);
    return 0;
  }
  ensureDeps();
  const reason = options.force ? "--force" : staleness(version);
  if (reason === undefined) {
    console.log(
      `dist/grantpool ${version} is up to date, ${formatSize(statSync(binary).size)}; --force rebuilds`,
    );
    return 0;
  }
  console.log(`build: compiling dist/grantpool ${version} (${reason})`);
  const started = Date.now();
  mkdirSync(distDir, { recursive: true });
  const workDir = mkdtempSync(join(distDir, ".build-"));
  try {
    const outfile = compile(version, options.minify, workDir);
    if (outfile === undefined) return 1;
    // The build's start time, not its end: an input saved while bun was bundling is newer.
    const startedAt = new Date(started);
    utimesSync(outfile, startedAt, startedAt);
    renameSync(outfile, binary);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`dist/grantpool ${version} built in ${seconds} s, ${formatSize(statSync(binary).size)}`);
  return 0;
}

process.exit(main());
