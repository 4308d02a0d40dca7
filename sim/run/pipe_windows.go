//go:build windows

package run

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// passPipe hands the read end of the controller's pipe to a worker as an
// inherited handle, and says which in COMANDA_CONTROLLER_FD (Windows has no
// numbered descriptors beyond the standard three).
func passPipe(cmd *exec.Cmd, r *os.File) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.AdditionalInheritedHandles = append(cmd.SysProcAttr.AdditionalInheritedHandles, syscall.Handle(r.Fd()))
	cmd.Env = append(os.Environ(), "COMANDA_CONTROLLER_FD="+strconv.FormatUint(uint64(r.Fd()), 10))
}
