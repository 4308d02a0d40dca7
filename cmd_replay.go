package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/shm"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/comanda/comanda/trace"
	"github.com/spf13/cobra"
)

func newReplayCmd(stdout, stderr io.Writer) *cobra.Command {
	var at int64
	var asJSON, info, verify bool
	var driver string
	var ui uiFlags
	cmd := &cobra.Command{
		Use:   "replay TRACE",
		Short: "Step through a recorded run (or print a moment of it, or re-execute it)",
		Long: `Open a trace and step through the run it recorded, in the terminal UI:
←/→ steps, g jumps, v finds the next violation, t takes over from the step shown.

  --at N --json     print the state after step N as JSON
  --info --json     print what the trace holds: scenario, seed, mode, events,
                    steps, violations, workers
  --verify          re-execute a stepped run with real processes and compare
                    every event: exit 0 identical, 1 diverged`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := openTrace(args[0], stderr)
			if err != nil {
				return err
			}
			switch {
			case verify:
				return verifyTrace(rep, args[0], driver, stdout)
			case cmd.Flags().Changed("at"):
				if at < 0 {
					return badInput(fmt.Errorf("--at %d: expected a step number, 0 or more", at))
				}
				return printJSON(stdout, stateJSON(rep, rep.AtStep(uint64(at)), uint64(at)), asJSON)
			case info || asJSON:
				return printJSON(stdout, infoJSON(rep, args[0]), asJSON)
			default:
				return uiReplay(ui, rep, args[0], stderr)
			}
		},
	}
	fl := cmd.Flags()
	fl.Int64Var(&at, "at", 0, "print the state after step N")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	fl.BoolVar(&info, "info", false, "print what the trace holds")
	fl.BoolVar(&verify, "verify", false, "re-execute a stepped run and compare every event")
	fl.StringVar(&driver, "driver", "process", "with --verify: process (real processes) or inproc")
	addUIFlags(cmd, &ui)
	return cmd
}

// openTrace opens a trace for the command line: a trace cut short opens
// with a warning; anything unreadable is bad input (exit 2).
func openTrace(path string, stderr io.Writer) (*replay.Replay, error) {
	rep, err := replay.Open(path)
	if err != nil {
		var ce *trace.CorruptError
		var ve *trace.VersionError
		switch {
		case errors.Is(err, trace.ErrNotTrace):
			return nil, badInput(fmt.Errorf("%s: not a comanda trace", path))
		case errors.As(err, &ce), errors.As(err, &ve):
			return nil, badInput(fmt.Errorf("%s: %v", path, unwrapPath(err, path)))
		}
		return nil, badInput(err)
	}
	if rep.Truncated() {
		fmt.Fprintf(stderr, "comanda: warning: %s was cut short after %d events (the run crashed, or is still being recorded); showing what it holds\n",
			path, rep.Len())
	}
	return rep, nil
}

// unwrapPath drops a leading "path: " the trace package may have added.
func unwrapPath(err error, path string) error {
	var ce *trace.CorruptError
	if errors.As(err, &ce) {
		return ce
	}
	var ve *trace.VersionError
	if errors.As(err, &ve) {
		return ve
	}
	return err
}

