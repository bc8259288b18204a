// Installs the project's npm dependencies (Bun, Deno, Biome, TypeScript and the libraries) on first
// use and whenever package-lock.json changed since the last install. Needs only Node.js and npm.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = dirname(dirname(fileURLToPath(import.meta.url)));

function lockDigest() {
  const lock = join(root, "package-lock.json");
  const pkg = join(root, "package.json");
  const hash = createHash("sha256");
  for (const file of [pkg, lock]) if (existsSync(file)) hash.update(readFileSync(file));
  return hash.digest("hex");
}

/**
 * Installs when needed. Returns whether `npm install` rewrote package-lock.json: the committed lock
 * must be exactly what npm writes, or a fresh clone is left dirty (`npm test` fails a check then).
 */
export function ensureDeps({ quiet = false } = {}) {
  const stamp = join(root, "node_modules", ".grantpool-install-stamp");
  const digest = lockDigest();
  const bun = join(root, "node_modules", ".bin", "bun");
  if (existsSync(stamp) && existsSync(bun) && readFileSync(stamp, "utf8") === digest) {
    return { lockRewritten: false };
  }
  if (!quiet) console.error("grantpool: installing dependencies (first run)…");
  // `npm install` rather than `npm ci`: npm 11 writes lock files without the other platforms'
  // optional binaries (Bun, Deno, Biome), which `npm ci` then rejects as out of sync. The committed
  // lock is what `npm install` writes here (every platform's optional packages included), so
  // `npm install` installs exactly the locked versions and leaves the lock alone.
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    console.error("grantpool: `npm install` failed; see the messages above");
    process.exit(result.status ?? 1);
  }
  // npm may normalise the lock while installing; stamp what it left, so the next run does not
  // mistake its own rewrite for a change and install again.
  const after = lockDigest();
  writeFileSync(stamp, after);
  return { lockRewritten: after !== digest };
}

export function bin(name) {
  return join(root, "node_modules", ".bin", name);
}
