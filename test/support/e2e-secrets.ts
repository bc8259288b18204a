/**
 * The secret scan of the end-to-end suite: every credential the Google emulator handed out in a run
 * (refresh tokens, the access tokens seen upstream and in the store, the client secret), and a
 * search of captured text (logs, CLI output, replies) for any of them or for anything shaped like
 * an emulator token.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GoogleEmulator } from "./google-emulator.ts";

/** The emulator marks every token it mints with `emu-`: refresh `1//emu-…`, access `ya29.emu-…`, code `4/emu-…`. */
const EMULATOR_TOKEN_SHAPE = /(?:1\/\/|ya29\.|4\/)emu-[A-Za-z0-9_-]{6,}/;

function storedTokens(dataDir: string): string[] {
  const dir = join(dataDir, "accounts");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .flatMap((name) => {
      const file = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
        token?: { access_token?: unknown; refresh_token?: unknown };
      };
      return [file.token?.access_token, file.token?.refresh_token].filter(
        (value): value is string => typeof value === "string" && value !== "",
      );
    });
}

/** Every secret of this run that must never show up outside the store and the emulator. */
export function issuedSecrets(
  google: GoogleEmulator,
  dataDir: string,
  refreshTokens: readonly string[],
): string[] {
  const seenUpstream = google.upstreamRequests.flatMap((request) => {
    const auth = request.headers.authorization ?? "";
    return auth.startsWith("Bearer ") ? [auth.slice("Bearer ".length)] : [];
  });
  return [...new Set([...refreshTokens, ...seenUpstream, ...storedTokens(dataDir), google.clientSecret])];
}

/** One line per leak found ("<where>: <secret prefix>…"); empty when the texts are clean. */
export function findLeaks(texts: ReadonlyMap<string, string>, secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const [where, text] of texts) {
    for (const secret of secrets) {
      if (text.includes(secret)) leaks.push(`${where}: ${secret.slice(0, 10)}…`);
    }
    const shaped = EMULATOR_TOKEN_SHAPE.exec(text);
    if (shaped !== null) leaks.push(`${where}: token-shaped ${shaped[0].slice(0, 10)}…`);
  }
  return leaks;
}
