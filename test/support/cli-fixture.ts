/** The Google emulator plus an empty data directory and the settings that point grantpool at both. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GoogleEmulator, startGoogleEmulator } from "./google-emulator.ts";
import { emulatorEnv } from "./run-cli.ts";

export interface CliFixture extends AsyncDisposable {
  readonly google: GoogleEmulator;
  readonly dataDir: string;
  readonly env: Record<string, string>;
}

export async function startCliFixture(extraEnv: Record<string, string> = {}): Promise<CliFixture> {
  const google = await startGoogleEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), "grantpool-test-"));
  return {
    google,
    dataDir,
    env: { ...emulatorEnv(google, dataDir), ...extraEnv },
    async [Symbol.asyncDispose]() {
      await google.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
