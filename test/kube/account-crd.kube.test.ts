/**
 * The Account CRD against the real API server, driven by the real kubectl as a user would: a
 * manifest from `grantpool accounts manifest` applies; malformed Accounts are refused with a clear
 * message; `kubectl explain` documents the spec; the printer columns show.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import { installAccountCrd } from "./support/grantpool-crd.ts";
import { useKubeServer } from "./support/kube-fixture.ts";

const kube = useKubeServer();

beforeAll(() => installAccountCrd(kube));

const account = (namespace: string, spec: string) => `apiVersion: grantpool.io/v1alpha1
kind: Account
metadata:
  name: broken
  namespace: ${namespace}
spec:
${spec}
`;

describe("the Account CRD", () => {
  test("kubectl apply of a manifest from `grantpool accounts manifest` creates the Account and its Secret", async () => {
    const ns = await kube.createNamespace("crd-manifest");
    const dir = mkdtempSync(join(tmpdir(), "grantpool-manifest-"));
    writeFileSync(join(dir, "token"), "1//emu-not-a-real-token\n");
    const manifest = await runCli([
      "accounts",
      "manifest",
      "--name",
      "alice",
      "--namespace",
      ns,
      "--refresh-token-file",
      join(dir, "token"),
    ]);
    expect(manifest.code).toBe(0);
    const applied = await kube.kubectl(["apply", "-f", "-"], { stdin: manifest.stdout });
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toContain("account.grantpool.io/alice created");
    expect(applied.stdout).toContain("secret/alice-token created");
    const listed = await kube.kubectl(["get", "gpa", "-n", ns]);
    expect(listed.stdout).toMatch(/NAME\s+EMAIL\s+READY\s+DISABLED\s+REASON\s+QUOTA\s+AGE/);
    expect(listed.stdout).toContain("alice");
    const byCategory = await kube.kubectl(["get", "grantpool", "-n", ns, "-o", "name"]);
    expect(byCategory.stdout).toContain("account.grantpool.io/alice");
    const defaults = await kube.kubectl([
      "get",
      "account",
      "alice",
      "-n",
      ns,
      "-o",
      "jsonpath={.spec.secretRef.key}",
    ]);
    expect(defaults.stdout).toBe("refresh_token");
  });

  test("refuses an Account without secretRef.name, saying which field", async () => {
    const ns = await kube.createNamespace("crd-noname");
    const run = await kube.kubectl(["apply", "-f", "-"], {
      stdin: account(ns, "  secretRef:\n    key: refresh_token"),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("spec.secretRef.name: Required value");
  });

  test("refuses a non-boolean proxyDisabled, saying which field", async () => {
    const ns = await kube.createNamespace("crd-bool");
    const run = await kube.kubectl(["apply", "-f", "-"], {
      stdin: account(ns, '  secretRef:\n    name: t\n  proxyDisabled: "sometimes"'),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/spec\.proxyDisabled: Invalid value: .*must be of type boolean/);
  });

  test("refuses a malformed email with the CEL rule's message", async () => {
    const ns = await kube.createNamespace("crd-email");
    const run = await kube.kubectl(["apply", "-f", "-"], {
      stdin: account(ns, "  secretRef:\n    name: t\n  email: not-an-email"),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("spec.email must be an email address");
  });

  test("refuses a disabled status without disabledAt and disabledReason", async () => {
    const ns = await kube.createNamespace("crd-status");
    expect(
      (await kube.kubectl(["apply", "-f", "-"], { stdin: account(ns, "  secretRef:\n    name: t") })).code,
    ).toBe(0);
    const run = await kube.kubectl([
      "patch",
      "account",
      "broken",
      "-n",
      ns,
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"disabled":true}}',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("a disabled Account must record disabledAt and disabledReason");
  });

  test("kubectl explain documents the spec", async () => {
    const run = await kube.kubectl(["explain", "account.spec"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("secretRef");
    expect(run.stdout).toContain("Take the account out of every proxy");
  });
});
