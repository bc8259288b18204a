// Types for ensure-podman.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** Installs whatever of Debian's podman, runc and slirp4netns is missing; returns podman's path. */
export function ensurePodman(options?: { readonly log?: (line: string) => void }): string;
