package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/spf13/cobra"
)

// runFlags are the command-line overrides of a scenario.
type runFlags struct {
	headless, json, fast         bool
	producers, consumers         int
	duration                     time.Duration
	seed                         uint64
	lock, mode, policy, protocol string
	driver, trace                string
	maxSteps                     int
	noChecks                     bool
	ui                           uiFlags
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [SCENARIO]",
		Short: "Run the restaurant (SCENARIO: a bundled name or a .toml file; default: restaurante)",
		Long: `Run the restaurant with real processes on real shared memory.

SCENARIO is the name of a bundled scenario (see 'comanda scenarios') or the path
of a scenario file. Flags override what the scenario says.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScenario(cmd, args, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.headless, "headless", false, "no terminal UI: progress on stderr, a summary at the end")
	fl.BoolVar(&f.json, "json", false, "with --headless: print the summary as JSON on stdout")
	fl.IntVar(&f.producers, "producers", 0, "number of waiters (producers), 1–16")
	fl.IntVar(&f.consumers, "consumers", 0, "number of kitchens (consumers), 1–16")
	fl.DurationVar(&f.duration, "duration", 0, "stop gracefully after this long (0s: until stopped)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed of every random choice")
	fl.StringVar(&f.lock, "lock", "", "on, off, or per-process (each process its own lock: the original's bug)")
	fl.StringVar(&f.mode, "mode", "", "free (the OS schedules) or stepped (one step at a time)")
	fl.StringVar(&f.policy, "policy", "", "stepped mode: random, round-robin, script or manual")
	fl.IntVar(&f.maxSteps, "max-steps", 0, "stepped mode: stop after this many steps")
	fl.BoolVar(&f.fast, "fast", false, "no think or preparation times: as fast as possible")
	fl.StringVar(&f.protocol, "protocol", "", "data region layout: seed, shadow or ring")
	fl.StringVar(&f.driver, "driver", "", "process (real processes) or inproc (one process)")
	fl.StringVar(&f.trace, "trace", "", "record the run's trace in this file")
	fl.BoolVar(&f.noChecks, "no-checks", false, "free mode: no invariant checks by the controller (to measure their cost)")
	fl.MarkHidden("no-checks")
	addUIFlags(cmd, &f.ui)
	return cmd
}

// loadScenario loads the scenario named by args (default restaurante) and
// applies the flags that were given.
func loadScenario(cmd *cobra.Command, args []string, f runFlags) (*scenarios.Scenario, error) {
	name := "restaurante"
	if len(args) > 0 {
		name = args[0]
	}
	s, err := scenarios.Load(name)
	if err != nil {
		return nil, badInput(err)
	}
	changed := func(flag string) bool { return cmd.Flags().Lookup(flag) != nil && cmd.Flags().Changed(flag) }
	if changed("producers") {
		s.Producers.Count = f.producers
	}
	if changed("consumers") {
		s.Consumers.Count = f.consumers
	}
	if changed("duration") {
		s.Duration = f.duration
	}
	if changed("seed") {
		s.Seed = f.seed
	}
	if changed("lock") {
		switch f.lock {
		case "on":
			s.Lock, s.LockScope = true, "shared"
		case "off":
			s.Lock, s.LockScope = false, "shared"
		case "per-process":
			s.Lock, s.LockScope = true, "per-process"
		default:
			return nil, badInput(fmt.Errorf("--lock %q: expected on, off or per-process", f.lock))
		}
	}
	if changed("mode") {
		s.Mode = f.mode
		if f.mode == "stepped" && !s.Given["max_steps"] && !changed("max-steps") && s.MaxSteps == 0 {
			s.MaxSteps = 100000
		}
		if f.mode == "free" {
			// The file's stepped-mode keys do not apply to a free run the
			// command line asked for: ignore them rather than refuse.
			delete(s.Given, "max_steps")
			delete(s.Given, "policy")
			delete(s.Given, "schedule")
		}
	}
	if changed("policy") {
		s.Policy = f.policy
	}
	if changed("max-steps") {
		s.MaxSteps = f.maxSteps
	}
	if changed("fast") {
		s.Fast = f.fast
	}
	if changed("protocol") {
		s.Protocol = f.protocol
	}
	if changed("driver") {
		s.Driver = f.driver
	}
	if errs := s.Validate(); len(errs) > 0 {
		return nil, badInput(errs)
	}
	return s, nil
}

// runScenario runs a scenario: in the terminal UI, or headless.
func runScenario(cmd *cobra.Command, args []string, f runFlags, stdout, stderr io.Writer) error {
	if f.json && !f.headless {
		return badInput(errors.New("--json goes with --headless (the summary is printed at the end of a run without the screen)"))
	}
	if _, _, err := f.ui.resolve(); err != nil {
		return err // even headless, where the screen's flags do nothing, a wrong value is a mistake
	}
	s, err := loadScenario(cmd, args, f)
	if err != nil {
		return err
	}
	if !f.headless {
		if f.trace != "" {
			if err := checkWritable(f.trace); err != nil {
				return badInput(err)
			}
		}
		return uiLive(f.ui, s, f.trace, stderr)
	}
	opts := runner.FromScenario(s)
	opts.TracePath = f.trace
	opts.Version = version
	opts.NoChecks = f.noChecks
	if opts.Config.Mode == sim.ModeStepped && opts.Policy == sim.PolicyManual {
		return badInput(errors.New("the manual policy needs someone at the keyboard: it runs in the terminal UI, not headless"))
	}
	if f.trace != "" {
		if err := checkWritable(f.trace); err != nil {
			return badInput(err)
		}
	}
	start := time.Now()
	logf := func(msg string) {
		fmt.Fprintf(stderr, "[%s] %s\n", time.Now().Format("15:04:05"), msg)
	}
	opts.Log = func(m runner.Message) { logf(m.Text) }
	// Catch Ctrl-C before any worker exists, so that none can be orphaned by
	// an early one.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	r, err := runner.Start(opts)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	cfg := r.Config()
	logf(fmt.Sprintf("%s: %d waiter(s), %d kitchen(s), protocol %s, lock %s, %s mode%s",
		cfg.Scenario, cfg.Producers, cfg.Consumers, cfg.Protocol, lockWord(cfg), cfg.Mode, durationNote(cfg)))
	if p := r.SegmentPath(); p != "" {
		logf("shared memory: " + p)
	}
	logf("press Ctrl-C to stop gracefully (twice: at once)")

	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	interrupts := 0
wait:
	for {
		select {
		case <-r.Done():
			break wait
		case <-sigs:
			interrupts++
			if interrupts == 1 {
				logf("stopping gracefully… (Ctrl-C again to stop at once)")
				r.Stop()
			} else {
				logf("stopping at once")
				r.Kill()
			}
		case <-tick.C:
			p := r.Progress()
			fmt.Fprintf(stderr, "  %5.1fs  created %d  completed %d  queued %d  in prep %d  cancelled %d  %.1f orders/s  violations %d\n",
				time.Since(start).Seconds(), p.Created, p.Completed, p.Queued, p.InPrep, p.Cancelled,
				float64(p.Completed)/time.Since(start).Seconds(), p.Violation)
		}
	}
	sum := r.Wait()
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		printSummary(stdout, sum)
	}
	if sum.Error != "" {
		return &exitError{code: 1, err: errors.New(sum.Error)}
	}
	return nil
}

// checkWritable makes sure a file can be created at path, without
// clobbering anything if the run then fails to start.
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--trace: %w", err)
	}
	return f.Close()
}

func lockWord(cfg *sim.Config) string {
	switch {
	case cfg.LockScope == sim.ScopePerProcess:
		return "per-process (each process its own: nothing is excluded)"
	case cfg.LockOn:
		return "on"
	}
	return "off"
}

func durationNote(cfg *sim.Config) string {
	if cfg.Duration > 0 {
		return ", stops after " + cfg.Duration.String()
	}
	return ""
}

// printSummary prints a run's summary for people.
func printSummary(w io.Writer, s *runner.Summary) {
	o := s.Orders
	fmt.Fprintf(w, "\n%s — %s mode, protocol %s, lock %s, %d waiter(s) + %d kitchen(s), %.1fs, %d steps\n",
		s.Scenario, s.Mode, s.Protocol, s.Lock, s.Producers, s.Consumers, s.DurationS, s.Steps)
	fmt.Fprintf(w, "orders: %d created = %d completed + %d cancelled + %d pending + %d in preparation + %d lost\n",
		o.Created, o.Completed, o.Cancelled, o.Pending, o.InPrep, o.Lost)
	if o.Duplicated > 0 {
		fmt.Fprintf(w, "        %d cooked twice (duplicated)\n", o.Duplicated)
	}
	fmt.Fprintf(w, "throughput: %.1f orders completed per second\n", s.Throughput)
	if len(s.Counts) == 0 {
		fmt.Fprintln(w, "violations: none — every invariant held")
	} else {
		var kinds []string
		for k := range s.Counts {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s ×%d", k, s.Counts[k]))
		}
		fmt.Fprintf(w, "violations: %s\n", strings.Join(parts, ", "))
		for i, v := range s.Violations {
			if i == 5 {
				fmt.Fprintf(w, "  … (%d more listed in --json; every one is in the trace)\n", len(s.Violations)-5)
				break
			}
			fmt.Fprintf(w, "  step %d  %s: %s\n", v.Step, v.Kind, v.Detail)
		}
	}
	pids := map[string][]string{}
	for _, e := range s.Workers {
		key := fmt.Sprintf("%s%d", strings.ToUpper(e.Role[:1]), e.ID)
		pids[key] = append(pids[key], fmt.Sprintf("%d (%s)", e.PID, e.Exit))
	}
	var names []string
	for k := range pids {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprint(w, "processes:")
	for _, n := range names {
		fmt.Fprintf(w, " %s %s;", n, strings.Join(pids[n], ", "))
	}
	fmt.Fprintln(w)
	if s.Trace != "" {
		fmt.Fprintf(w, "trace: %s (%d events)\n", s.Trace, s.Events)
	}
}
