package sim

import (
	"github.com/comanda/comanda/trace"
)

// Exploring is searching the schedules of a stepped run for one that breaks
// an invariant: seeded random walks first (cheap, and they find most races
// in a few tries), then a systematic search of the schedules with few
// preemptions (a worker that could go on is switched away from at most a
// couple of times: most concurrency bugs need only that many). The first
// failing schedule is then shrunk to the shortest one that still fails.
// Everything runs in-process (Local): no processes, no files.

// Finding is the result of an exploration.
type Finding struct {
	Found    bool
	Inv      Invariant // the invariant broken
	Detail   string    // what the violation said
	Step     uint64    // the step it happened at, in the shrunk schedule
	Schedule []string  // the shrunk schedule (workers' names)
	First    []string  // the failing schedule as first found
	Tried    int       // schedules run
	Steps    int       // steps taken in all
	How      string    // "random walk" or "systematic search"
}

// watcher is a Recorder that notices the first violation of the kind
// sought (any kind when want is InvNone).
type watcher struct {
	want   Invariant
	hit    bool
	inv    Invariant
	step   uint64
	detail string
}

func (w *watcher) Full() bool { return false } // only the essential events are needed

func (w *watcher) Record(e *trace.Event) {
	if w.hit || e.Kind != trace.InvariantBroken {
		return
	}
	if inv := Invariant(e.Arg); w.want == InvNone || inv == w.want {
		w.hit, w.inv, w.step, w.detail = true, inv, e.Step, string(e.Data)
	}
}

// explorer holds an exploration's settings and counters.
type explorer struct {
	cfg      Config
	want     Invariant
	budget   int // schedules left
	maxSteps int // steps per schedule
	tried    int
	steps    int
}

// attempt is one schedule run: the workers that took the steps and what
// was found.
type attempt struct {
	picks []int
	w     watcher
	err   error
}

// run runs one schedule. With script nil it runs a random walk whose
// scheduler is seeded with walk; with a script, that schedule (and then
// stops). It stops at the first violation sought.
func (x *explorer) run(walk uint64, script []string) attempt {
	x.tried++
	a := attempt{w: watcher{want: x.want}}
	cfg := x.cfg
	cfg.MaxSteps = uint64(x.maxSteps)
	policy := PolicyRandom
	if script != nil {
		policy = PolicyScript
	}
	l, err := NewLocal(&cfg, policy, script, &a.w)
	if err != nil {
		a.err = err
		return a
	}
	if script == nil {
		l.M.Sched.Reseed(walk)
	}
	for !a.w.hit {
		for _, slot := range l.M.Due() {
			if l.Workers[slot] != nil {
				l.kill(slot)
			}
		}
		before := l.M.Steps()
		more := l.M.Step()
		if l.M.Steps() != before {
			x.steps++
			if p := l.lastPick; p >= 0 {
				a.picks = append(a.picks, p)
				l.lastPick = -1
			}
		}
		if !more {
			break
		}
	}
	if _, err := l.M.Stopped(); err != nil {
		a.err = err
	}
	return a
}

// names turns slots into worker names.
func (x *explorer) names(picks []int) []string {
	out := make([]string, len(picks))
	for i, p := range picks {
		out[i] = x.cfg.WorkerName(p)
	}
	return out
}

// fails reports whether a schedule, run as a script, breaks the invariant
// sought (a schedule that names a worker that cannot run does not count).
func (x *explorer) fails(schedule []string) (attempt, bool) {
	a := x.run(0, schedule)
	return a, a.w.hit && (x.want == InvNone || a.w.inv == x.want)
}

