// `npm run bench`: runs every benchmark under bench/ with the pinned Bun; each prints ratios
// against a baseline it measures in the same run.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { bin, ensureDeps, root } from "./ensure-deps.mjs";

ensureDeps();
let failed = false;
for (const file of readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts"))
  .sort()) {
  console.log(`\n# ${file}`);
  const result = spawnSync(bin("bun"), [join(root, "bench", file)], { cwd: root, stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
