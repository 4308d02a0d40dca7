package replay

import (
	"sort"
	"time"

	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// A Column is one column of the timeline: for each worker, the most
// telling thing it did during one step (stepped runs) or one tick of time
// (free runs).
type Column []Activity

// FreeTick is how much time one timeline column covers in a free run.
const FreeTick = 100 * time.Millisecond

// weight orders activities by how much they tell: of everything a worker
// did during a column, the timeline shows the heaviest.
var weight = [...]int{
	ActNotStarted:  0,
	ActExited:      1,
	ActSleeping:    2,
	ActWaiting:     3,
	ActRunning:     4,
	ActWaitingLock: 5,
	ActHolding:     6,
	ActUnprotected: 7,
}

// heavier returns the activity of a and b that tells more.
func heavier(a, b Activity) Activity {
	if int(b) < len(weight) && (int(a) >= len(weight) || weight[b] > weight[a]) {
		return b
	}
	return a
}

// Timeline gathers the columns of the timeline as events are applied.
type Timeline struct {
	Cols []Column // oldest first, at most Max
	Max  int
	cur  Column // the column being gathered
}

// NewTimeline returns a timeline for n workers that keeps max columns.
func NewTimeline(n, max int) *Timeline {
	return &Timeline{Max: max, cur: make(Column, n)}
}

// note folds what worker w does now into the open column.
func (t *Timeline) note(s *State, w uint8) {
	if int(w) < len(t.cur) && int(w) < len(s.Workers) {
		t.cur[w] = heavier(t.cur[w], s.Workers[w].Activity)
	}
}

// Close ends the open column and opens the next, which starts with what
// every worker is doing now.
func (t *Timeline) Close(s *State) {
	for i := range t.cur {
		if i < len(s.Workers) {
			t.cur[i] = heavier(t.cur[i], s.Workers[i].Activity)
		}
	}
	switch {
	case t.Max <= 0: // no columns kept
	case len(t.Cols) == t.Max:
		old := t.Cols[0]
		copy(t.Cols, t.Cols[1:])
		t.Cols[t.Max-1] = append(old[:0], t.cur...)
	default:
		t.Cols = append(t.Cols, append(Column(nil), t.cur...))
	}
	for i := range t.cur {
		t.cur[i] = ActNotStarted
		if i < len(s.Workers) {
			t.cur[i] = s.Workers[i].Activity
		}
	}
}

// Open returns the column being gathered (the present moment).
func (t *Timeline) Open() Column { return t.cur }

// apply folds event e, just applied to s, into the timeline: in a stepped
// run, a new step closes the column of the one before.
func (t *Timeline) apply(s *State, e *trace.Event, first bool) {
	if e.Kind == trace.StepGranted && !first {
		t.Close(s)
	}
	if e.Worker != trace.System {
		t.note(s, e.Worker)
	}
}

// Timeline returns the timeline up to the state after n events: at most
// width columns, the last one being the moment itself. A column is a step
// in a stepped run and FreeTick of time in a free one.
func (r *Replay) Timeline(n, width int) (cols []Column, now Column) {
	n = max(0, min(n, len(r.events)))
	start := 0
	if r.cfg.Mode == sim.ModeStepped {
		if step := r.StepOf(n); step > uint64(width) {
			start = r.StepEnd(step - uint64(width) - 1)
		}
	} else if n > 0 {
		from := r.events[n-1].Time - int64(width)*int64(FreeTick)
		start = sort.Search(n, func(i int) bool { return r.events[i].Time >= from })
	}
	start = max(start, n-maxTimelineEvents)
	s := r.At(start)
	t := NewTimeline(len(s.Workers), width)
	for i := range t.cur {
		t.cur[i] = s.Workers[i].Activity
	}
	tick := int64(-1)
	for i := start; i < n; i++ {
		e := &r.events[i]
		if r.cfg.Mode != sim.ModeStepped {
			if tick < 0 {
				tick = e.Time / int64(FreeTick)
			}
			for ; tick < e.Time/int64(FreeTick); tick++ {
				t.Close(s)
			}
		}
		s.apply(i, e)
		t.apply(s, e, i == start)
	}
	return t.Cols, t.cur
}

// maxTimelineEvents bounds the work of drawing one timeline.
const maxTimelineEvents = 50000
