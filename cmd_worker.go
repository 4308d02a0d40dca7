package main

import (
	"io"

	runner "github.com/comanda/comanda/sim/run"
	"github.com/spf13/cobra"
)

// newWorkerCmd is the hidden command a run starts its worker processes
// with: the same binary, re-executed.
func newWorkerCmd(stderr io.Writer) *cobra.Command {
	var segment string
	var slot int
	cmd := &cobra.Command{
		Use:    "worker --segment PATH --slot N",
		Short:  "Run one worker process of a run (started by the controller)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := runner.WorkerMain(segment, slot, stderr); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&segment, "segment", "", "the run's segment file")
	cmd.Flags().IntVar(&slot, "slot", -1, "this worker's slot")
	return cmd
}
