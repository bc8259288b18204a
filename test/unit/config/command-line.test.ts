import { describe, expect, test } from "bun:test";
import { ACCOUNTS_ACTIONS } from "../../../src/config/commands.ts";
import { usageText } from "../../../src/config/usage-text.ts";
import { issuesOf, load, loadError } from "./config-fixture.ts";

describe("commands", () => {
  test("recognizes every command and accounts subcommand", () => {
    expect(load(["proxy"]).command).toBe("proxy");
    expect(load(["operator"]).command).toBe("operator");
    expect(load(["version"]).command).toBe("version");
    expect(load(["--version"]).command).toBe("version");
    for (const action of ACCOUNTS_ACTIONS) {
      const argv = ["enable", "disable", "remove", "import"].includes(action)
        ? ["accounts", action, "x"]
        : ["accounts", action];
      if (action === "manifest") argv.push("--name", "alice", "--refresh-token-file", "/t");
      expect(load(argv).command).toBe(`accounts ${action}`);
    }
  });

  test("treats no arguments, help, --help and -h as a request for help", () => {
    for (const argv of [[], ["help"], ["--help"], ["-h"]]) expect(load(argv).command).toBe("help");
  });

  test("turns help for a command into help with that command as its topic", () => {
    expect(load(["help", "accounts", "add"]).positionals).toEqual(["accounts", "add"]);
    expect(load(["proxy", "--help"]).positionals).toEqual(["proxy"]);
    expect(load(["accounts", "--data-dir", "D", "add", "-h"]).positionals).toEqual(["accounts", "add"]);
    expect(load(["accounts", "--help"]).positionals).toEqual(["accounts"]);
  });

  test("returns the ID or DIR positional of the accounts subcommands", () => {
    expect(load(["accounts", "disable", "a@example.com"]).positionals).toEqual(["a@example.com"]);
    expect(load(["accounts", "import", "/data/antigravity"]).positionals).toEqual(["/data/antigravity"]);
  });

  test("takes words after -- as positionals even when they look like flags", () => {
    expect(load(["accounts", "remove", "--", "--odd-id"]).positionals).toEqual(["--odd-id"]);
  });
});

describe("flags", () => {
  test("may stand before or after the accounts subcommand", () => {
    const before = load(["accounts", "--data-dir", "/d", "add", "--refresh-token", "T"]);
    const after = load(["accounts", "add", "--data-dir", "/d", "--refresh-token", "T"]);
    expect(before).toEqual(after);
    expect(after.settings.dataDir).toBe("/d");
    expect(after.settings.refreshToken).toBe("T");
  });

  test("may stand between positionals", () => {
    const loaded = load(["accounts", "enable", "--data-dir", "/d", "a1"]);
    expect(loaded.positionals).toEqual(["a1"]);
    expect(loaded.settings.dataDir).toBe("/d");
  });

  test("accept --flag=value, including values that contain = or start with a dash", () => {
    expect(load(["proxy", "--port=9000"]).settings.port).toBe(9000);
    expect(load(["proxy", "--admin-key=a=b"]).settings.adminKey).toBe("a=b");
    expect(load(["proxy", "--admin-key=--x"]).settings.adminKey).toBe("--x");
  });

  test("treat a bare boolean flag as true and take =false", () => {
    expect(load(["accounts", "list", "--json"]).settings.json).toBe(true);
    expect(load(["accounts", "list", "--json=false"]).settings.json).toBe(false);
    expect(load(["accounts", "login", "--no-browser"]).settings.noBrowser).toBe(true);
    expect(load(["operator", "--leader-elect", "--all-namespaces"]).settings.allNamespaces).toBe(true);
  });

  test("a bare boolean flag does not swallow the next word", () => {
    expect(load(["accounts", "--json", "list"]).command).toBe("accounts list");
  });
});

