// Command comanda is a teaching simulator for operating-systems classes: a
// restaurant on shared memory, with real processes, a real lock, a trace of
// everything they do, and the lock's off switch.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/comanda/comanda/scenarios"
	"github.com/spf13/cobra"
)

// version is comanda's version, stamped into traces.
var version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitError carries an exit code out of a command: 1 for "the thing checked
// failed", 2 for bad input.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput wraps err as a user's mistake (exit code 2).
func badInput(err error) error { return &exitError{code: 2, err: err} }

// run runs comanda with args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cobra.MousetrapHelpText = "" // a double-click on Windows opens the app
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		var list scenarios.ErrorList
		switch {
		case errors.As(ee.err, &list):
			// file:line:col: message, one per line, as compilers print them.
			fmt.Fprintln(stderr, list.Error())
		case ee.err != nil && ee.err.Error() != "":
			fmt.Fprintf(stderr, "comanda: %v\n", ee.err)
		}
		return ee.code
	}
	// Anything cobra itself rejects (unknown command or flag, bad value) is
	// a usage mistake.
	fmt.Fprintf(stderr, "comanda: %v\nRun 'comanda --help' for usage.\n", err)
	return 2
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	var ui uiFlags
	root := &cobra.Command{
		Use:   "comanda",
		Short: "A restaurant on shared memory: processes, locks and races you can see",
		Long: `comanda is a teaching simulator for operating-systems classes. Waiter processes
put orders into a memory-mapped segment, kitchen processes take and prepare them,
and a lock guards the segment. Switch the lock off to watch updates get lost.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return uiHome(ui, stderr)
		},
	}
	addUIFlags(root, &ui)
	root.AddCommand(newRunCmd(stdout, stderr), newWorkerCmd(stderr), newScenariosCmd(stdout),
		newReplayCmd(stdout, stderr), newExportCmd(stdout, stderr), newDiffCmd(stdout, stderr),
		newExploreCmd(stdout, stderr), newCheckCmd(stdout, stderr), newLessonCmd(stdout, stderr),
		newVersionCmd(stdout))
	return root
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print comanda's version",
		Args:  cobra.NoArgs,
		Run:   func(cmd *cobra.Command, args []string) { fmt.Fprintf(stdout, "comanda %s\n", version) },
	}
}

// errUnknownLang is a --lang value comanda has no texts for.
func errUnknownLang(s string) error {
	return fmt.Errorf("--lang %q: expected en or pt-BR", s)
}
