/**
 * The Google emulator on its own, for a person (the README's tour) or a spawned grantpool:
 *
 *   npm run emulator -- [--port 8046] [--host 127.0.0.1] [--accounts a@x.com,b@y.com] [--client-id ID] [--client-secret S]
 *       serves until Ctrl-C (SIGINT) or SIGTERM; first prints the `export GRANTPOOL_…` lines that
 *       point grantpool at it, and a refresh token per --accounts email (as # comments); --host
 *       0.0.0.0 serves every address (the kube node tests run it inside the node's namespace)
 *   npm run -s emulator -- env [--port 8046]                 those export lines, from the running one
 *   npm run -s emulator -- token EMAIL… [--port 8046]        a new refresh token per email, one a line
 *   npm run -s emulator -- revoke EMAIL|TOKEN… [--port 8046] revoke (the tour's invalid_grant)
 *
 * The commands talk to the running emulator's control routes (google-emulator-front.ts), waiting
 * up to CONNECT_DEADLINE_MS for it to answer, so `npm run emulator &` can be followed at once.
 */
import { parseArgs } from "node:util";
import { startGoogleEmulator } from "./google-emulator.ts";
import { startEmulatorFront } from "./google-emulator-front.ts";

const DEFAULT_PORT = 8046;
const CONNECT_DEADLINE_MS = 10_000;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

const USAGE = `usage: npm run emulator -- [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--accounts a@x.com,b@y.com] [--client-id ID] [--client-secret S]
       npm run -s emulator -- env [--port ${DEFAULT_PORT}]
       npm run -s emulator -- token EMAIL... [--port ${DEFAULT_PORT}]
       npm run -s emulator -- revoke EMAIL|TOKEN... [--port ${DEFAULT_PORT}]`;

interface Options {
  readonly command: "serve" | "env" | "token" | "revoke";
  readonly words: string[];
  readonly port: number;
  readonly host: string;
  readonly accounts: string[];
  readonly clientId?: string;
  readonly clientSecret?: string;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function readOptions(): Options {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: "string" },
      host: { type: "string" },
      accounts: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      help: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const [command = "serve", ...words] = positionals;
  if (command !== "serve" && command !== "env" && command !== "token" && command !== "revoke") {
    fail(`unknown command "${command}"\n${USAGE}`);
  }
  const port = Number(values.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port: expected 0 to 65535\n${USAGE}`);
  const accounts = (values.accounts ?? "")
    .split(",")
    .map((email) => email.trim())
    .filter((email) => email !== "");
  const bad = [...accounts, ...(command === "token" ? words : [])].find((email) => !EMAIL.test(email));
  if (bad !== undefined) fail(`"${bad}" is not an email address`);
  if ((command === "token" || command === "revoke") && words.length === 0) {
    fail(`${command}: give at least one ${command === "token" ? "EMAIL" : "EMAIL or TOKEN"}\n${USAGE}`);
  }
  return {
    command,
    words,
    port,
    host: values.host ?? "127.0.0.1",
    accounts,
    ...(values["client-id"] === undefined ? {} : { clientId: values["client-id"] }),
    ...(values["client-secret"] === undefined ? {} : { clientSecret: values["client-secret"] }),
  };
}

async function serve(options: Options): Promise<void> {
  const { clientId, clientSecret } = options;
  const emulator = await startGoogleEmulator({
    ...(clientId === undefined ? {} : { clientId }),
    ...(clientSecret === undefined ? {} : { clientSecret }),
  });
  let front: ReturnType<typeof startEmulatorFront>;
  try {
    front = startEmulatorFront(emulator, options.port, options.host);
  } catch (error) {
    await emulator.close();
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `Cannot listen on ${options.host}:${options.port}: ${reason} (an emulator running already? --port N picks another port)\n`,
    );
    process.exit(1);
  }
  const minted = options.accounts.map((email) => `# refresh token of ${email}: ${front.mintToken(email)}`);
  const lines = [
    `# Google emulator on ${front.url} (Ctrl-C stops it). Point grantpool at it in your shell:`,
    front.exportLines(),
    ...minted,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await front.close();
    await emulator.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

/** Calls a control route of the running emulator, waiting for it to come up. */
async function control(port: number, method: string, path: string, params = ""): Promise<string> {
  const url = `http://127.0.0.1:${port}/emulator/${path}${params === "" ? "" : `?${params}`}`;
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  for (;;) {
    try {
      const reply = await fetch(url, { method });
      const body = await reply.text();
      if (!reply.ok) {
        process.stderr.write(body);
        process.exit(1);
      }
      return body;
    } catch {
      if (Date.now() > deadline) {
        process.stderr.write(
          `No Google emulator answers on port ${port}: start one with \`npm run emulator\`\n`,
        );
        process.exit(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function run(options: Options): Promise<void> {
  switch (options.command) {
    case "serve":
      return serve(options);
    case "env":
      process.stdout.write(await control(options.port, "GET", "env"));
      return;
    case "token":
      for (const email of options.words) {
        const params = new URLSearchParams({ email });
        process.stdout.write(await control(options.port, "POST", "tokens", params.toString()));
      }
      return;
    case "revoke":
      for (const word of options.words) {
        const params = new URLSearchParams(EMAIL.test(word) ? { email: word } : { token: word });
        process.stdout.write(await control(options.port, "POST", "revoke", params.toString()));
      }
      return;
  }
}

let options: Options;
try {
  options = readOptions();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
await run(options);
