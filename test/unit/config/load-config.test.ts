import { describe, expect, test } from "bun:test";
import { HOME, load } from "./config-fixture.ts";

describe("loadConfig precedence", () => {
  const files = { "/etc/grantpool.yaml": "port: 7000\nhost: 0.0.0.0\nmax-attempts: 5\nstrategy: sticky\n" };
  const env = { GRANTPOOL_CONFIG: "/etc/grantpool.yaml", GRANTPOOL_PORT: "7100", GRANTPOOL_HOST: "10.0.0.1" };

  test("a flag beats the variable, which beats the file, which beats the default", () => {
    const { settings } = load(["proxy", "--port", "7200"], { env, files });
    expect(settings.port).toBe(7200);
    expect(settings.host).toBe("10.0.0.1");
    expect(settings.maxAttempts).toBe(5);
    expect(settings.strategy).toBe("sticky");
    expect(settings.refreshSkewSeconds).toBe(300);
  });

  test("a Kubernetes service link in a variable counts as unset (a Service named grantpool)", () => {
    const links = {
      GRANTPOOL_PORT: "tcp://10.96.0.12:8045",
      GRANTPOOL_METRICS_PORT: "tcp://10.96.0.13:9090",
      GRANTPOOL_PORT_8045_TCP: "tcp://10.96.0.12:8045",
    };
    const { settings } = load(["proxy"], { env: links });
    expect(settings.port).toBe(8045);
    expect(settings.metricsPort).toBe(9090);
    expect(load(["operator"], { env: links }).settings.metricsPort).toBe(9090);
  });

  test("the variable beats the file when no flag is given", () => {
    expect(load(["proxy"], { env, files }).settings.port).toBe(7100);
  });

  test("the file beats the default when neither flag nor variable is given", () => {
    expect(load(["proxy", "--config", "/etc/grantpool.yaml"], { files }).settings.port).toBe(7000);
  });

  test("--config names the file even when GRANTPOOL_CONFIG names another", () => {
    const both = { ...files, "/other.yaml": "port: 7300\n" };
    const { settings } = load(["proxy", "--config", "/other.yaml"], {
      env: { GRANTPOOL_CONFIG: "/etc/grantpool.yaml" },
      files: both,
    });
    expect(settings.port).toBe(7300);
    expect(settings.configFile).toBe("/other.yaml");
  });

  test("an empty variable counts as unset and lets the file's value through", () => {
    const { settings } = load(["proxy"], { env: { ...env, GRANTPOOL_PORT: "" }, files });
    expect(settings.port).toBe(7000);
  });

  test("a plain null or empty value in the file counts as unset", () => {
    const { settings } = load(["proxy", "--config", "/c.yaml"], { files: { "/c.yaml": "port: ~\nhost:\n" } });
    expect(settings.port).toBe(8045);
    expect(settings.host).toBe("127.0.0.1");
  });
});

describe("loadConfig defaults", () => {
  test("gives every documented default when nothing is set", () => {
    // accounts list: a command that needs no OAuth client, so that truly nothing is set.
    const { command, positionals, settings } = load(["accounts", "list"], { withoutOAuthClient: true });
    expect(command).toBe("accounts list");
    expect(positionals).toEqual([]);
    expect(settings).toEqual({
      port: 8045,
      host: "127.0.0.1",
      dataDir: `${HOME}/.grantpool`,
      store: "file",
      allNamespaces: false,
      leaderElect: false,
      metrics: true,
      metricsPort: 9090,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      apiKeys: [],
      authMode: "auto",
      oauthTokenUrl: "https://oauth2.googleapis.com/token",
      oauthUserinfoUrl: "https://www.googleapis.com/oauth2/v2/userinfo",
      oauthAuthUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      upstreamUrl: "https://generativelanguage.googleapis.com",
      upstreamProfile: "gemini",
      strategy: "round-robin",
      stickyIdleSeconds: 3600,
      refreshSkewSeconds: 300,
      modelMap: [],
      quotaRefreshIntervalSeconds: 600,
      quotaProtectionPercent: 0,
      quotaProtectionGroups: ["claude", "gemini-3-pro-high", "gemini-3-flash", "gemini-3.1-flash-image"],
      quotaPreference: false,
      maxAttempts: 3,
      maxBodyBytes: 104857600,
      bodyTimeoutSeconds: 60,
      shutdownDelaySeconds: 0,
      refreshTimeoutSeconds: 10,
      logLevel: "info",
      logFormat: "json",
      json: false,
      noBrowser: false,
    });
  });

  test("leaves optional settings out rather than setting them to undefined", () => {
    const { settings } = load(["accounts", "list"], { withoutOAuthClient: true });
    for (const key of [
      "namespace",
      "adminKey",
      "fixedAccount",
      "oauthClientId",
      "configFile",
      "refreshToken",
    ]) {
      expect(Object.hasOwn(settings, key)).toBe(false);
    }
  });

  test("logs as text on a terminal and as JSON otherwise", () => {
    expect(load(["proxy"], { stdoutIsTTY: true }).settings.logFormat).toBe("text");
    expect(load(["proxy"], { stdoutIsTTY: false }).settings.logFormat).toBe("json");
    expect(load(["proxy", "--log-format", "json"], { stdoutIsTTY: true }).settings.logFormat).toBe("json");
  });

  test("returns a frozen settings object", () => {
    expect(Object.isFrozen(load(["proxy"]).settings)).toBe(true);
  });
});

