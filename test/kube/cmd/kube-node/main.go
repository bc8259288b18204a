// Command kube-node runs the node components of the test cluster's node mode, one per
// sub-command, from the same k8s.io/kubernetes module as kube-testenv: linked once, they share
// the Kubernetes libraries (one binary instead of four of about 100 MB each).
//
//	kube-node [-owner-pid PID] kubelet|proxy|controller-manager|scheduler [component flags…]
//
// The flags after the component's name are the component's own, as its release binary takes them.
// With -owner-pid it exits when that process is gone, as kube-testenv does, so a killed test run
// leaves no control loop behind (test/kube/support/kube-node.ts still cleans what pods leave).
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // as in each component's own main
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client metrics, as in each main
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric, as in each main
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

const usage = "usage: kube-node [-owner-pid PID] kubelet|proxy|controller-manager|scheduler [flags…]"

var components = map[string]func() *cobra.Command{
	"kubelet":            func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
	"proxy":              proxy.NewProxyCommand,
	"controller-manager": controllermanager.NewControllerManagerCommand,
	"scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
}

func main() {
	args := os.Args[1:]
	if len(args) >= 2 && args[0] == "-owner-pid" {
		pid, err := strconv.Atoi(args[1])
		if err != nil || pid <= 0 {
			fmt.Fprintln(os.Stderr, usage)
			os.Exit(2)
		}
		go exitWithOwner(pid)
		args = args[2:]
	}
	if len(args) == 0 || components[args[0]] == nil {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	command := components[args[0]]()
	command.SetArgs(args[1:])
	os.Exit(cli.Run(command))
}

// exitWithOwner ends this component when the process that started the node is gone.
func exitWithOwner(pid int) {
	for range time.Tick(time.Second) {
		if syscall.Kill(pid, 0) == nil && !isZombie(pid) {
			continue
		}
		fmt.Fprintf(os.Stderr, "kube-node: owner process %d is gone, exiting\n", pid)
		os.Exit(0)
	}
}

func isZombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(stat)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ')' {
			return len(s) > i+2 && s[i+2] == 'Z'
		}
	}
	return false
}
