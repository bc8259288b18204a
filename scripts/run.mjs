// `npm start` / `npm run grantpool -- …`: runs grantpool from the sources with the pinned Bun,
// installing dependencies on first use.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { bin, ensureDeps, root } from "./ensure-deps.mjs";

ensureDeps();
const child = spawn(bin("bun"), [join(root, "src", "main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
