// Command kube-testenv runs a real Kubernetes control plane for grantpool's tests: etcd
// (embedded) and kube-apiserver in one process, with token authentication and RBAC. It writes
// the files clients need into -dir and serves until SIGTERM. test/kube/env.ts starts and stops it.
// With -resume it starts again on what an earlier start left in -dir (ports, certificates,
// tokens, etcd's data): a restarted API server, as far as its clients can tell.
// With -node-ip (node mode, started inside the node's network namespace) it serves a real node:
// see nodeAddresses.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as in kube-apiserver's own main
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	dir := flag.String("dir", "", "directory for certificates, tokens, etcd data and the kubeconfig")
	owner := flag.Int("owner-pid", 0, "exit when this process is gone (0: run until SIGTERM)")
	resume := flag.Bool("resume", false, "reuse the ports, credentials and etcd data of an earlier start in -dir")
	nodeIP := flag.String("node-ip", "", "node mode: the node's address, advertised to pods")
	publicIP := flag.String("public-ip", "", "node mode: the address clients outside the node's network namespace reach")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "kube-testenv: -dir is required")
		os.Exit(2)
	}
	if *owner != 0 {
		go exitWithOwner(*owner, filepath.Join(*dir, "etcd"))
	}
	node, err := parseNodeAddresses(*nodeIP, *publicIP)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv: %v\n", err)
		os.Exit(2)
	}
	if err := run(*dir, *resume, node); err != nil {
		fmt.Fprintf(os.Stderr, "kube-testenv: %v\n", err)
		os.Exit(1)
	}
}

func run(dir string, resume bool, node *nodeAddresses) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	ports, creds, err := prepare(dir, resume, node)
	if err != nil {
		return err
	}
	// On a resumed start etcd finds its data directory and carries on from it.
	etcd, err := startEtcd(filepath.Join(dir, "etcd"), ports.EtcdClient, ports.EtcdPeer)
	if err != nil {
		return err
	}
	defer etcd.Close()

	// Nothing here outlives the process, so a stop needs no graceful shutdown (which waits for
	// open watches); this handler runs beside the one the API server's command installs.
	stopping := make(chan os.Signal, 1)
	signal.Notify(stopping, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stopping
		os.Exit(0)
	}()

	server := app.NewAPIServerCommand()
	server.SetArgs(apiServerFlags(dir, creds, ports.API, ports.EtcdClient, node))
	exited := make(chan int, 1)
	go func() { exited <- cli.Run(server) }()

	local := fmt.Sprintf("https://127.0.0.1:%d", ports.API)
	url := local
	if node != nil {
		url = fmt.Sprintf("https://%s:%d", node.public, ports.API)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := waitReady(ctx, local, creds, exited); err != nil {
		return err
	}
	// A resumed server keeps the files clients already read: rewriting them would make a reader
	// racing the restart see them come and go.
	if !resume {
		if err := writeClientFiles(dir, url, creds); err != nil {
			return err
		}
	}
	// "ready" is written last, on every start: its presence tells the launcher that the server
	// serves (the launcher removes it before it starts or resumes one).
	if err := os.WriteFile(filepath.Join(dir, "ready"), []byte(url+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Printf("kube-testenv: ready at %s\n", url)

	if code := <-exited; code != 0 {
		return fmt.Errorf("kube-apiserver exited with code %d", code)
	}
	return nil
}

// prepare picks new ports and credentials for a first start, or reads back those of the earlier
// start for a resumed one.
func prepare(dir string, resume bool, node *nodeAddresses) (serverPorts, credentials, error) {
	if resume {
		ports, err := readPorts(dir)
		if err != nil {
			return ports, credentials{}, err
		}
		creds, err := readCredentials(dir)
		return ports, creds, err
	}
	ports, err := newPorts()
	if err != nil {
		return ports, credentials{}, err
	}
	creds, err := writeCredentials(filepath.Join(dir, "pki"), node)
	if err != nil {
		return ports, creds, err
	}
	return ports, creds, writePorts(dir, ports)
}

// exitWithOwner stops the server when the process that started it (a test run) is gone, so a
// killed test run leaves no server behind. A zombie counts as gone: it can no longer stop us.
func exitWithOwner(pid int, etcdDir string) {
	for range time.Tick(time.Second) {
		if syscall.Kill(pid, 0) == nil && !isZombie(pid) {
			continue
		}
		fmt.Fprintf(os.Stderr, "kube-testenv: owner process %d is gone, exiting\n", pid)
		_ = os.RemoveAll(etcdDir)
		os.Exit(0)
	}
}

func isZombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may itself hold spaces.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}