// Explore searches the schedules of cfg for a violation of want (InvNone:
// any), running at most budget schedules of at most maxSteps steps each.
func Explore(cfg *Config, want Invariant, budget, maxSteps int) Finding {
	x := &explorer{cfg: *cfg, want: want, budget: budget, maxSteps: maxSteps}
	x.cfg.Mode = ModeStepped
	var first []int
	how := ""
	// Random walks: half the budget.
	for walk := uint64(1); x.tried < budget/2+1; walk++ {
		if a := x.run(walk, nil); a.w.hit {
			first, how = a.picks, "random walk"
			break
		}
	}
	if first == nil {
		first = x.systematic(budget)
		how = "systematic search"
	}
	f := Finding{Tried: x.tried, How: how}
	if first == nil {
		f.Steps = x.steps
		return f
	}
	f.First = x.names(first)
	f.Schedule = x.shrink(f.First)
	a, ok := x.fails(f.Schedule)
	f.Found = ok
	f.Inv, f.Step, f.Detail = a.w.inv, a.w.step, a.w.detail
	f.Tried, f.Steps = x.tried, x.steps
	return f
}

// preemptionBound is how many times the systematic search may switch away
// from a worker that could go on.
const preemptionBound = 2

// systematic searches the schedules with at most preemptionBound
// preemptions, depth first, re-running each prefix from the start.
func (x *explorer) systematic(budget int) []int {
	var found []int
	var dfs func(prefix []string, pre int) bool
	dfs = func(prefix []string, pre int) bool {
		if x.tried >= budget || len(prefix) >= x.maxSteps {
			return false
		}
		cfg := x.cfg
		cfg.MaxSteps = uint64(x.maxSteps)
		w := watcher{want: x.want}
		l, err := NewLocal(&cfg, PolicyScript, prefix, &w)
		if err != nil {
			return false
		}
		x.tried++
		picks := []int{}
		for len(picks) < len(prefix) && !w.hit {
			before := l.M.Steps()
			if !l.M.Step() {
				break
			}
			if l.M.Steps() != before && l.lastPick >= 0 {
				picks = append(picks, l.lastPick)
				l.lastPick = -1
				x.steps++
			}
		}
		if w.hit {
			found = picks
			return true
		}
		if len(picks) < len(prefix) {
			return false // the prefix cannot run as written
		}
		r := l.M.Survey()
		runnable := append(append([]int(nil), r.Ready...), r.Sleeping...)
		if len(runnable) == 0 {
			return false
		}
		cur := -1
		if len(picks) > 0 {
			cur = picks[len(picks)-1]
		}
		// Going on with the current worker is free; switching away from
		// it while it could go on is a preemption.
		extend := func(slot int) []string { // a new slice: siblings must not share one
			return append(prefix[:len(prefix):len(prefix)], x.cfg.WorkerName(slot))
		}
		if contains(runnable, cur) {
			if dfs(extend(cur), pre) {
				return true
			}
			if pre >= preemptionBound {
				return false
			}
			pre++
		}
		for _, next := range runnable {
			if next != cur && dfs(extend(next), pre) {
				return true
			}
		}
		return false
	}
	dfs(nil, 0)
	return found
}

// shrink returns the shortest schedule it can find that still fails: it
// cuts the schedule after the violation, then removes pieces, the biggest
// first, as long as what is left still fails.
func (x *explorer) shrink(schedule []string) []string {
	s := append([]string(nil), schedule...)
	for chunk := len(s) / 2; chunk >= 1; {
		removed := false
		for i := 0; i+chunk <= len(s); {
			try := append(append([]string(nil), s[:i]...), s[i+chunk:]...)
			if _, ok := x.fails(try); ok && len(try) > 0 {
				s, removed = try, true
				continue
			}
			i++
		}
		if !removed {
			chunk /= 2
		}
	}
	// Cut what comes after the violation.
	if a, ok := x.fails(s); ok {
		n := 0
		for i := range a.picks {
			n = i + 1
			if uint64(i+1) >= a.w.step {
				break
			}
		}
		if n > 0 && n < len(s) {
			if _, ok := x.fails(s[:n]); ok {
				s = s[:n]
			}
		}
	}
	return s
}
