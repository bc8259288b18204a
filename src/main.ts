/** The grantpool program: wires the real process (argv, env, stdio, clock, fetch) to the CLI. */
import { randomUUID } from "node:crypto";
import { runCli } from "./cli/run-cli.ts";
import { readAllStdin } from "./platform/runtime.ts";
import { systemClock } from "./time/clock.ts";

/** A bug or a refused permission (Deno): one line, never a stack trace with source excerpts. */
function crashed(error: unknown): number {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`grantpool: unexpected error: ${reason}\n`);
  return 1;
}

const code = await runCli(
  { argv: process.argv.slice(2), env: process.env, stdoutIsTTY: process.stdout.isTTY === true },
  {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    writeLog: (line) => process.stderr.write(`${line}\n`),
    clock: systemClock,
    fetch: (input, init) => fetch(input, init),
    readStdin: readAllStdin,
    stdinIsTTY: process.stdin.isTTY === true,
    newId: randomUUID,
    env: process.env,
  },
).catch(crashed);
process.exit(code);
