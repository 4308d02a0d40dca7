//go:build windows

package run

import (
	"fmt"
	"os"
)

// terminate asks a worker process to leave. Windows has no SIGTERM: the
// exit request in the worker's slot (set by the caller) is what it sees.
func terminate(p *os.Process) {}

// dieNow ends this process on the spot, as a kill would.
func dieNow() { os.Exit(137) }

// exitStatus returns a reaped process's exit code.
func exitStatus(st *os.ProcessState) int {
	if st.ExitCode() == 137 || st.ExitCode() == 1 && !st.Success() {
		return -9
	}
	return st.ExitCode()
}

// signalName names a signal number for the log.
func signalName(n int) string {
	if n == 9 {
		return "killed"
	}
	return fmt.Sprintf("signal %d", n)
}
