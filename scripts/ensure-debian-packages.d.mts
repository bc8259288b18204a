// Types for ensure-debian-packages.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** Runs a command with a fixed locale and no prompts; `ok` is its exit status. */
export function run(
  command: string,
  args: readonly string[],
): { readonly ok: boolean; readonly output: string };

/** The packages that dpkg does not list as installed. */
export function missingPackages(packages: readonly string[]): string[];

/** Installs whatever of `packages` is missing; `purpose` names who needs them (in the errors and the log). */
export function ensureDebianPackages(
  packages: readonly string[],
  options: { readonly purpose: string; readonly log?: (line: string) => void },
): void;
