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
	recent     []trace.Event // the last events, for the log
}

// liveRecent is how many events Live keeps for the log.
const liveRecent = 200

// NewLive starts the fold of a run of cfg whose data region has size bytes
// and starts as init.
func NewLive(cfg *sim.Config, size int, init []byte) *Live {
	return &Live{s: newState(cfg, trace.Header{DataSize: size, DataInit: init})}
}

// Apply folds one event (its Data is copied).
func (l *Live) Apply(e *trace.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := *e
	c.Data = append([]byte(nil), e.Data...)
	l.s.apply(l.n, &c)
	l.n++
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
	if len(l.recent) == liveRecent {
		copy(l.recent, l.recent[1:])
		l.recent = l.recent[:liveRecent-1]
	}
	l.recent = append(l.recent, c)
}

// View calls fn with the state as it is now, the violations so far and the
// most recent events (oldest first). fn must not keep them: the fold goes
// on when it returns.
func (l *Live) View(fn func(s *State, violations []Violation, recent []trace.Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fn(l.s, l.violations, l.recent)
}

// Snapshot returns a copy of the state as it is now.
func (l *Live) Snapshot() *State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.s.clone()
}
