/**
 * What a container network on the host would show: its links, the private-range addresses on
 * them (10/8, 172.16/12, 192.168/16, fd00::/8, which this machine's own interfaces must never
 * get), and the iptables rules CNI, podman or netavark add.
 */
import { spawnSync } from "node:child_process";

export interface HostNetwork {
  readonly links: string[];
  readonly privateAddresses: string[];
  readonly containerRules: string[];
}

function isPrivate(address: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(address) || /^fd[0-9a-f]{2}:/i.test(address);
}

export function hostNetwork(): HostNetwork {
  const ip = spawnSync("ip", ["-j", "addr"], { encoding: "utf8" });
  if (ip.status !== 0) throw new Error(`ip -j addr failed: ${ip.stderr}`);
  const links = JSON.parse(ip.stdout) as { ifname: string; addr_info: { local: string }[] }[];
  // iptables comes with podman's dependencies; without it there are no rules to leave.
  const iptables = spawnSync("iptables-save", [], { encoding: "utf8" });
  return {
    links: links.map((link) => link.ifname).sort(),
    privateAddresses: links
      .flatMap((link) => link.addr_info.map((info) => info.local))
      .filter(isPrivate)
      .sort(),
    containerRules: (iptables.stdout ?? "").split("\n").filter((line) => /CNI|podman|netavark/i.test(line)),
  };
}
