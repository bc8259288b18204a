// Node mode: kube-testenv then runs inside the node's network namespace (test/kube/support/
// kube-node.ts starts it with nsenter) and serves a real node: it binds every address of that
// namespace, advertises the node's address as the kubernetes Service's endpoint, writes that
// endpoint, admits pods with their ServiceAccounts (a controller-manager creates them) and puts
// the node's and the host-reachable addresses in its serving certificate.
package main

import (
	"fmt"
	"net"
)

type nodeAddresses struct {
	// node is the node's InternalIP, on a link inside the namespace.
	node net.IP
	// public is the namespace's end of the veth pair to the host: the URL clients are given.
	public net.IP
}

// parseNodeAddresses returns nil (not node mode) when neither is given.
func parseNodeAddresses(nodeIP, publicIP string) (*nodeAddresses, error) {
	if nodeIP == "" && publicIP == "" {
		return nil, nil
	}
	node, public := net.ParseIP(nodeIP), net.ParseIP(publicIP)
	if node == nil || public == nil {
		return nil, fmt.Errorf("-node-ip and -public-ip go together and must be IP addresses (got %q, %q)", nodeIP, publicIP)
	}
	return &nodeAddresses{node: node, public: public}, nil
}
