/**
 * Standalone launcher for the Google emulator, for a spawned grantpool (or a human) to talk to:
 *
 *   bun test/support/google-emulator-main.ts [--accounts a@x.com,b@y.com] [--client-id ID] [--client-secret S]
 *
 * Prints one JSON line (URLs, OAuth client, minted accounts with their refresh tokens, and the
 * GRANTPOOL_* environment that points grantpool at it), then serves until SIGTERM or SIGINT.
 */
import { parseArgs } from "node:util";
import { startGoogleEmulator } from "./google-emulator.ts";

const USAGE =
  "usage: bun test/support/google-emulator-main.ts [--accounts a@x.com,b@y.com] [--client-id ID] [--client-secret S]";

function readOptions(): { accounts: string[]; clientId?: string; clientSecret?: string } {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        accounts: { type: "string" },
        "client-id": { type: "string" },
        "client-secret": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    });
    if (values.help === true) {
      console.log(USAGE);
      process.exit(0);
    }
    const accounts = (values.accounts ?? "")
      .split(",")
      .map((email) => email.trim())
      .filter((email) => email !== "");
    const bad = accounts.find((email) => !/^[^@\s]+@[^@\s]+$/.test(email));
    if (bad !== undefined) throw new Error(`--accounts: "${bad}" is not an email address`);
    const options: { accounts: string[]; clientId?: string; clientSecret?: string } = { accounts };
    if (values["client-id"] !== undefined) options.clientId = values["client-id"];
    if (values["client-secret"] !== undefined) options.clientSecret = values["client-secret"];
    return options;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

const { accounts, ...clientOptions } = readOptions();
const emulator = await startGoogleEmulator(clientOptions);
const minted = accounts.map((email) => ({ email, refreshToken: emulator.addIdentity({ email }) }));

console.log(
  JSON.stringify({
    url: emulator.url,
    tokenUrl: emulator.tokenUrl,
    userinfoUrl: emulator.userinfoUrl,
    authUrl: emulator.authUrl,
    upstreamUrl: emulator.upstreamUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    accounts: minted,
    env: {
      GRANTPOOL_OAUTH_TOKEN_URL: emulator.tokenUrl,
      GRANTPOOL_OAUTH_USERINFO_URL: emulator.userinfoUrl,
      GRANTPOOL_OAUTH_AUTH_URL: emulator.authUrl,
      GRANTPOOL_OAUTH_CLIENT_ID: emulator.clientId,
      GRANTPOOL_OAUTH_CLIENT_SECRET: emulator.clientSecret,
      GRANTPOOL_UPSTREAM_URL: emulator.upstreamUrl,
    },
  }),
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await emulator.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
