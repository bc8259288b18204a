/**
 * The node's network: a network namespace of its own, reached from the host over a veth pair.
 * This machine allows test traffic only to loopback and to addresses inside namespaces the test
 * made, and a private-range address must never sit on the host's own links, not even briefly. So:
 *
 *   host namespace                       namespace grantpool-node-N
 *   gpkubeN   169.254.(200+N).1/30  ───  gpkubeNn  169.254.(200+N).2/30   the API server's URL
 *                                        gpnode0   10.200.0.1/24           the node's InternalIP
 *                                        gpnode1   (its peer, no address)
 *                                        cni0      10.244.0.1/24           pods (CNI bridge)
 *                                        Services  10.0.0.0/24             (kube-proxy, iptables;
 *                                                                           routed to gpnode0)
 *
 * The pair's peers are created directly inside the namespace (`ip link add … netns`, `ip -n`), so
 * no private address ever touches the host. The kubelet refuses a link-local node address, and
 * `dummy` links are missing here, hence the second pair, both of whose ends stay inside. The
 * namespace has no default route: pods reach nothing beyond it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface NodeNetwork {
  /** Picks the link names and the host's link-local /30; several nodes can run side by side. */
  readonly slot: number;
  readonly netns: string;
  /** For `nsenter --net=…`. */
  readonly netnsPath: string;
  readonly hostLink: string;
  readonly hostAddress: string;
  /** The namespace's end of the pair: what the host connects to (the API server's URL). */
  readonly publicAddress: string;
  readonly nodeIp: string;
  readonly podCidr: string;
  readonly clusterCidr: string;
  readonly serviceCidr: string;
}

const SLOTS = 50;
const NODE_IP = "10.200.0.1";

export function nodeNetwork(slot: number): NodeNetwork {
  const netns = `grantpool-node-${slot}`;
  return {
    slot,
    netns,
    netnsPath: `/run/netns/${netns}`,
    hostLink: `gpkube${slot}`,
    hostAddress: `169.254.${200 + slot}.1`,
    publicAddress: `169.254.${200 + slot}.2`,
    nodeIp: NODE_IP,
    podCidr: "10.244.0.0/24",
    clusterCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/24",
  };
}

function ip(args: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.error) throw new Error(`kube node: cannot run ip (iproute2): ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

function mustIp(args: readonly string[]): void {
  const result = ip(args);
  if (!result.ok) throw new Error(`kube node: ip ${args.join(" ")} failed: ${result.output}`);
}

function linkExists(name: string): boolean {
  return ip(["link", "show", "dev", name]).ok;
}

/** The first slot whose namespace and host link are both free. */
export function freeSlot(): number {
  for (let slot = 0; slot < SLOTS; slot += 1) {
    const network = nodeNetwork(slot);
    if (!existsSync(network.netnsPath) && !linkExists(network.hostLink)) return slot;
  }
  throw new Error(`kube node: all ${SLOTS} node network slots are taken (ip netns list)`);
}

/** Creates the namespace and both veth pairs; see the header. */
export function createNodeNetwork(network: NodeNetwork): void {
  const { netns, hostLink } = network;
  const inside = `${hostLink}n`;
  mustIp(["netns", "add", netns]);
  mustIp(["-n", netns, "link", "set", "lo", "up"]);
  mustIp(["link", "add", hostLink, "type", "veth", "peer", "name", inside, "netns", netns]);
  mustIp(["addr", "add", `${network.hostAddress}/30`, "dev", hostLink]);
  mustIp(["link", "set", hostLink, "up"]);
  mustIp(["-n", netns, "addr", "add", `${network.publicAddress}/30`, "dev", inside]);
  mustIp(["-n", netns, "link", "set", inside, "up"]);
  mustIp(["-n", netns, "link", "add", "gpnode0", "type", "veth", "peer", "name", "gpnode1"]);
  mustIp(["-n", netns, "addr", "add", `${network.nodeIp}/24`, "dev", "gpnode0"]);
  mustIp(["-n", netns, "link", "set", "gpnode0", "up"]);
  mustIp(["-n", netns, "link", "set", "gpnode1", "up"]);
  // A call from the namespace itself to a Service address needs a route before kube-proxy's
  // OUTPUT rule rewrites it to a pod's; pods' calls come in through the bridge and need none.
  mustIp(["-n", netns, "route", "add", network.serviceCidr, "dev", "gpnode0", "src", network.nodeIp]);
}

/**
 * Removes the namespace (which takes every link, address, route and iptables rule inside with
 * it) and the host's end of the pair if it outlived it. Idempotent.
 */
export function deleteNodeNetwork(network: NodeNetwork): void {
  if (existsSync(network.netnsPath)) mustIp(["netns", "delete", network.netns]);
  // Deleting one end of a veth pair deletes both; the host's end goes with the namespace's, but
  // the kernel may take it away only after `netns delete` returned: gone by then is as good.
  if (!linkExists(network.hostLink)) return;
  const deleted = ip(["link", "delete", network.hostLink]);
  if (!deleted.ok && linkExists(network.hostLink)) {
    throw new Error(`kube node: ip link delete ${network.hostLink} failed: ${deleted.output}`);
  }
}
