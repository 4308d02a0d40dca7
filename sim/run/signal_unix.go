//go:build unix

package run

import (
	"os"
	"os/exec"
	"syscall"
)

// terminate asks a worker process to leave (SIGTERM).
func terminate(p *os.Process) { p.Signal(syscall.SIGTERM) }

// dieNow kills this process on the spot, the way SIGKILL from outside
// would: no deferred code, no cleanup.
func dieNow() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }

// exitStatus returns a reaped process's exit code, or minus the signal
// that killed it.
func exitStatus(st *os.ProcessState) int {
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return st.ExitCode()
}

// signalName names a signal number for the log.
func signalName(n int) string { return syscall.Signal(n).String() }

var _ = exec.Command
