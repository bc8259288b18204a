/**
 * The layering of src/ is enforced by Biome's restricted imports, one override per folder in
 * biome.json (run by the lint step of `npm test`). These tests prove the check bites: a copy of the
 * configuration is run over a scratch tree holding one wrong and one right import per rule.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(import.meta.dir, "..", "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "grantpool-layering-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Finding {
  readonly file: string;
  readonly message: string;
}

/** The project's Biome configuration, without what ties it to the checkout (schema, git). */
function writeConfig(dir: string): void {
  const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(join(dir, "biome.json"), JSON.stringify(config));
}

/** Lints a tree of `files` (path → text) and returns the findings of `rule`. */
function lintTree(
  name: string,
  files: Record<string, string>,
  rule = "style/noRestrictedImports",
): Finding[] {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeConfig(dir);
  const run = spawnSync(
    join(root, "node_modules", ".bin", "biome"),
    ["lint", "--reporter=json", "--max-diagnostics=none", "src"],
    { cwd: dir, encoding: "utf8" },
  );
  const report = JSON.parse(run.stdout) as {
    diagnostics: { category: string; location: { path: string }; message: string }[];
  };
  return report.diagnostics
    .filter((diagnostic) => diagnostic.category === `lint/${rule}`)
    .map((diagnostic) => ({ file: diagnostic.location.path, message: diagnostic.message }));
}

const exported = "export const value = 1;\n";

describe("the layering check", () => {
  test("refuses an import against the layers, naming the file and the rule", () => {
    const findings = lintTree("wrong", {
      "src/pool/picks-telemetry.ts": `import { value } from "../telemetry/metrics.ts";\nexport const x = value;\n`,
      "src/operator/picks-proxy.ts": `import { value } from "../proxy/create-app.ts";\nexport const x = value;\n`,
      "src/proxy/picks-operator.ts": `import { value } from "../operator/run-operator.ts";\nexport const x = value;\n`,
      "src/accounts/picks-stores.ts": `import { value } from "../stores/account-store.ts";\nexport const x = value;\n`,
      "src/operator/picks-store-insides.ts": `import { value } from "../stores/kubernetes/cache.ts";\nexport const x = value;\n`,
      "src/proxy/admin/picks-cli.ts": `import { value } from "../../cli/run-cli.ts";\nexport const x = value;\n`,
    });
    const files = findings.map((finding) => finding.file).sort();
    expect(files).toEqual([
      "src/accounts/picks-stores.ts",
      "src/operator/picks-proxy.ts",
      "src/operator/picks-store-insides.ts",
      "src/pool/picks-telemetry.ts",
      "src/proxy/admin/picks-cli.ts",
      "src/proxy/picks-operator.ts",
    ]);
    const pool = findings.find((finding) => finding.file.endsWith("picks-telemetry.ts"));
    expect(pool?.message).toContain("src/pool/ may import only");
  });

  test("lets every layer import the ones below it", () => {
    const findings = lintTree("right", {
      "src/pool/uses-store.ts": `import { value } from "../stores/account-store.ts";\nexport const x = value;\n`,
      "src/proxy/uses-pool.ts": `import { value } from "../pool/account-pool.ts";\nexport const x = value;\n`,
      "src/operator/uses-kubernetes.ts": `import { value } from "../kubernetes/account-resource.ts";\nexport const x = value;\n`,
      "src/stores/kubernetes/uses-kubernetes.ts": `import { value } from "../../kubernetes/cache.ts";\nexport const x = value;\n`,
      "src/cli/uses-everything.ts": `import { value } from "../stores/file/file-account-store.ts";\nexport const x = value;\n`,
      "src/telemetry/metrics.ts": exported,
    });
    expect(findings).toEqual([]);
  });

  test("refuses a function over 80 lines in src/", () => {
    const body = (lines: number): string =>
      Array.from({ length: lines }, (_, i) => `  total += ${i};`).join("\n");
    const fn = (name: string, lines: number): string =>
      `export function ${name}(): number {\n  let total = 0;\n${body(lines)}\n  return total;\n}\n`;
    const findings = lintTree(
      "long",
      { "src/pool/long.ts": fn("long", 80), "src/pool/short.ts": fn("short", 70) },
      "complexity/noExcessiveLinesPerFunction",
    );
    expect(findings.map((finding) => finding.file)).toEqual(["src/pool/long.ts"]);
  });
});
