/**
 * The node's configuration files and command lines: containerd (private root, state and socket),
 * the CNI network, the kubelet, kube-proxy, the controller-manager and the scheduler. Each setting
 * that departs from a stock node answers one fact of this machine (test/kube/README.md, "Node
 * mode"): hybrid cgroups v1 without CAP_SYS_RESOURCE, runc (crun refuses hybrid cgroups), and a
 * network namespace of the node's own.
 */
import { join } from "node:path";
import type { NodeNetwork } from "./node-network.ts";

export const NODE_NAME = "grantpool-node";
/** The CNI network's name; libcni names its cache files after it. */
export const CNI_NETWORK = "grantpool-node";

/** Where each piece of the node keeps its files, all under DIR/node. */
export interface NodePaths {
  readonly root: string;
  readonly containerdConfig: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly containerdSocket: string;
  readonly runcRoot: string;
  readonly cniConfDir: string;
  readonly cniDataDir: string;
  readonly kubeletRoot: string;
  readonly kubeletConfig: string;
  readonly podLogs: string;
  readonly volumePlugins: string;
  readonly proxyConfig: string;
  readonly imageDir: string;
  readonly logs: string;
}

export function nodePaths(dir: string): NodePaths {
  const root = join(dir, "node");
  return {
    root,
    containerdConfig: join(root, "containerd.toml"),
    containerdRoot: join(root, "containerd", "root"),
    containerdState: join(root, "containerd", "state"),
    containerdSocket: join(root, "containerd.sock"),
    runcRoot: join(root, "runc"),
    cniConfDir: join(root, "cni", "net.d"),
    cniDataDir: join(root, "cni", "ipam"),
    kubeletRoot: join(root, "kubelet"),
    kubeletConfig: join(root, "kubelet.yaml"),
    podLogs: join(root, "pod-logs"),
    volumePlugins: join(root, "volume-plugins"),
    proxyConfig: join(root, "kube-proxy.yaml"),
    imageDir: join(root, "image"),
    logs: join(root, "logs"),
  };
}

/** The kubepods cgroups go under this parent in every hierarchy, so teardown finds them all. */
export function cgroupRoot(network: NodeNetwork): string {
  return `/${network.netns}`;
}

export function containerdConfig(paths: NodePaths, pauseImage: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = "${paths.containerdRoot}"
state = "${paths.containerdState}"
oom_score = 0

[grpc]
  address = "${paths.containerdSocket}"
[ttrpc]
  address = "${paths.containerdSocket}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "${join(paths.root, "opt")}"

[${cri}]
  sandbox_image = "${pauseImage}"
  # runc cannot raise oom_score_adj without CAP_SYS_RESOURCE: clamp to what it may set.
  restrict_oom_score_adj = true
  # cgroup v2 is mounted holding only hugetlb; the v1 hierarchies have none.
  disable_hugetlb_controller = true
  tolerate_missing_hugetlb_controller = true
  # Pod network namespaces under the state directory, not /run/netns: teardown finds them there.
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        BinaryName = "runc"
        Root = "${paths.runcRoot}"
        SystemdCgroup = false
  [${cri}.cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${paths.cniConfDir}"
    max_conf_num = 1
  [${cri}.registry]
    config_path = ""
`;
}

/** Debian's CNI plugins: a bridge in the node's namespace, host-local addresses, port mappings. */
export function cniConfig(paths: NodePaths, network: NodeNetwork): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: CNI_NETWORK,
      plugins: [
        {
          type: "bridge",
          bridge: "cni0",
          isGateway: true,
          ipMasq: true,
          // A pod that calls a Service backed by itself gets its answer back.
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: network.podCidr }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: paths.cniDataDir,
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export function kubeletConfig(paths: NodePaths, network: NodeNetwork): string {
  return JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      // Only the API server calls the kubelet (logs, exec), from inside the node's namespace.
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      authorization: { mode: "AlwaysAllow" },
      containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
      // Hybrid cgroups v1: cgroupfs, and v1 accepted (the kubelet refuses it by default).
      cgroupDriver: "cgroupfs",
      failCgroupV1: false,
      cgroupRoot: cgroupRoot(network),
      cgroupsPerQOS: true,
      enforceNodeAllocatable: ["pods"],
      // Lowering its own oom_score_adj needs CAP_SYS_RESOURCE.
      oomScoreAdj: 0,
      failSwapOn: false,
      podLogsDir: paths.podLogs,
      volumePluginDir: paths.volumePlugins,
      // No cluster DNS and no resolv.conf of the host's: pods address everything by IP.
      resolvConf: "",
      clusterDomain: "cluster.local",
      readOnlyPort: 0,
      healthzBindAddress: "127.0.0.1",
      serializeImagePulls: false,
      // Nothing is pulled: never collect the imported images, never evict for a full disk.
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      evictionHard: {
        "memory.available": "50Mi",
        "nodefs.available": "1%",
        "imagefs.available": "1%",
        "nodefs.inodesFree": "1%",
      },
      // Secret and ConfigMap volumes refresh sooner than the 1 minute default.
      syncFrequency: "10s",
      shutdownGracePeriod: "0s",
    },
    null,
    2,
  );
}

export function proxyConfig(kubeconfig: string, network: NodeNetwork): string {
  return JSON.stringify(
    {
      apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
      kind: "KubeProxyConfiguration",
      clientConnection: { kubeconfig },
      hostnameOverride: NODE_NAME,
      mode: "iptables",
      clusterCIDR: network.clusterCidr,
      // nf_conntrack_max is global and raising it needs CAP_SYS_RESOURCE: leave every
      // conntrack setting as it is.
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
      healthzBindAddress: "127.0.0.1:10256",
      metricsBindAddress: "127.0.0.1:10249",
    },
    null,
    2,
  );
}

/** The components' command lines after `kube-node`, in the order they start. */
export function componentArgs(
  dir: string,
  paths: NodePaths,
  network: NodeNetwork,
): Record<"kubelet" | "proxy" | "controller-manager" | "scheduler", string[]> {
  const kubeconfig = join(dir, "kubeconfig");
  return {
    kubelet: [
      `--config=${paths.kubeletConfig}`,
      `--kubeconfig=${kubeconfig}`,
      `--root-dir=${paths.kubeletRoot}`,
      // Its default is absolute (/var/lib/kubelet/pki), not inside --root-dir.
      `--cert-dir=${join(paths.kubeletRoot, "pki")}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${network.nodeIp}`,
    ],
    proxy: [`--config=${paths.proxyConfig}`],
    "controller-manager": [
      `--kubeconfig=${kubeconfig}`,
      "--leader-elect=false",
      "--secure-port=0",
      // Publishes kube-root-ca.crt into every namespace: projected ServiceAccount tokens need it.
      `--root-ca-file=${join(dir, "pki", "ca.crt")}`,
      `--service-account-private-key-file=${join(dir, "pki", "sa.key")}`,
      `--service-cluster-ip-range=${network.serviceCidr}`,
      // Its default is /usr/libexec/kubernetes/kubelet-plugins/volume/exec, which it creates.
      `--flex-volume-plugin-dir=${paths.volumePlugins}`,
    ],
    scheduler: [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0"],
  };
}
