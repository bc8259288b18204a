import { describe, expect, test } from "bun:test";
import { issuesOf, load, loadError } from "./config-fixture.ts";

const CONFIG = "/etc/grantpool/config.yaml";

function fileError(text: string, argv: readonly string[] = ["proxy"]) {
  return loadError([...argv, "--config", CONFIG], { files: { [CONFIG]: text } });
}

describe("invalid values", () => {
  test("name the setting, the flag it came from and what is expected", () => {
    const error = loadError(["proxy", "--port", "eighty"]);
    expect(error.code).toBe("config_invalid");
    expect(issuesOf(error)).toEqual([
      'Invalid setting "port" from flag --port: expected an integer from 0 to 65535, got "eighty"',
    ]);
  });

  test("name the variable a bad value came from", () => {
    const error = loadError(["proxy"], { env: { GRANTPOOL_PORT: "eighty" } });
    expect(issuesOf(error)).toEqual([
      'Invalid setting "port" from variable GRANTPOOL_PORT: expected an integer from 0 to 65535, got "eighty"',
    ]);
  });

  test("name the config file and line a bad value came from", () => {
    const error = fileError("# grantpool\nhost: 0.0.0.0\n\nmax-attempts: 0\n");
    expect(issuesOf(error)).toEqual([
      `Invalid setting "max-attempts" from file ${CONFIG}:4: expected an integer of at least 1, got "0"`,
    ]);
  });

  test("describe each kind of expectation", () => {
    const cases: [string[], string][] = [
      [
        ["--port", "70000"],
        'Invalid setting "port" from flag --port: expected an integer from 0 to 65535, got "70000"',
      ],
      [
        ["--port", "80.5"],
        'Invalid setting "port" from flag --port: expected an integer from 0 to 65535, got "80.5"',
      ],
      [
        ["--sticky-idle", "0"],
        'Invalid setting "sticky-idle" from flag --sticky-idle: expected a whole number of seconds of at least 1, got "0"',
      ],
      [
        ["--refresh-skew", "-1"],
        'Invalid setting "refresh-skew" from flag --refresh-skew: expected a whole number of seconds of at least 0, got "-1"',
      ],
      [
        ["--refresh-timeout", "0"],
        'Invalid setting "refresh-timeout" from flag --refresh-timeout: expected a number of seconds greater than 0, got "0"',
      ],
      [
        ["--auth-mode", "on"],
        'Invalid setting "auth-mode" from flag --auth-mode: expected one of off, strict, all_except_health, auto, got "on"',
      ],
      [
        ["--store", "s3"],
        'Invalid setting "store" from flag --store: expected one of file, kubernetes, got "s3"',
      ],
      [
        ["--upstream-url", "ftp://x"],
        'Invalid setting "upstream-url" from flag --upstream-url: expected an http or https URL, got "ftp://x"',
      ],
      [
        ["--oauth-token-url", "not a url"],
        'Invalid setting "oauth-token-url" from flag --oauth-token-url: expected an http or https URL, got "not a url"',
      ],
      [
        ["--all-namespaces=maybe"],
        'Invalid setting "all-namespaces" from flag --all-namespaces: expected true or false, got "maybe"',
      ],
      [["--host="], 'Invalid setting "host" from flag --host: expected a host name or IP address, got ""'],
    ];
    for (const [flags, issue] of cases) expect(loadError(["proxy", ...flags]).issues).toEqual([issue]);
  });

  test("reject a namespace that is not a DNS-1123 label", () => {
    const error = loadError(["operator"], { env: { GRANTPOOL_NAMESPACE: "Team_A" } });
    expect(error.issues[0]).toStartWith(
      'Invalid setting "namespace" from variable GRANTPOOL_NAMESPACE: expected a DNS-1123 label',
    );
    expect(error.issues[0]).toEndWith('got "Team_A"');
  });

  test("describe a file value of the wrong shape without dumping it", () => {
    const error = fileError("port:\n  a: 1\nhost: [a, b]\n");
    expect(issuesOf(error)).toEqual([
      `Invalid setting "port" from file ${CONFIG}:1: expected an integer from 0 to 65535, got a mapping`,
      `Invalid setting "host" from file ${CONFIG}:3: expected a host name or IP address, got ["a","b"]`,
    ]);
  });

  test("reports every bad setting together, one per line, in table order", () => {
    const error = loadError(["proxy", "--config", CONFIG, "--strategy", "random", "--max-body-bytes", "0"], {
      env: { GRANTPOOL_PORT: "-1", GRANTPOOL_LOG_LEVEL: "loud" },
      files: { [CONFIG]: "upstream-profile: vertex\n" },
    });
    expect(issuesOf(error).map((issue) => issue.split(":")[0])).toEqual([
      'Invalid setting "port" from variable GRANTPOOL_PORT',
      `Invalid setting "upstream-profile" from file ${CONFIG}`,
      'Invalid setting "strategy" from flag --strategy',
      'Invalid setting "max-body-bytes" from flag --max-body-bytes',
      'Invalid setting "log-level" from variable GRANTPOOL_LOG_LEVEL',
    ]);
    expect(error.message.split("\n")).toHaveLength(5);
  });
});

