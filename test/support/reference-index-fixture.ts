/**
 * Antigravity-Manager's account index (`<data-dir>/accounts.json`) as its 4.5.8 writes it
 * (serde_json, pretty), for the tests of grantpool keeping it in step, and a reading of it that
 * checks what the reference's `AccountIndex` deserializer needs.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Account } from "../../src/accounts/account.ts";

export interface IndexEntry {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly disabled: boolean;
  readonly proxy_disabled: boolean;
  readonly protected_models?: string[];
  readonly created_at: number;
  readonly last_used: number;
  readonly [unknown: string]: unknown;
}

export interface ReferenceIndexJson {
  readonly version: string;
  readonly accounts: IndexEntry[];
  readonly current_account_id: string | null;
  readonly [unknown: string]: unknown;
}

/** The summary the reference writes for `account` (its add_account). */
export function entryOf(account: Account): IndexEntry {
  return {
    id: account.id,
    email: account.email,
    name: account.name ?? null,
    disabled: account.disabled,
    proxy_disabled: account.proxyDisabled,
    created_at: account.createdAt,
    last_used: account.lastUsed ?? account.createdAt,
  };
}

/** The index text for `entries`, each with its own extra members (raw JSON text), as serde writes it. */
export function referenceIndexText(
  entries: readonly { readonly account: Account; readonly extra?: string }[],
  current: string | null,
  topExtra = `,\n  "current_target_ide": "agy"`,
): string {
  const rendered = entries.map(({ account, extra }) => {
    const fields = Object.entries(entryOf(account)).map(
      ([key, value]) => `      "${key}": ${JSON.stringify(value)}`,
    );
    return `    {\n${fields.join(",\n")}${extra ?? ""}\n    }`;
  });
  const accounts = rendered.length === 0 ? "[]" : `[\n${rendered.join(",\n")}\n  ]`;
  return `{\n  "version": "2.0",\n  "accounts": ${accounts},\n  "current_account_id": ${JSON.stringify(current)}${topExtra}\n}`;
}

/** Reads the index, failing on anything the reference's serde types would reject. */
export function readReferenceIndex(dataDir: string): ReferenceIndexJson {
  const index = JSON.parse(readFileSync(path.join(dataDir, "accounts.json"), "utf8")) as ReferenceIndexJson;
  if (typeof index.version !== "string") throw new Error("version: expected a string");
  if (!Array.isArray(index.accounts)) throw new Error("accounts: expected an array");
  for (const [i, entry] of index.accounts.entries()) {
    for (const key of ["id", "email"] as const)
      if (typeof entry[key] !== "string") throw new Error(`accounts[${i}].${key}: expected a string`);
    for (const key of ["created_at", "last_used"] as const)
      if (!Number.isSafeInteger(entry[key])) throw new Error(`accounts[${i}].${key}: expected an integer`);
    if (entry.name !== null && typeof entry.name !== "string")
      throw new Error(`accounts[${i}].name: expected a string or null`);
  }
  return index;
}