describe("loadConfig values", () => {
  test("expands a leading ~ to the home directory in paths from every source", () => {
    expect(load(["proxy", "--data-dir", "~/pool"]).settings.dataDir).toBe(`${HOME}/pool`);
    expect(load(["proxy"], { env: { GRANTPOOL_DATA_DIR: "~" } }).settings.dataDir).toBe(HOME);
    const files = { [`${HOME}/grantpool.yaml`]: "data-dir: ~/from-file\n" };
    const { settings } = load(["proxy", "--config", "~/grantpool.yaml"], { files });
    expect(settings.dataDir).toBe(`${HOME}/from-file`);
    expect(settings.configFile).toBe(`${HOME}/grantpool.yaml`);
  });

  test("leaves a ~ that is not leading alone", () => {
    expect(load(["proxy", "--data-dir", "/srv/~pool"]).settings.dataDir).toBe("/srv/~pool");
  });

  test("splits comma-separated api keys and drops blanks", () => {
    const { settings } = load(["proxy"], { env: { GRANTPOOL_API_KEYS: " k1, k2,,k3 " } });
    expect(settings.apiKeys).toEqual(["k1", "k2", "k3"]);
  });

  test("reads api keys from a YAML list or a comma-separated string in the file", () => {
    const files = { "/a.yaml": "api-keys: [a, b]\n", "/b.yaml": 'api-keys: "a,b"\n' };
    expect(load(["proxy", "--config", "/a.yaml"], { files }).settings.apiKeys).toEqual(["a", "b"]);
    expect(load(["proxy", "--config", "/b.yaml"], { files }).settings.apiKeys).toEqual(["a", "b"]);
  });

  test("adds up repeated --api-keys flags", () => {
    expect(load(["proxy", "--api-keys", "a", "--api-keys=b,c"]).settings.apiKeys).toEqual(["a", "b", "c"]);
  });

  test("reads a JSON config file", () => {
    const files = { "/c.json": '{"port": 9001, "leader-elect": true, "api-keys": ["x"]}' };
    const { settings } = load(["operator", "--config", "/c.json"], { files });
    expect(settings.port).toBe(9001);
    expect(settings.leaderElect).toBe(true);
    expect(settings.apiKeys).toEqual(["x"]);
  });

  test("reads booleans written as true/false, yes/no or 1/0", () => {
    expect(load(["operator"], { env: { GRANTPOOL_LEADER_ELECT: "yes" } }).settings.leaderElect).toBe(true);
    expect(load(["operator"], { env: { GRANTPOOL_LEADER_ELECT: "0" } }).settings.leaderElect).toBe(false);
  });

  test("accepts fractional refresh timeouts and drops a trailing slash from the upstream URL", () => {
    const { settings } = load(["proxy", "--refresh-timeout", "2.5", "--upstream-url", "http://localhost:9/"]);
    expect(settings.refreshTimeoutSeconds).toBe(2.5);
    expect(settings.upstreamUrl).toBe("http://localhost:9");
  });

  test("accepts port 0, meaning any free port", () => {
    expect(load(["proxy", "--port", "0"]).settings.port).toBe(0);
  });

  test("accepts the fixed strategy with its account", () => {
    const { settings } = load(["proxy", "--strategy", "fixed", "--fixed-account", "a@example.com"]);
    expect(settings.strategy).toBe("fixed");
    expect(settings.fixedAccount).toBe("a@example.com");
  });

  test("lets a shared config file hold settings the command does not use", () => {
    const files = { "/shared.yaml": "port: 9000\nleader-elect: true\njson: true\nname: alice\n" };
    const { command, settings } = load(["accounts", "list", "--config", "/shared.yaml"], { files });
    expect(command).toBe("accounts list");
    expect(settings.json).toBe(true);
  });

  test("help and version ignore the environment and config file, so they always work", () => {
    const env = { GRANTPOOL_PORT: "eighty", GRANTPOOL_CONFIG: "/missing.yaml" };
    expect(load(["version"], { env }).command).toBe("version");
    expect(load(["help"], { env }).settings.port).toBe(8045);
  });
});
