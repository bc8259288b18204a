// Types for ensure-node-runtime.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** Installs whatever of Debian's containerd, runc, CNI plugins, iproute2, iptables, util-linux, gcc and libc6-dev is missing; returns containerd's path. */
export function ensureNodeRuntime(options?: { readonly log?: (line: string) => void }): string;