describe("secrets", () => {
  test("values of secret settings are described by length, never echoed", () => {
    const secret = "s3cr3t-admin-key-value";
    const fromFlag = loadError(["proxy", "--admin-key="]);
    expect(fromFlag.issues).toEqual([
      'Invalid setting "admin-key" from flag --admin-key: expected a non-empty string, got a value of 0 characters',
    ]);
    const fromFile = fileError(`admin-key: [${secret}]\napi-keys:\n  k: ${secret}\n`);
    expect(fromFile.message).not.toContain(secret);
    expect(issuesOf(fromFile)).toEqual([
      `Invalid setting "api-keys" from file ${CONFIG}:2: expected a comma-separated list or a YAML list of strings, got a mapping`,
      `Invalid setting "admin-key" from file ${CONFIG}:1: expected a non-empty string, got a list of 1 item`,
    ]);
  });

  test("a secret in an unknown or unaccepted flag is not echoed", () => {
    const error = loadError(["version", "--oauth-client-secret=GOCSPX-abcdef", "--refresh-tokn=1//0abc"]);
    expect(error.message).not.toContain("GOCSPX");
    expect(error.message).not.toContain("1//0abc");
  });

  test("a conflict between secret settings names their sources, not their values", () => {
    const error = loadError(["accounts", "add", "--refresh-token", "1//0tokenvalue"], {
      env: { GRANTPOOL_REFRESH_TOKEN_FILE: "/tokens.txt" },
    });
    expect(error.message).not.toContain("1//0tokenvalue");
    expect(issuesOf(error)).toEqual([
      'Settings "refresh-token" (from flag --refresh-token) and "refresh-token-file" (from variable GRANTPOOL_REFRESH_TOKEN_FILE) exclude each other: expected at most one of them',
    ]);
  });
});

describe("settings that depend on each other", () => {
  test("the fixed strategy without a fixed account is invalid, naming where the strategy came from", () => {
    const error = loadError(["proxy"], { env: { GRANTPOOL_STRATEGY: "fixed" } });
    expect(error.code).toBe("config_invalid");
    expect(issuesOf(error)).toEqual([
      'Setting "fixed-account" is required when "strategy" is fixed (from variable GRANTPOOL_STRATEGY): expected an account id or email from --fixed-account, GRANTPOOL_FIXED_ACCOUNT or the config file',
    ]);
  });

  test("the fixed-strategy rule is reported together with bad values", () => {
    const error = loadError(["proxy", "--strategy", "fixed", "--port", "x"]);
    expect(error.issues).toHaveLength(2);
    expect(error.issues[1]).toStartWith('Setting "fixed-account" is required');
  });

  test("the fixed-strategy rule does not block commands that do not pick accounts", () => {
    expect(load(["accounts", "list"], { env: { GRANTPOOL_STRATEGY: "fixed" } }).settings.strategy).toBe(
      "fixed",
    );
  });

  test("a namespace and all namespaces exclude each other", () => {
    const error = loadError(["operator", "--all-namespaces"], { env: { GRANTPOOL_NAMESPACE: "grantpool" } });
    expect(issuesOf(error)).toEqual([
      'Settings "namespace" (from variable GRANTPOOL_NAMESPACE) and "all-namespaces" (from flag --all-namespaces) exclude each other: expected at most one of them',
    ]);
  });

  test("accounts manifest requires a name and a refresh token file", () => {
    const error = loadError(["accounts", "manifest", "--namespace", "ai"]);
    expect(issuesOf(error).map((issue) => issue.split(":")[0])).toEqual([
      'Setting "name" is required by "accounts manifest"',
      'Setting "refresh-token-file" is required by "accounts manifest"',
    ]);
  });
});

