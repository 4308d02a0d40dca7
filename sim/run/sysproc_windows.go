//go:build windows

package run

import (
	"os/exec"
	"syscall"
)

// detach starts a worker in a new process group, so that a Ctrl-C at the
// console reaches the controller only.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}
