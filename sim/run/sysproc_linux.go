//go:build linux

package run

import (
	"os/exec"
	"syscall"
)

// detach puts a worker in its own process group (a Ctrl-C at the terminal
// reaches the controller only, which stops the workers gracefully) and asks
// the kernel to send it SIGTERM if the controller dies.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
