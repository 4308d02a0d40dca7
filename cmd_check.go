package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/scenarios"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/spf13/cobra"
)

// checkFlags are the options of `comanda check`.
type checkFlags struct {
	json   bool
	lang   string
	jobs   int
	traces string
}

func newCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check SCENARIO...",
		Short: "Run each scenario headless and test its [expect] block (grading)",
		Long: `Run each scenario (a bundled name or a .toml file) headless, exactly as the
file says, with real processes, and test every key of its [expect] block.
A key run_for in [expect] makes check run the scenario that long instead of
its duration.

Every file is read and validated first: if one is invalid, none runs.
The scenarios then run at the same time (those that keep the CPU busy, a
few at a time), and the results are printed in the order of the arguments.

Exit status: 0 every scenario passes, 1 some fail, 2 invalid input.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return checkScenarios(args, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.json, "json", false, "print the results as JSON, one per file (expected and found in English)")
	fl.StringVar(&f.lang, "lang", "", "en or pt-BR, for the table (default: from LANG)")
	fl.IntVar(&f.jobs, "jobs", 0, "how many CPU-bound scenarios (fast or stepped) run at once (default: half the CPUs)")
	fl.StringVar(&f.traces, "traces", "", "keep each run's trace in this directory (NAME.trace), to replay it")
	return cmd
}

// A checkResult is the grade of one file: the JSON of `check --json`.
type checkResult struct {
	File         string           `json:"file"`     // the argument: a bundled name or a path
	Scenario     string           `json:"scenario"` // the scenario's name
	Pass         bool             `json:"pass"`
	Expectations []runner.Outcome `json:"expectations"` // in English
	Error        string           `json:"error,omitempty"`

	s     *scenarios.Scenario
	sum   *runner.Summary
	shown []runner.Outcome // the expectations in the table's language
	bad   error            // why the file cannot be checked
}

// errInterrupted is the error of a run cut short by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// checkScenarios is `comanda check`.
func checkScenarios(args []string, f checkFlags, stdout, stderr io.Writer) error {
	l, err := chooseLang(f.lang)
	if err != nil {
		return err
	}
	if f.jobs < 0 {
		return badInput(fmt.Errorf("--jobs %d: expected 1 or more", f.jobs))
	}
	if f.jobs == 0 {
		f.jobs = max(1, runtime.NumCPU()/2)
	}
	results := make([]*checkResult, len(args))
	invalid := 0
	for i, arg := range args {
		res := &checkResult{File: arg, Expectations: []runner.Outcome{}}
		results[i] = res
		s, err := scenarios.Load(arg)
		if err == nil {
			res.Scenario = s.Name
			if errs := s.Gradable(); errs != nil {
				err = errs
			}
		}
		if err != nil {
			res.bad = err
			res.Error = err.Error()
			invalid++
			continue
		}
		res.s = s
	}
	if invalid > 0 {
		for _, res := range results {
			switch {
			case res.bad == nil:
				res.Error = i18n.T(i18n.EN, "check.not-run")
			case isErrorList(res.bad):
				fmt.Fprintln(stderr, res.bad.Error())
			default:
				fmt.Fprintf(stderr, "comanda: %v\n", res.bad)
			}
		}
		fmt.Fprintf(stderr, "comanda: %s\n", i18n.T(l, "check.invalid", invalid, len(args)))
		if f.json {
			if err := writeJSON(stdout, results); err != nil {
				return err
			}
		}
		return &exitError{code: 2, err: errors.New("")}
	}
	var tracePaths []string
	if f.traces != "" {
		if tracePaths, err = traceFiles(f.traces, args); err != nil {
			return badInput(err)
		}
	}

	longest := time.Duration(0)
	for _, res := range results {
		if s := res.s; s.Mode == "free" {
			d := s.RunTime(true)
			if !s.Fast {
				d += s.Consumers.Think.Max // the graceful stop lets orders in preparation finish
			}
			longest = max(longest, d)
		}
	}
	if longest >= time.Second {
		fmt.Fprintf(stderr, "comanda: %s\n", i18n.T(l, "check.starting", len(args), shortDuration(longest.Round(time.Second))))
	}

	c := &checker{active: map[*runner.Run]bool{}}
	// Catch Ctrl-C before any worker exists, so that none can be orphaned.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go c.watch(sigs, done)

	busy := make(chan struct{}, f.jobs)
	idle := make(chan struct{}, maxIdleRuns)
	var wg sync.WaitGroup
	for i, res := range results {
		sem := idle
		if isBusy(res.s) {
			sem = busy
		}
		trace := ""
		if tracePaths != nil {
			trace = tracePaths[i]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res.sum, res.bad = c.run(res.s, trace)
		}()
	}
	wg.Wait()

	passed := 0
	for _, res := range results {
		res.grade(l)
		if res.Pass {
			passed++
		}
	}
	if f.json {
		if err := writeJSON(stdout, results); err != nil {
			return err
		}
	} else {
		printResults(stdout, l, results)
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, i18n.T(l, "check.summary", passed, len(results)))
	}
	if passed < len(results) {
		return &exitError{code: 1, err: errors.New("")}
	}
	return nil
}

// maxIdleRuns is how many scenarios that mostly sleep (free mode at
// classroom speed) run at once.
const maxIdleRuns = 32

// isBusy reports whether a run of s keeps processors busy: stepped runs,
// fast runs, and free runs whose workers hardly sleep.
func isBusy(s *scenarios.Scenario) bool {
	const short = 10 * time.Millisecond
	return s.Mode == "stepped" || s.Fast || s.Producers.Think.Max < short || s.Consumers.Think.Max < short
}

// isErrorList reports whether err holds the problems of a scenario file,
// which print one per line as file:line:col: message.
func isErrorList(err error) bool {
	var list scenarios.ErrorList
	return errors.As(err, &list)
}

// grade evaluates the run's summary against the scenario's expectations.
func (res *checkResult) grade(l i18n.Lang) {
	if res.bad != nil {
		res.Error = res.bad.Error()
		if errors.Is(res.bad, errInterrupted) {
			res.Error = i18n.T(i18n.EN, "check.interrupted")
		}
	}
	if res.sum == nil {
		return
	}
	if res.sum.Error != "" && res.Error == "" {
		res.Error = res.sum.Error
	}
	res.Expectations = runner.Evaluate(res.s.Expect, res.sum)
	if res.Expectations == nil {
		res.Expectations = []runner.Outcome{}
	}
	res.shown = runner.EvaluateIn(l, res.s.Expect, res.sum)
	res.Pass = res.Error == "" && runner.Passed(res.Expectations)
}

// printResults writes a table per scenario, in the order of the
// arguments, each followed by the reasons of its failures.
func printResults(w io.Writer, l i18n.Lang, results []*checkResult) {
	for i, res := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		verdict := i18n.T(l, "check.pass")
		switch {
		case res.sum == nil || res.Error != "":
			verdict = i18n.T(l, "check.error")
		case !res.Pass:
			verdict = i18n.T(l, "check.fail")
		}
		fmt.Fprintln(w, i18n.T(l, "check.title", res.File, res.Scenario, verdict))
		if res.sum != nil {
			sum := res.sum
			ranKey := "check.ran"
			if sum.Mode == "stepped" {
				ranKey = "check.ran-stepped" // its time is virtual
			}
			ran := i18n.T(l, ranKey, sum.Mode, sum.Steps, sum.DurationS, stopWords(l, sum.Stop))
			if s := res.s; s.RunTime(true) != s.Duration {
				ran += "; " + i18n.T(l, "check.run-for", shortDuration(s.RunTime(true)), shortDuration(s.Duration))
			}
			fmt.Fprintln(w, "  "+ran)
		}
		if res.Error != "" {
			msg := res.Error
			if errors.Is(res.bad, errInterrupted) {
				msg = i18n.T(l, "check.interrupted")
			}
			fmt.Fprintln(w, "  "+strings.ReplaceAll(msg, "\n", "\n  "))
		}
		if len(res.shown) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", i18n.T(l, "check.col.key"), i18n.T(l, "check.col.expected"),
			i18n.T(l, "check.col.found"), i18n.T(l, "check.col.result"))
		for _, o := range res.shown {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.Key, o.Expected, o.Found, passWord(l, o.Pass))
		}
		tw.Flush()
		// The reasons, compiler-style, in the order of the file.
		var reasons scenarios.ErrorList
		for _, o := range res.shown {
			if !o.Pass {
				reasons = append(reasons, &scenarios.Error{File: res.s.File, Line: o.Pos.Line, Col: o.Pos.Col,
					Msg: i18n.T(l, "check.reason", "expect."+o.Key, o.Expected, o.Found)})
			}
		}
		reasons.Sort()
		for _, e := range reasons {
			fmt.Fprintln(w, "  "+e.Error())
		}
	}
}

// passWord is PASS or FAIL in language l.
func passWord(l i18n.Lang, pass bool) string {
	if pass {
		return i18n.T(l, "check.pass")
	}
	return i18n.T(l, "check.fail")
}

// stopWords says in words why a run ended.
func stopWords(l i18n.Lang, stop string) string {
	key := map[string]string{
		"stopped":      "check.stop.stopped",
		"max-steps":    "check.stop.max",
		"schedule-end": "check.stop.script",
		"deadlock":     "check.stop.deadlock",
		"idle":         "check.stop.idle",
		"error":        "check.stop.error",
	}[stop]
	if key == "" {
		return stop
	}
	return i18n.T(l, key)
}

// shortDuration writes d the way scenario files do: "1m", not "1m0s".
func shortDuration(d time.Duration) string {
	return scenarios.Range{Min: d, Max: d}.String()
}

// writeJSON prints the results as an indented JSON array.
func writeJSON(w io.Writer, results []*checkResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

// traceFiles returns a trace path in dir for each argument, named after
// it, creating dir if needed.
func traceFiles(dir string, args []string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--traces: %w", err)
	}
	seen := map[string]int{}
	paths := make([]string, len(args))
	for i, arg := range args {
		base := strings.TrimSuffix(filepath.Base(arg), ".toml")
		seen[base]++
		if n := seen[base]; n > 1 {
			base = fmt.Sprintf("%s-%d", base, n)
		}
		paths[i] = filepath.Join(dir, base+".trace")
		if err := checkWritable(paths[i]); err != nil {
			return nil, fmt.Errorf("--traces: %w", errors.Unwrap(err))
		}
	}
	return paths, nil
}

// A checker runs the scenarios of one `comanda check` and stops them all
// on Ctrl-C: gracefully the first time, at once the second.
type checker struct {
	mu       sync.Mutex
	active   map[*runner.Run]bool
	stopping int // Ctrl-Cs received
}

// run runs s headless to its end, as `comanda run --headless` does (with
// run_for as its duration), and returns its summary.
func (c *checker) run(s *scenarios.Scenario, tracePath string) (*runner.Summary, error) {
	opts := runner.FromScenario(s)
	opts.Config.Duration = s.RunTime(true)
	opts.Version = version
	opts.TracePath = tracePath
	c.mu.Lock()
	if c.stopping > 0 {
		c.mu.Unlock()
		return nil, errInterrupted
	}
	r, err := runner.Start(opts)
	if err == nil {
		c.active[r] = true
	}
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	sum := r.Wait()
	c.mu.Lock()
	delete(c.active, r)
	interrupted := c.stopping > 0
	c.mu.Unlock()
	if interrupted {
		return sum, errInterrupted
	}
	return sum, nil
}

// watch stops the runs when a signal comes, until done is closed.
func (c *checker) watch(sigs <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-sigs:
			c.mu.Lock()
			c.stopping++
			for r := range c.active {
				if c.stopping == 1 {
					r.Stop()
				} else {
					r.Kill()
				}
			}
			c.mu.Unlock()
		}
	}
}
