package run

import (
	"errors"
	"fmt"
	"os"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
	"github.com/google/go-cmp/cmp"
)

// ErrFreeTrace is returned by Verify for a free-mode trace.
var ErrFreeTrace = errors.New("only a stepped run can be re-executed: in free mode the interleaving was the operating system's and is not in the trace")

// A Divergence is the first event where a re-executed run differs from
// the recorded one.
type Divergence struct {
	Index int          // index of the event (0-based)
	Want  *replay.Line // the recorded event (nil: the recording ended first)
	Got   *replay.Line // the re-executed one (nil: the re-execution ended first)
	Diff  string       // go-cmp's diff of the two, -recorded +re-executed
}

func (d *Divergence) Error() string {
	return fmt.Sprintf("the runs part at event %d:\n%s", d.Index+1, d.Diff)
}

// Verify re-executes a stepped trace with real processes: the same
// configuration and seed, the recorded schedule (and the recorded stops,
// lock switches and kills at the same steps), and compares every event in
// canonical form. It returns nil when the runs are identical, the first
// divergence otherwise, or an error when the trace cannot be re-executed.
func Verify(rep *replay.Replay, exe, version string, driver string) (*Divergence, error) {
	cfg := *rep.Config()
	if cfg.Mode != sim.ModeStepped {
		return nil, ErrFreeTrace
	}
	f, err := os.CreateTemp("", "comanda-verify-*.trace")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	f.Close()
	defer os.Remove(path)
	if driver == "" {
		driver = "process"
	}
	opts := Options{
		Config:        cfg,
		ScenarioSrc:   []byte(rep.Header().ScenarioSrc),
		Policy:        sim.PolicyScript,
		Schedule:      rep.Schedule(),
		Driver:        driver,
		TracePath:     path,
		Exe:           exe,
		Version:       version,
		Interventions: Interventions(rep),
	}
	if len(opts.Schedule) == 0 {
		opts.Policy = sim.PolicyRoundRobin // no worker ever took a step
	}
	r, err := Start(opts)
	if err != nil {
		return nil, err
	}
	if s := r.Wait(); s.Error != "" && !isScheduleEnd(s) {
		return nil, fmt.Errorf("re-execution failed: %s", s.Error)
	}
	again, err := replay.Open(path)
	if err != nil {
		return nil, err
	}
	want, got := rep.Lines(true), again.Lines(true)
	n := len(want)
	if rep.Truncated() {
		got = got[:min(len(got), n)] // compare what the recording has
	}
	for i := 0; i < max(n, len(got)); i++ {
		switch {
		case i >= n:
			return &Divergence{Index: i, Got: &got[i], Diff: cmp.Diff(nil, got[i])}, nil
		case i >= len(got):
			return &Divergence{Index: i, Want: &want[i], Diff: cmp.Diff(want[i], nil)}, nil
		}
		if d := cmp.Diff(want[i], got[i]); d != "" {
			return &Divergence{Index: i, Want: &want[i], Got: &got[i], Diff: d}, nil
		}
	}
	return nil, nil
}

func isScheduleEnd(s *Summary) bool { return s.Stop == string(sim.StopScript) }

// Interventions returns what was done to a stepped run from outside, at the
// steps it was done: stops asked for (not the timer's), lock switches,
// kills from the keyboard.
func Interventions(rep *replay.Replay) []Intervention {
	var out []Intervention
	timer := false
	for _, e := range rep.Events() {
		switch e.Kind {
		case trace.TimerFired:
			timer = true
		case trace.ShutdownPhase:
			if e.Arg == int64(sim.PhaseMarked) && !timer {
				out = append(out, Intervention{AfterStep: e.Step, Kind: "stop"})
			}
		case trace.LockSwitched:
			kind := "lock-off"
			if e.Arg != 0 {
				kind = "lock-on"
			}
			out = append(out, Intervention{AfterStep: e.Step, Kind: kind})
		case trace.FaultInjected:
			if e.Arg == sim.FaultKillByHand {
				out = append(out, Intervention{AfterStep: e.Step, Kind: "kill", Slot: int(e.Arg2)})
			}
		}
	}
	return out
}

// TakeOver returns the options of a run that replays a stepped trace up to
// its n-th event (the recorded schedule, stops, lock switches and kills up
// to there), and from there goes on live, paused, for a person to step and
// pick ("take over from here"). Its steps up to there are the recorded ones.
func TakeOver(rep *replay.Replay, n int, exe, version string) (Options, error) {
	cfg := *rep.Config()
	if cfg.Mode != sim.ModeStepped {
		return Options{}, ErrFreeTrace
	}
	n = max(0, min(n, rep.Len()))
	var sched []string
	for _, e := range rep.Events()[:n] {
		if e.Kind == trace.StepGranted && e.Worker != trace.System {
			sched = append(sched, cfg.WorkerName(int(e.Worker)))
		}
	}
	upTo := rep.StepOf(n)
	var ivs []Intervention
	for _, iv := range Interventions(rep) {
		if iv.AfterStep < upTo || (iv.AfterStep == upTo && iv.Kind != "stop") {
			ivs = append(ivs, iv)
		}
	}
	then := sim.PolicyRandom // what space does from there on; 1–9 pick
	cfg.MaxSteps = 0         // Start's default limit, well past any recording
	opts := Options{Config: cfg, ScenarioSrc: []byte(rep.Header().ScenarioSrc), Driver: "process",
		Exe: exe, Version: version, Interventions: ivs, Policy: then, Paused: true}
	if len(sched) > 0 {
		opts.Policy, opts.Schedule, opts.ThenPolicy, opts.Paused = sim.PolicyScript, sched, then, false
	}
	return opts, nil
}