func printJSON(w io.Writer, v any, asJSON bool) error {
	if !asJSON {
		if t, ok := v.(interface{ Text() string }); ok {
			_, err := io.WriteString(w, t.Text())
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func verifyTrace(rep *replay.Replay, path, driver string, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	d, err := runner.Verify(rep, exe, version, driver)
	switch {
	case errors.Is(err, runner.ErrFreeTrace):
		return badInput(fmt.Errorf("%s: %v", path, err))
	case err != nil:
		return &exitError{code: 1, err: err}
	case d != nil:
		fmt.Fprintf(stdout, "diverged: the re-executed run differs from %s at event %d\n", path, d.Index+1)
		show := func(label string, l *replay.Line) {
			if l == nil {
				fmt.Fprintf(stdout, "  %-12s (nothing: the run ended)\n", label)
				return
			}
			b, _ := json.Marshal(l)
			fmt.Fprintf(stdout, "  %-12s %s\n", label, b)
		}
		show("recorded:", d.Want)
		show("re-executed:", d.Got)
		fmt.Fprintf(stdout, "diff (-recorded +re-executed):\n%s", d.Diff)
		return &exitError{code: 1}
	}
	fmt.Fprintf(stdout, "verified: re-executed with real processes, all %d events identical\n", rep.Len())
	return nil
}

// traceInfo is what `replay --info --json` prints.
type traceInfo struct {
	Trace      string             `json:"trace"`
	Scenario   string             `json:"scenario"`
	Seed       uint64             `json:"seed"`
	Mode       string             `json:"mode"`
	Protocol   string             `json:"protocol"`
	Lock       string             `json:"lock"`
	Driver     string             `json:"driver"`
	Binary     string             `json:"binary"`
	Events     int                `json:"events"`
	Steps      uint64             `json:"steps"`
	DurationNs int64              `json:"duration_ns"`
	CutShort   bool               `json:"cut_short"`
	Violations []replay.Violation `json:"violations"`
	Workers    []trace.WorkerInfo `json:"workers"`
	Summary    json.RawMessage    `json:"summary,omitempty"`
}

func (t traceInfo) Text() string {
	s := fmt.Sprintf("%s: %s, seed %d, %s mode, protocol %s, lock %s, driver %s\n%d events, %d steps",
		t.Trace, t.Scenario, t.Seed, t.Mode, t.Protocol, t.Lock, t.Driver, t.Events, t.Steps)
	if t.CutShort {
		s += " (cut short)"
	}
	s += "\n"
	if len(t.Violations) == 0 {
		return s + "no violations\n"
	}
	s += fmt.Sprintf("%d violation(s):\n", len(t.Violations))
	for _, v := range t.Violations {
		s += fmt.Sprintf("  step %d  %s: %s\n", v.Step, v.Kind, v.Detail)
	}
	return s
}

func infoJSON(rep *replay.Replay, path string) traceInfo {
	h, cfg := rep.Header(), rep.Config()
	t := traceInfo{Trace: path, Scenario: h.Scenario, Seed: h.Seed, Mode: h.Mode, Protocol: string(cfg.Protocol),
		Lock: lockName(cfg.LockOn, string(cfg.LockScope)), Driver: h.Driver, Binary: h.Binary, Events: rep.Len(),
		Steps: rep.Steps(), CutShort: rep.Truncated(), Violations: rep.Violations(rep.Len()), Workers: h.Workers}
	if t.Violations == nil {
		t.Violations = []replay.Violation{}
	}
	if n := rep.Len(); n > 0 {
		t.DurationNs = rep.Event(n - 1).Time
		if last := rep.Event(n - 1); last.Kind == trace.RunEnded {
			t.Summary = json.RawMessage(last.Data)
		}
	}
	return t
}

func lockName(on bool, scope string) string {
	switch {
	case scope == "per-process":
		return "per-process"
	case on:
		return "on"
	}
	return "off"
}

// stateOut is what `replay --at N --json` prints.
type stateOut struct {
	Step       uint64             `json:"step"`
	Event      int                `json:"event"`
	TimeNs     int64              `json:"time_ns"`
	Phase      int                `json:"phase"`
	LockOn     bool               `json:"lock_on"`
	Workers    []workerOut        `json:"workers"`
	Locks      []lockOut          `json:"locks"`
	Orders     ordersOut          `json:"orders"`
	Board      any                `json:"board"`
	LastWrite  *writeOut          `json:"last_write"`
	Memory     memoryOut          `json:"memory"`
	Violations []replay.Violation `json:"violations"`
}

type workerOut struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	PID         int    `json:"pid"`
	Incarnation int    `json:"incarnation"`
	Activity    string `json:"activity"`
	Op          string `json:"op,omitempty"`
	Holds       []int  `json:"holds"`
	WaitsFor    *int   `json:"waits_for"`
	Order       string `json:"order,omitempty"`
	Created     int    `json:"created"`
	Taken       int    `json:"taken"`
	Completed   int    `json:"completed"`
	Acquired    int    `json:"acquisitions"`
	Contended   int    `json:"contended"`
}

type lockOut struct {
	Lock         int      `json:"lock"`
	Owner        *string  `json:"owner"`
	Waiters      []string `json:"waiters"`
	Acquisitions int      `json:"acquisitions"`
	Contentions  int      `json:"contentions"`
}

type ordersOut struct {
	Created   int `json:"created"`
	Completed int `json:"completed"`
	Cancelled int `json:"cancelled"`
	Pending   int `json:"pending"`
	InPrep    int `json:"in_prep"`
	Lost      int `json:"lost"`
}

type writeOut struct {
	Worker string `json:"worker"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type memoryOut struct {
	Size int    `json:"size"`
	Used int    `json:"used"` // bytes up to the last non-zero one
	Hex  string `json:"hex"`  // those bytes
}

func stateJSON(rep *replay.Replay, s *replay.State, step uint64) stateOut {
	out := stateOut{Step: min(step, rep.Steps()), Event: s.Event, TimeNs: s.Time, Phase: s.Phase, LockOn: s.LockOn,
		Violations: rep.Violations(s.Event)}
	if out.Violations == nil {
		out.Violations = []replay.Violation{}
	}
	for _, w := range s.Workers {
		wo := workerOut{Name: w.Name, Role: w.Role, PID: w.PID, Incarnation: w.Incarnation, Activity: w.Activity.String(),
			Op: w.Op, Holds: []int{}, Created: w.Created, Taken: w.Taken, Completed: w.Completed,
			Acquired: w.Acquired, Contended: w.Contended}
		for i, h := range w.Holds {
			if h {
				wo.Holds = append(wo.Holds, i+1)
			}
		}
		if w.WaitsFor >= 0 {
			l := w.WaitsFor + 1
			wo.WaitsFor = &l
		}
		if w.Order != 0 {
			wo.Order = w.Order.String()
		}
		out.Workers = append(out.Workers, wo)
	}
	for i, l := range s.Locks {
		lo := lockOut{Lock: i + 1, Waiters: []string{}, Acquisitions: l.Acquisitions, Contentions: l.Contentions}
		if l.Owner >= 0 {
			name := rep.WorkerName(uint8(l.Owner))
			lo.Owner = &name
		}
		for _, w := range l.Waiters {
			lo.Waiters = append(lo.Waiters, rep.WorkerName(uint8(w)))
		}
		out.Locks = append(out.Locks, lo)
	}
	s.Orders(func(_ trace.OrderKey, st replay.OrderStatus) {
		out.Orders.Created++
		switch st {
		case replay.OrderPending:
			out.Orders.Pending++
		case replay.OrderInPrep:
			out.Orders.InPrep++
		case replay.OrderDone:
			out.Orders.Completed++
		case replay.OrderCancelled:
			out.Orders.Cancelled++
		case replay.OrderLost:
			out.Orders.Lost++
		}
	})
	if b, err := s.Board(); err != nil {
		out.Board = map[string]string{"error": err.Error()}
	} else {
		out.Board = boardJSON(b)
	}
	if s.Last != nil {
		out.LastWrite = &writeOut{Worker: rep.WorkerName(uint8(s.Last.Worker)), Offset: s.Last.Off, Length: s.Last.Len}
	}
	used := len(s.Memory)
	for used > 0 && s.Memory[used-1] == 0 {
		used--
	}
	out.Memory = memoryOut{Size: len(s.Memory), Used: used, Hex: hex.EncodeToString(s.Memory[:used])}
	return out
}

// boardJSON is the board as the original's JSON (pedidos, stats).
func boardJSON(b *shm.Board) json.RawMessage { return json.RawMessage(shm.AppendBoardJSON(nil, b)) }
