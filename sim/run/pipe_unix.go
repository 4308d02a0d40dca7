//go:build unix

package run

import (
	"os"
	"os/exec"
)

// passPipe hands the read end of the controller's pipe to a worker as its
// file descriptor 3, and says so in COMANDA_CONTROLLER_FD.
func passPipe(cmd *exec.Cmd, r *os.File) {
	cmd.ExtraFiles = []*os.File{r}
	cmd.Env = append(os.Environ(), "COMANDA_CONTROLLER_FD=3")
}
