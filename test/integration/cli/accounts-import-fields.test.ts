/**
 * `grantpool accounts import DIR` copies an Antigravity-Manager account whole: the members
 * grantpool does not model (quota, device profile, protected models, validation state, labels,
 * token extras) arrive byte for byte in value, as the file store keeps them on a rewrite.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RawMember, readRawMembers } from "../../../src/stores/file/raw-json-object.ts";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import { runCli } from "../../support/run-cli.ts";

const ID = "6f1c2a9e-0b7d-4e55-9a64-3c2d1e0f9b8a";

// As Antigravity-Manager 4.5.8 writes it (serde_json, pretty), with values JSON.parse would change.
const SOURCE = `{
  "id": "${ID}",
  "email": "carol@example.com",
  "name": "Carol",
  "token": {
    "access_token": "access-value",
    "refresh_token": "rt-carol-import-fields",
    "expires_in": 3599,
    "expiry_timestamp": 1760000000,
    "token_type": "Bearer",
    "email": "carol@example.com",
    "project_id": "proj-carol",
    "session_id": "-1234567890123456789",
    "oauth_client_key": "antigravity_enterprise",
    "is_gcp_tos": false,
    "t_num": 2.50
  },
  "device_profile": {
    "machine_id": "auth0|user_01",
    "mac_machine_id": "0b9d",
    "dev_device_id": "7c1e",
    "sqm_id": "{A1B2}"
  },
  "device_history": [],
  "quota": {
    "models": [
      {"name": "gemini-2.5-pro", "percentage": 87.50, "reset_time": "2026-01-01T00:00:00Z"}
    ],
    "last_updated": 1760000000,
    "is_forbidden": false,
    "subscription_tier": "PRO"
  },
  "disabled": false,
  "proxy_disabled": false,
  "protected_models": ["claude-sonnet-4-5"],
  "validation_blocked": false,
  "validation_url": "https://accounts.google.com/signin/continue?x=1",
  "created_at": 1760000000,
  "last_used": 1760000500,
  "custom_label": "caf\\u00e9",
  "big": 12345678901234567890123
}
`;

function membersOf(text: string): Map<string, RawMember> {
  return new Map(readRawMembers(text).map((member) => [member.key, member]));
}

describe("grantpool accounts import", () => {
  let fixture: CliFixture;
  let source: string;

  beforeEach(async () => {
    fixture = await startCliFixture();
    source = mkdtempSync(join(tmpdir(), "antigravity-"));
    mkdirSync(join(source, "accounts"));
    writeFileSync(join(source, "accounts", `${ID}.json`), SOURCE);
  });

  afterEach(async () => {
    rmSync(source, { recursive: true, force: true });
    await fixture[Symbol.asyncDispose]();
  });

  test("keeps every member grantpool does not know, at the top level and inside token", async () => {
    const run = await runCli(["accounts", "import", source], { env: fixture.env });
    expect(run.stdout).toContain(`Imported carol@example.com (id ${ID})`);
    expect(run.code).toBe(0);

    const imported = membersOf(readFileSync(join(fixture.dataDir, "accounts", `${ID}.json`), "utf8"));
    const original = membersOf(SOURCE);
    // Every member of the source is there with the same value text, owned ones included.
    for (const [key, member] of original) {
      if (key === "token") continue;
      expect({ key, raw: imported.get(key)?.rawValue }).toEqual({ key, raw: member.rawValue });
    }
    const tokenOf = (members: Map<string, RawMember>) => membersOf(members.get("token")?.rawValue ?? "{}");
    const [importedToken, originalToken] = [tokenOf(imported), tokenOf(original)];
    for (const [key, member] of originalToken)
      expect({ key, raw: importedToken.get(key)?.rawValue }).toEqual({ key, raw: member.rawValue });
    expect([...imported.keys()].sort()).toEqual([...original.keys()].sort());
    expect([...importedToken.keys()].sort()).toEqual([...originalToken.keys()].sort());
  });

  test("leaves the source untouched and the imported file readable by grantpool", async () => {
    const run = await runCli(["accounts", "import", join(source, "accounts")], { env: fixture.env });
    expect(run.code).toBe(0);
    expect(readFileSync(join(source, "accounts", `${ID}.json`), "utf8")).toBe(SOURCE);
    const list = await runCli(["accounts", "list", "--json"], { env: fixture.env });
    expect(JSON.parse(list.stdout)).toMatchObject([
      { id: ID, email: "carol@example.com", projectId: "proj-carol" },
    ]);
  });
});
