// What a resumed start (-resume) takes over from the previous start in the same directory: its
// ports and its credentials. Tests restart the server to prove that clients survive an API-server
// restart; that only means something when the clients' kubeconfigs (server URL, CA, tokens) stay
// valid and etcd keeps its data, exactly as a restarted control plane in a cluster would.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// serverPorts are the loopback ports of one server; the first start records them in ports.json.
type serverPorts struct {
	API        int `json:"api"`
	EtcdClient int `json:"etcdClient"`
	EtcdPeer   int `json:"etcdPeer"`
}

const portsFile = "ports.json"

func newPorts() (serverPorts, error) {
	ports, err := freePorts(3)
	if err != nil {
		return serverPorts{}, err
	}
	return serverPorts{API: ports[0], EtcdClient: ports[1], EtcdPeer: ports[2]}, nil
}

func writePorts(dir string, ports serverPorts) error {
	return writeJSON(filepath.Join(dir, portsFile), ports)
}

func readPorts(dir string) (serverPorts, error) {
	var ports serverPorts
	data, err := os.ReadFile(filepath.Join(dir, portsFile))
	if err != nil {
		return ports, fmt.Errorf("nothing to resume in %s: %w", dir, err)
	}
	if err := json.Unmarshal(data, &ports); err != nil {
		return ports, fmt.Errorf("reading %s: %w", portsFile, err)
	}
	if ports.API == 0 || ports.EtcdClient == 0 || ports.EtcdPeer == 0 {
		return ports, fmt.Errorf("%s names no port for every listener", portsFile)
	}
	return ports, nil
}

// readCredentials loads the credentials an earlier start wrote. The identities (with their names,
// which tokens.csv lacks) come from identities.json, which that start wrote once it was ready.
func readCredentials(dir string) (credentials, error) {
	c := credentialFiles(filepath.Join(dir, "pki"))
	var err error
	if c.caPEM, err = os.ReadFile(c.caFile); err != nil {
		return c, fmt.Errorf("nothing to resume in %s: %w", dir, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "identities.json"))
	if err != nil {
		return c, fmt.Errorf("nothing to resume in %s: %w", dir, err)
	}
	var file struct {
		Identities []identity `json:"identities"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return c, fmt.Errorf("reading identities.json: %w", err)
	}
	c.identities = file.Identities
	for _, id := range c.identities {
		if id.Name == "admin" {
			c.adminToken = id.Token
		}
	}
	if c.adminToken == "" {
		return c, fmt.Errorf("identities.json has no admin token")
	}
	return c, nil
}