describe("the OAuth client", () => {
  const CLIENT_ISSUE = (setting: string, variable: string, command: string) =>
    `Setting "${setting}" is required by "${command}" (Google's token endpoint needs the OAuth client the refresh tokens were issued to): expected a non-empty string from --${setting}, ${variable} or the config file`;

  test("is required, id and secret, by the commands whose job is to call Google's token endpoint", () => {
    const argvs = [["operator"], ["accounts", "add"], ["accounts", "login"]];
    for (const argv of argvs) {
      const error = loadError(argv, { withoutOAuthClient: true });
      expect(error.code).toBe("config_invalid");
      expect(issuesOf(error)).toEqual([
        CLIENT_ISSUE("oauth-client-id", "GRANTPOOL_OAUTH_CLIENT_ID", argv.join(" ")),
        CLIENT_ISSUE("oauth-client-secret", "GRANTPOOL_OAUTH_CLIENT_SECRET", argv.join(" ")),
      ]);
    }
  });

  test("a missing secret alone is named alone", () => {
    const error = loadError(["accounts", "add", "--oauth-client-id", "c.apps.googleusercontent.com"], {
      withoutOAuthClient: true,
    });
    expect(issuesOf(error)).toEqual([
      CLIENT_ISSUE("oauth-client-secret", "GRANTPOOL_OAUTH_CLIENT_SECRET", "accounts add"),
    ]);
  });

  test("is not required by the proxy nor by the commands that never call Google", () => {
    const cases: [string[], string][] = [
      [["proxy"], "proxy"], // the README's first command starts it on a fresh machine
      [["accounts", "list"], "accounts list"],
      [["accounts", "disable", "a@x.com"], "accounts disable"],
      [["version"], "version"],
      [["help"], "help"],
    ];
    for (const [argv, command] of cases) {
      expect(String(load(argv, { withoutOAuthClient: true }).command)).toBe(command);
    }
  });
});

describe("the config file", () => {
  test("a missing config file is an error naming the file and where its name came from", () => {
    const error = loadError(["proxy"], { env: { GRANTPOOL_CONFIG: "/nowhere.yaml" } });
    expect(error.code).toBe("config_invalid");
    expect(issuesOf(error)).toEqual([
      `Cannot read config file "/nowhere.yaml" (from variable GRANTPOOL_CONFIG): ENOENT: no such file or directory, open '/nowhere.yaml'`,
    ]);
  });

  test("an unknown key is an error with its line and a suggestion", () => {
    const error = fileError("port: 9000\ndata_dir: /srv\nstrategy: sticky\nfrobnicate: 1\n");
    expect(issuesOf(error)).toEqual([
      `Unknown setting "data_dir" in config file ${CONFIG}:2 (did you mean "data-dir"?)`,
      `Unknown setting "frobnicate" in config file ${CONFIG}:4`,
    ]);
  });

  test("the config file cannot name another config file", () => {
    expect(fileError("config: /other.yaml\n").issues).toEqual([
      `Setting "config" cannot be set in config file ${CONFIG}:1`,
    ]);
  });

  test("a YAML syntax error is reported with its line", () => {
    const error = fileError("port: 9000\nhost: [unclosed\n");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toStartWith(`Cannot parse config file ${CONFIG}:`);
  });

  test("a duplicated key is reported with the line of the repeat", () => {
    const error = fileError("port: 1\nhost: h\nport: 2\n");
    expect(error.issues).toEqual([`Cannot parse config file ${CONFIG}:3: Map keys must be unique`]);
  });

  test("a file that is not a mapping is an error", () => {
    expect(fileError("- port\n- host\n").issues).toEqual([
      `Config file ${CONFIG}:1 must be a mapping of settings (port: 8045)`,
    ]);
  });

  test("an empty config file sets nothing", () => {
    const { settings } = load(["proxy", "--config", CONFIG], { files: { [CONFIG]: "# nothing yet\n" } });
    expect(settings.port).toBe(8045);
  });
});
