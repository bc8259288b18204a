/** The grantpool program: wires the real process (argv, env, stdio, clock, fetch) to the CLI. */
import { randomUUID } from "node:crypto";
import { runCli } from "./cli/run-cli.ts";
import { readAllStdin } from "./platform/runtime.ts";
import { systemClock } from "./time/clock.ts";

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
);
process.exit(code);
