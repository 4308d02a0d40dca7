package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/comanda/comanda/trace"
	"github.com/spf13/cobra"
)

func newExploreCmd(stdout, stderr io.Writer) *cobra.Command {
	var find, out, lang string
	var budget, maxSteps int
	cmd := &cobra.Command{
		Use:   "explore SCENARIO [--find KIND] [--budget N] [--out TRACE]",
		Short: "Search the schedules of a scenario for a violation, and shrink it to the shortest",
		Long: `Search the ways the scenario's workers can interleave, in-process and fast, for
one that breaks an invariant (--find: lost-update, torn-write, double-processing,
order-lost, stats-drift, deadlock, lock-owner-died; default: any). Random walks
first, then a systematic search of the schedules with few preemptions. The first
failing schedule is shrunk to the shortest that still fails, re-run with real
processes, and saved as a trace (replay it, or check it with replay --verify).

Exit code 0: found (and saved); 1: nothing found within the budget.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := chooseLang(lang)
			if err != nil {
				return err
			}
			want := sim.InvNone
			if find != "" && find != "any" {
				inv, ok := sim.ParseInvariant(find)
				if !ok {
					var names []string
					for _, i := range sim.Invariants() {
						names = append(names, i.String())
					}
					return badInput(fmt.Errorf("--find %q: expected one of %s", find, strings.Join(names, ", ")))
				}
				want = inv
			}
			if budget < 1 || maxSteps < 1 {
				return badInput(fmt.Errorf("--budget and --max-steps must be at least 1"))
			}
			s, err := loadScenario(cmd, args, runFlags{})
			if err != nil {
				return err
			}
			opts := runner.FromScenario(s)
			cfg := opts.Config
			start := time.Now()
			f := sim.Explore(&cfg, want, budget, maxSteps)
			took := time.Since(start)
			if !f.Found {
				fmt.Fprintf(stdout, "No %s found in %d schedules (%d steps, %s).\n", describeWant(want), f.Tried, f.Steps, took.Round(time.Millisecond))
				return &exitError{code: 1}
			}
			fmt.Fprintf(stdout, "Found %s by %s after %d schedules (%d steps, %s).\n", f.Inv, f.How, f.Tried, f.Steps, took.Round(time.Millisecond))
			fmt.Fprintf(stdout, "Shortest schedule that still fails (%d steps, from %d): %s\n\n", len(f.Schedule), len(f.First), strings.Join(f.Schedule, " "))
			if out == "" {
				dir, err := runsDir()
				if err != nil {
					return &exitError{code: 1, err: err}
				}
				out = filepath.Join(dir, fmt.Sprintf("explore-%s-%s-%s.trace", scenarios.Slug(s.Name), f.Inv, time.Now().Format("20060102-150405")))
			}
			// Re-run it with real processes and keep the trace.
			cfg.Mode = sim.ModeStepped
			r, err := runner.Start(runner.Options{Config: cfg, ScenarioSrc: s.Source, Policy: sim.PolicyScript,
				Schedule: f.Schedule, Driver: "process", TracePath: out, Version: version})
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			sum := r.Wait()
			if sum.Counts[f.Inv.String()] == 0 {
				return &exitError{code: 1, err: fmt.Errorf("the schedule broke %s in-process but not with real processes; please report this", f.Inv)}
			}
			rep, err := replay.Open(out)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			tellSchedule(stdout, l, rep, f.Inv)
			fmt.Fprintf(stdout, "\nSaved, as run by real processes: %s\n(comanda replay %s, or --verify it)\n", out, out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&find, "find", "", "the violation to look for (default: any)")
	fl.IntVar(&budget, "budget", 2000, "schedules to try at most")
	fl.IntVar(&maxSteps, "max-steps", 400, "steps per schedule at most")
	fl.StringVar(&out, "out", "", "save the failing run's trace here (default: the runs folder)")
	fl.StringVar(&lang, "lang", "", "en or pt-BR (default: from LANG)")
	return cmd
}

func describeWant(want sim.Invariant) string {
	if want == sim.InvNone {
		return "violation"
	}
	return want.String()
}

// tellSchedule prints a run step by step in plain words, up to and with the
// first violation of inv.
func tellSchedule(w io.Writer, l i18n.Lang, rep *replay.Replay, inv sim.Invariant) {
	var line []string
	var step uint64
	flush := func() {
		if len(line) > 0 {
			fmt.Fprintf(w, "  step %3d  %s\n", step, strings.Join(line, "; "))
			line = line[:0]
		}
	}
	for i := 0; i < rep.Len(); i++ {
		e := rep.Event(i)
		switch e.Kind {
		case trace.StepGranted:
			flush()
			step = e.Step
			continue
		case trace.RunStarted, trace.WorkerStarted, trace.Slept, trace.Waited:
			continue
		case trace.InvariantBroken:
			flush()
			fmt.Fprintf(w, "  → %s\n", rep.Describe(l, i))
			if sim.Invariant(e.Arg) == inv {
				return
			}
			continue
		}
		if e.Step > 0 {
			line = append(line, rep.Describe(l, i))
		}
	}
	flush()
}

// runsDir returns the folder where comanda keeps recorded runs, creating
// it: $COMANDA_RUNS, else comanda/runs in the user's data folder.
func runsDir() (string, error) {
	dir := os.Getenv("COMANDA_RUNS")
	if dir == "" {
		base := os.Getenv("XDG_DATA_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("no folder for recorded runs: %w", err)
			}
			base = filepath.Join(home, ".local", "share")
			if d, err := os.UserConfigDir(); err == nil && (strings.Contains(d, "Library") || strings.Contains(d, "AppData")) {
				base = d // macOS: ~/Library/Application Support; Windows: %AppData%
			}
		}
		dir = filepath.Join(base, "comanda", "runs")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create the runs folder: %w", err)
	}
	return dir, nil
}
