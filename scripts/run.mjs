// `npm start` / `npm run grantpool -- …`: runs grantpool from the sources with the pinned Bun,
// installing dependencies on first use. `npm run deno -- …` runs it under the pinned Deno with only
// the permissions it needs; `npm run emulator -- …` runs the Google emulator (test/support).
//
// npm runs scripts in the repository, but sets INIT_CWD to the directory the user ran npm in: the
// program runs there, so relative paths (--data-dir ./x, --config ./c.yaml) mean what they say.
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { bin, ensureDeps, root } from "./ensure-deps.mjs";

const MODES = {
  "--deno": { tool: "deno", entry: join(root, "src", "main.ts") },
  "--emulator": { tool: "bun", entry: join(root, "test", "support", "google-emulator-main.ts") },
};

/** The value of `--name V` / `--name=V` in args, else of the variable, as a path from cwd. */
function pathSetting(args, name, variable, cwd) {
  let value = process.env[variable];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--") break;
    if (arg === `--${name}`) value = args[index + 1];
    else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
  }
  if (value === undefined || value.trim() === "") return undefined;
  const path = value.trim();
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return resolve(cwd, path);
}

/**
 * Deno's permissions for grantpool: the network (it listens, and calls Google and the upstream),
 * the environment (its settings), the home directory and host name (the default data directory,
 * the store's lock owner, telemetry), and files: the data directory, read and written, and the
 * --config and --refresh-token-file files, read. `--unstable-no-legacy-abort`: a request's signal
 * aborts only when the client goes away (the proxy's meaning), and Deno prints no warning about it
 * into the JSON log stream.
 */
function denoPermissions(args, cwd) {
  const dataDir = pathSetting(args, "data-dir", "GRANTPOOL_DATA_DIR", cwd) ?? join(homedir(), ".grantpool");
  const readable = [
    dataDir,
    pathSetting(args, "config", "GRANTPOOL_CONFIG", cwd),
    pathSetting(args, "refresh-token-file", "GRANTPOOL_REFRESH_TOKEN_FILE", cwd),
  ].filter((path) => path !== undefined);
  return [
    "--allow-net",
    "--allow-env",
    "--allow-sys=homedir,hostname",
    `--allow-read=${readable.join(",")}`,
    `--allow-write=${dataDir}`,
    "--unstable-no-legacy-abort",
  ];
}

function command(argv, cwd) {
  const mode = MODES[argv[0] ?? ""];
  if (mode === undefined) return [bin("bun"), [join(root, "src", "main.ts"), ...argv]];
  const args = argv.slice(1);
  if (mode.tool === "deno") {
    return [bin("deno"), ["run", "--quiet", ...denoPermissions(args, cwd), mode.entry, ...args]];
  }
  return [bin(mode.tool), [mode.entry, ...args]];
}

const cwd = process.env.INIT_CWD ?? process.cwd();
ensureDeps();
const [program, args] = command(process.argv.slice(2), cwd);
const child = spawn(program, args, {
  cwd,
  stdio: "inherit",
  env: { DENO_NO_UPDATE_CHECK: "1", ...process.env },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
