/** The README's configuration table stays true to the settings table. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeSettings } from "../../src/config/describe-settings.ts";

const readme = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");

describe("README", () => {
  test("documents every setting with its variable and default", () => {
    for (const row of describeSettings()) {
      const line = readme.split("\n").find((l) => new RegExp(`^\\|\\s*\`${row.flag}\`\\s*\\|`).test(l));
      expect(line, `README row for ${row.flag}`).toBeDefined();
      expect(line).toContain(`\`${row.envVar}\``);
      expect(line).toContain(row.default);
    }
  });

  test("starts with the two commands", () => {
    const commands = /## The two commands[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(commands).toContain("npm start");
    expect(commands).toContain("npm test");
  });
});
