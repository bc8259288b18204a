import { describe, expect, test } from "bun:test";
import { ALL_COMMANDS, type Command } from "../../../src/config/commands.ts";
import { describeSettings } from "../../../src/config/describe-settings.ts";
import { loadConfig } from "../../../src/config/load-config.ts";
import { usageText } from "../../../src/config/usage-text.ts";
import { configInput } from "./config-fixture.ts";

const rows = describeSettings();

describe("describeSettings", () => {
  test("gives each setting a unique kebab-case name and its GRANTPOOL_ variable", () => {
    const names = rows.map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
    for (const row of rows) {
      expect(row.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(row.flag).toBe(`--${row.name}`);
      expect(row.envVar).toBe(`GRANTPOOL_${row.name.toUpperCase().replaceAll("-", "_")}`);
      expect(row.meaning.length).toBeGreaterThan(0);
    }
  });

  test("covers every variable the specification names", () => {
    const specified = [
      "GRANTPOOL_PORT",
      "GRANTPOOL_DATA_DIR",
      "GRANTPOOL_API_KEYS",
      "GRANTPOOL_AUTH_MODE",
      "GRANTPOOL_ADMIN_KEY",
      "GRANTPOOL_OAUTH_TOKEN_URL",
      "GRANTPOOL_OAUTH_USERINFO_URL",
      "GRANTPOOL_OAUTH_AUTH_URL",
      "GRANTPOOL_OAUTH_CLIENT_ID",
      "GRANTPOOL_OAUTH_CLIENT_SECRET",
      "GRANTPOOL_UPSTREAM_URL",
      "GRANTPOOL_UPSTREAM_PROFILE",
      "GRANTPOOL_STRATEGY",
      "GRANTPOOL_REFRESH_SKEW",
      "GRANTPOOL_MAX_ATTEMPTS",
      "GRANTPOOL_MAX_BODY_BYTES",
      "GRANTPOOL_LOG_LEVEL",
      "GRANTPOOL_LOG_FORMAT",
      "GRANTPOOL_CONFIG",
    ];
    const envVars = rows.map((row) => row.envVar);
    for (const name of specified) expect(envVars).toContain(name);
  });

  test("states the documented defaults as text", () => {
    const byName = new Map(rows.map((row) => [row.name, row.default]));
    expect(byName.get("port")).toBe("8045");
    expect(byName.get("data-dir")).toBe("~/.grantpool");
    expect(byName.get("api-keys")).toBe("none");
    expect(byName.get("admin-key")).toBe("none");
    expect(byName.get("max-body-bytes")).toBe("104857600");
    expect(byName.get("log-format")).toBe("json when not a TTY, else text");
  });

  test("marks exactly the credentials as secret", () => {
    const secret = rows.filter((row) => row.secret).map((row) => row.name);
    expect(secret.sort()).toEqual(["admin-key", "api-keys", "oauth-client-secret", "refresh-token"]);
  });
});

describe("flags and usage text", () => {
  test("every command that runs something accepts --config, --log-level and --log-format", () => {
    const configured = ALL_COMMANDS.filter((command) => command !== "help" && command !== "version");
    for (const name of ["config", "log-level", "log-format"]) {
      const row = rows.find((candidate) => candidate.name === name);
      expect(row?.flagFor).toEqual(configured);
    }
  });

  test("a command's usage lists exactly the flags it accepts", () => {
    for (const command of ALL_COMMANDS) {
      const usage = usageText(command);
      for (const row of rows) {
        const listed = new RegExp(`^  ${row.flag}( |$)`, "m").test(usage);
        expect({ command, flag: row.flag, listed }).toEqual({
          command,
          flag: row.flag,
          listed: row.flagFor.includes(command),
        });
      }
    }
  });

  test("every flag is accepted by the commands the table names and refused by the others", () => {
    const argvFor = (command: Command) => {
      if (command === "help") return ["help"];
      const [word, action] = command.split(" ");
      const positional = ["enable", "disable", "remove", "import"].includes(action ?? "") ? ["x"] : [];
      return [word ?? "", ...(action === undefined ? [] : [action]), ...positional];
    };
    for (const row of rows) {
      for (const command of ALL_COMMANDS) {
        const argv = [...argvFor(command), `${row.flag}=${row.flag === "--config" ? "/c.yaml" : "1"}`];
        const result = loadConfig(configInput(argv, { files: { "/c.yaml": "" } }));
        // An accepted flag may still carry a bad value ("1"); only a usage error means refused.
        const refused = !result.ok && result.error.code === "usage";
        expect({ command, flag: row.flag, refused }).toEqual({
          command,
          flag: row.flag,
          refused: !row.flagFor.includes(command),
        });
      }
    }
  });
});