describe("usage errors", () => {
  test("an unknown command is a usage error that names it and shows the overview", () => {
    const error = loadError(["prxy"]);
    expect(error.code).toBe("usage");
    expect(issuesOf(error)).toEqual(['Unknown command "prxy" (did you mean "proxy"?)']);
    expect(error.usage).toBe(usageText());
    expect(error.message).toContain("grantpool accounts [flags] SUBCOMMAND");
  });

  test("an unknown or missing accounts subcommand is a usage error showing the accounts usage", () => {
    const unknown = loadError(["accounts", "lst"]);
    expect(unknown.code).toBe("usage");
    expect(issuesOf(unknown)).toEqual(['Unknown accounts subcommand "lst" (did you mean "list"?)']);
    expect(unknown.usage).toBe(usageText("accounts"));
    expect(loadError(["accounts"]).issues[0]).toStartWith(
      "Missing accounts subcommand: expected one of list, add",
    );
  });

  test("an unknown flag is a usage error that names it and shows the command's usage", () => {
    const error = loadError(["proxy", "--prot", "80"]);
    expect(error.code).toBe("usage");
    expect(issuesOf(error)[0]).toBe("Unknown flag --prot (did you mean --port?)");
    expect(error.usage).toBe(usageText("proxy"));
    expect(error.message).toContain("--max-attempts N");
  });

  test("a flag the command does not accept is a usage error", () => {
    const error = loadError(["version", "--port", "1"]);
    expect(error.code).toBe("usage");
    expect(issuesOf(error)).toEqual(['Flag --port is not accepted by "version" (it is for proxy)']);
    expect(loadError(["accounts", "list", "--refresh-token", "T"]).issues).toEqual([
      'Flag --refresh-token is not accepted by "accounts list" (it is for accounts add)',
    ]);
  });

  test("flags before the command, short flags and flags without their value are usage errors", () => {
    expect(loadError(["--port", "1", "proxy"]).issues).toEqual(["Expected a command before the flag --port"]);
    expect(loadError(["proxy", "-p", "1"]).issues[0]).toStartWith("Unknown flag -p");
    expect(loadError(["proxy", "--port"]).issues).toEqual([
      "Flag --port needs a value (an integer from 0 to 65535)",
    ]);
    expect(loadError(["proxy", "--host", "--port", "1"]).issues[0]).toStartWith("Flag --host needs a value");
  });

  test("a flag given twice is a usage error", () => {
    expect(loadError(["proxy", "--port", "1", "--port=2"]).issues).toEqual([
      "Flag --port is given more than once",
    ]);
  });

  test("enable, disable, remove and import need exactly one positional", () => {
    expect(loadError(["accounts", "enable"]).issues).toEqual(['"accounts enable" needs one ID']);
    expect(loadError(["accounts", "remove", "a", "b"]).issues).toEqual([
      '"accounts remove" takes one ID, got 2 arguments',
    ]);
    expect(loadError(["accounts", "import"]).issues).toEqual(['"accounts import" needs one DIR']);
    expect(loadError(["proxy", "extra"]).issues).toEqual(['"proxy" takes no arguments, got 1']);
  });

  test("a stray positional is counted, never echoed, since it may be a token typed without its flag", () => {
    const error = loadError(["accounts", "add", `1//0${"secret-refresh-token"}`]);
    expect(error.message).not.toContain("1//0secret");
    expect(error.issues).toEqual(['"accounts add" takes no arguments, got 1']);
  });

  test("an unknown flag written with =value is named without its value", () => {
    const error = loadError(["proxy", "--admin-kye=hunter2"]);
    expect(error.message).not.toContain("hunter2");
    expect(error.issues).toEqual(["Unknown flag --admin-kye (did you mean --admin-key?)"]);
  });

  test("reports every usage problem together, one per line", () => {
    const error = loadError(["accounts", "list", "--bogus", "--port", "1", "--json", "--json"]);
    expect(issuesOf(error)).toEqual([
      "Unknown flag --bogus",
      "Flag --json is given more than once",
      'Flag --port is not accepted by "accounts list" (it is for proxy)',
    ]);
  });

  test("a mistyped flag is the one error, its value not taken for a positional or a subcommand", () => {
    const typo = "Unknown flag --dta-dir (did you mean --data-dir?)";
    for (const argv of [
      ["accounts", "list", "--dta-dir", "/srv/pool"],
      ["accounts", "--dta-dir", "/srv/pool", "list"],
      ["accounts", "list", "--dta-dir=/srv/pool"],
    ]) {
      expect(loadError(argv).issues).toEqual([typo]);
    }
    expect(loadError(["proxy", "--prot", "80"]).issues).toEqual([
      "Unknown flag --prot (did you mean --port?)",
    ]);
  });

  test("an unknown flag with no suggestion is the one error, whatever follows it", () => {
    expect(loadError(["accounts", "list", "--frobnicate", "x"]).issues).toEqual([
      "Unknown flag --frobnicate",
    ]);
    expect(loadError(["accounts", "--frobnicate", "x", "list"]).issues).toEqual([
      "Unknown flag --frobnicate",
    ]);
  });

  test("a typo of a boolean flag does not take the next word", () => {
    const error = loadError(["accounts", "remove", "--jsn", "a@x.com"]);
    expect(error.issues).toEqual(["Unknown flag --jsn (did you mean --json?)"]);
  });

  test("an unknown help topic is a usage error", () => {
    expect(loadError(["help", "nope"]).issues).toEqual(['Unknown help topic "nope"']);
  });
});
