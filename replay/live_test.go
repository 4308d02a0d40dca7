package replay_test

import (
	"testing"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/sim"
	"github.com/google/go-cmp/cmp"
)

// A run folded live, event by event, is the same State, the same
// violations and the same timeline as its trace replayed.
func TestLiveIsTheReplay(t *testing.T) {
	cfg := smallConfig(7)
	cfg.LockOn = false
	cfg.Producers = 2
	rep := record(t, cfg, sim.PolicyRandom)
	h := rep.Header()
	const width = 30
	live := replay.NewLive(rep.Config(), h.DataSize, h.DataInit, nil, width)
	for i := range rep.Events() {
		live.Apply(rep.Event(i))
	}
	want := rep.At(rep.Len())
	got := live.Snapshot()
	if d := cmp.Diff(want, got, cmp.AllowUnexported(replay.State{})); d != "" {
		t.Errorf("live state differs from the replay's (-replay +live):\n%s", d)
	}
	cols, now := rep.Timeline(rep.Len(), width)
	live.View(func(v replay.LiveView) {
		if d := cmp.Diff(rep.Violations(rep.Len()), v.Violations); d != "" {
			t.Errorf("violations differ (-replay +live):\n%s", d)
		}
		if d := cmp.Diff(cols, v.Cols); d != "" {
			t.Errorf("timeline differs (-replay +live):\n%s", d)
		}
		if d := cmp.Diff(now, v.Now); d != "" {
			t.Errorf("open column differs (-replay +live):\n%s", d)
		}
	})
	if len(cols) != width {
		t.Errorf("%d timeline columns, want %d (the run has %d steps)", len(cols), width, rep.Steps())
	}
	// Somebody held the lock, or ran unprotected, in the last columns.
	seen := map[replay.Activity]bool{}
	for _, c := range cols {
		for _, a := range c {
			seen[a] = true
		}
	}
	if !seen[replay.ActUnprotected] || !seen[replay.ActSleeping] {
		t.Errorf("timeline activities %v: want unprotected sections and sleeps", seen)
	}
}

// The timeline of a stepped run has one column per step, and the column
// of a step shows who took it.
func TestTimelineColumnsAreSteps(t *testing.T) {
	rep := record(t, smallConfig(3), sim.PolicyRoundRobin)
	for _, step := range []uint64{5, 12, 30} {
		n := rep.StepEnd(step)
		cols, _ := rep.Timeline(n, 4)
		if len(cols) != 4 {
			t.Fatalf("step %d: %d columns, want 4", step, len(cols))
		}
		// The last closed column is step-1: its worker did something.
		prev := rep.StepEnd(step - 1)
		var who int = -1
		for i := rep.StepEnd(step - 2); i < prev; i++ {
			if e := rep.Event(i); e.Kind.String() == "step" && int(e.Worker) < len(cols[3]) {
				who = int(e.Worker)
			}
		}
		if who >= 0 && cols[3][who] == replay.ActNotStarted {
			t.Errorf("step %d: the column of step %d shows nothing for %s, who took it", step, step-1, rep.WorkerName(uint8(who)))
		}
	}
}
