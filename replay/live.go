package replay

import (
	"sync"

	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// Live folds the events of a run in progress, as they come, into the same
// State a replay computes: the live screen and the replay screen render
// one kind of value. Apply may be called from one goroutine (the run's
// drain) while View is called from another (the screen).
type Live struct {
	mu         sync.Mutex
	s          *State
	n          int
	violations []Violation
	recent     []trace.Event // the last events kept for the log
	keep       func(e *trace.Event) bool
	tl         *Timeline
	stepped    bool // a step-granted event was seen: columns are steps
}

// liveRecent is how many events Live keeps for the log.
const liveRecent = 200

// NewLive starts the fold of a run of cfg whose data region has size bytes
// and starts as init. keep says which events the log keeps (nil: all);
// the timeline keeps width columns.
func NewLive(cfg *sim.Config, size int, init []byte, keep func(e *trace.Event) bool, width int) *Live {
	s := newState(cfg, trace.Header{DataSize: size, DataInit: init})
	return &Live{s: s, keep: keep, tl: NewTimeline(len(s.Workers), width)}
}

// Apply folds one event (its Data is copied).
func (l *Live) Apply(e *trace.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := *e
	c.Data = append([]byte(nil), e.Data...)
	l.s.apply(l.n, &c)
	l.n++
	if c.Kind == trace.StepGranted {
		l.stepped = true
	}
	l.tl.apply(l.s, &c, false)
	if c.Kind == trace.InvariantBroken {
		v := Violation{Index: l.n - 1, Kind: sim.Invariant(c.Arg).String(), Step: c.Step, Detail: string(c.Data)}
		if c.Worker != trace.System {
			v.Worker = l.s.cfg.WorkerName(int(c.Worker))
		}
		if c.Order != 0 {
			v.Order = c.Order.String()
		}
		l.violations = append(l.violations, v)
	}
	if l.keep != nil && !l.keep(&c) {
		return
	}
	if len(l.recent) == liveRecent {
		copy(l.recent, l.recent[1:])
		l.recent = l.recent[:liveRecent-1]
	}
	l.recent = append(l.recent, c)
}

// Tick closes the timeline's column of a free run (the screen calls it
// every FreeTick); in a stepped run steps close columns and Tick does
// nothing.
func (l *Live) Tick() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stepped {
		l.tl.Close(l.s)
	}
}

// Events returns how many events were applied.
func (l *Live) Events() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// A LiveView is what View hands over: the state now, the violations so
// far, the most recent events kept for the log (oldest first), and the
// timeline's columns and open column.
type LiveView struct {
	State      *State
	Violations []Violation
	Recent     []trace.Event
	Cols       []Column
	Now        Column
}

// View calls fn with the run as it is now. fn must not keep what it is
// given: the fold goes on when it returns.
func (l *Live) View(fn func(v LiveView)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fn(LiveView{State: l.s, Violations: l.violations, Recent: l.recent, Cols: l.tl.Cols, Now: l.tl.cur})
}

// Snapshot returns a copy of the state as it is now.
func (l *Live) Snapshot() *State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.s.clone()
}

// Notable says whether an event belongs in the log of a free run, where
// lock and memory events come by the thousand: orders, violations,
// workers starting and ending, the stop, the timer, switches and faults.
func Notable(e *trace.Event) bool {
	switch e.Kind {
	case trace.OrderCreated, trace.OrderTaken, trace.OrderDone, trace.OrderCancelled, trace.OrderRequeued,
		trace.InvariantBroken, trace.WorkerStarted, trace.WorkerExited, trace.LockOwnerDied,
		trace.ShutdownPhase, trace.TimerFired, trace.LockSwitched, trace.FaultInjected, trace.ReadFailed,
		trace.RunStarted, trace.RunEnded:
		return true
	}
	return false
}
