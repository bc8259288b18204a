// kube-apiserver's flags and readiness. The flags are the ones a user would pass (a stable surface;
// the Go options API is not), close to controller-runtime's envtest.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"
)

func apiServerFlags(dir string, c credentials, apiPort, etcdPort int, node *nodeAddresses) []string {
	flags := []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(etcdPort),
		"--secure-port=" + strconv.Itoa(apiPort),
		"--cert-dir=" + filepath.Join(dir, "pki"),
		"--tls-cert-file=" + c.servingCert,
		"--tls-private-key-file=" + c.servingKey,
		"--token-auth-file=" + c.tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://127.0.0.1:" + strconv.Itoa(apiPort) + "/",
		"--service-account-key-file=" + c.serviceAccountPub,
		"--service-account-signing-key-file=" + c.serviceAccountKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		"--profiling=false",
	}
	if node == nil {
		return append(flags,
			"--bind-address=127.0.0.1",
			// Without a default route the server cannot guess an address to advertise.
			"--advertise-address=127.0.0.1",
			// Loopback addresses are not valid Endpoints; there is no cluster to reach anyway.
			"--endpoint-reconciler-type=none",
			// No controller-manager creates ServiceAccounts, so pods could not be admitted with it.
			"--disable-admission-plugins=ServiceAccount",
		)
	}
	return append(flags,
		// Every address of the node's network namespace: pods come from the CNI bridge, the host
		// over the veth pair, the node's components over loopback.
		"--bind-address=0.0.0.0",
		// The kubernetes Service's endpoint, which pods reach through kube-proxy.
		"--advertise-address="+node.node.String(),
		// Writes that endpoint (a lease keeps it while this server lives).
		"--endpoint-reconciler-type=lease",
		// kubectl logs/exec: the kubelet at the node's InternalIP, not at its host name (unresolvable).
		"--kubelet-preferred-address-types=InternalIP",
	)
}

// waitReady polls /readyz, then waits for namespace "default", which the server creates itself
// shortly after it reports ready.
func waitReady(ctx context.Context, url string, c credentials, exited <-chan int) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.caPEM)
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	for _, path := range []string{"/readyz", "/api/v1/namespaces/default"} {
		for !answers(ctx, client, url+path, c.adminToken) {
			select {
			case code := <-exited:
				return fmt.Errorf("kube-apiserver exited with code %d before it was ready", code)
			case <-ctx.Done():
				return fmt.Errorf("%s did not answer 200 in time", path)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

func answers(ctx context.Context, client *http.Client, url, token string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode == http.StatusOK
}

// freePorts asks the kernel for n free loopback ports. They are released before use, so another
// process could take one in between; the launcher retries a start that failed that way.
func freePorts(n int) ([]int, error) {
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
