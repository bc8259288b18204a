/** A config file that is hostile or not a file at all is a configuration error, found fast. */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_CONFIG_BYTES, readConfigText } from "../../../src/config/read-config-text.ts";
import { aliasBomb } from "../../support/hostile-config.ts";
import { issuesOf, load, loadError } from "./config-fixture.ts";

const CONFIG = "/etc/grantpool/bomb.yaml";

const dir = mkdtempSync(join(tmpdir(), "grantpool-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a YAML alias bomb", () => {
  test("is an issue naming the file and the line, found without expanding it", () => {
    const started = performance.now();
    const error = loadError(["proxy", "--config", CONFIG], { files: { [CONFIG]: aliasBomb() } });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe("config_invalid");
    const bomb = issuesOf(error).find((issue) => issue.includes("aliases"));
    expect(bomb).toBe(
      `Cannot read setting "api-keys" in config file ${CONFIG}:1: its YAML aliases expand more than 100 times; write the value out instead`,
    );
  });

  test("a few aliases are fine", () => {
    const { settings } = load(["proxy", "--config", CONFIG], {
      files: { [CONFIG]: "api-keys: [&k one, *k]\n" },
    });
    expect(settings.apiKeys).toEqual(["one", "one"]);
  });
});

describe("readConfigText", () => {
  test("refuses a FIFO without opening it (which would block until a writer came)", () => {
    const fifo = join(dir, "fifo.yaml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(() => readConfigText(fifo)).toThrow("it is a FIFO, expected a regular file");
  });

  test("refuses a device and a directory", () => {
    expect(() => readConfigText("/dev/zero")).toThrow("it is a device, expected a regular file");
    expect(() => readConfigText(dir)).toThrow("it is a directory, expected a regular file");
  });

  test("refuses a file larger than the limit, and reads one at the limit", () => {
    const big = join(dir, "big.yaml");
    writeFileSync(big, "");
    truncateSync(big, MAX_CONFIG_BYTES + 1);
    expect(() => readConfigText(big)).toThrow(`it has ${MAX_CONFIG_BYTES + 1} bytes, more than the`);
    const fits = join(dir, "fits.yaml");
    writeFileSync(fits, `port: 8045\n${"#".repeat(MAX_CONFIG_BYTES - 12)}\n`);
    expect(readConfigText(fits)).toStartWith("port: 8045\n");
  });

  test("says why a missing file cannot be read", () => {
    expect(() => readConfigText(join(dir, "nowhere.yaml"))).toThrow("ENOENT");
  });
});
