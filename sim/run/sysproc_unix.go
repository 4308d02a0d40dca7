//go:build unix && !linux

package run

import (
	"os/exec"
	"syscall"
)

// detach puts a worker in its own process group, so that a Ctrl-C at the
// terminal reaches the controller only. (Without a parent-death signal, the
// worker learns of its controller's death from the pipe.)
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
