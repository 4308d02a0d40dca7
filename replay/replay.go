package replay

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// The replay keeps a full state every so many events (at least
// snapMin, and more for long traces so that there are at most snapMax):
// any state is at most that many events of folding away, and memory stays
// bounded (a state holds the status of every order so far).
const (
	snapMin = 2048
	snapMax = 100
)

// A Replay is a trace opened for stepping: the events, and states every
// regular intervals from which any moment is computed. It needs no process
// and no segment: the run is folded from its events.
type Replay struct {
	hdr       trace.Header
	cfg       *sim.Config
	events    []trace.Event
	snaps     []*State // snaps[i] is the state after i*every events
	every     int
	maxStep   []uint64 // maxStep[i]: the largest Step among events[0..i]
	viol      []int    // indexes of the violation events
	truncated bool
}

// Open reads the trace file at path and indexes it. A file cut short opens
// up to its last whole record (Truncated says so); a corrupted one, or one
// that is not a trace, is an error that says where and what.
func Open(path string) (*Replay, error) {
	h, events, truncated, err := trace.Open(path)
	if err != nil {
		return nil, err
	}
	return New(h, events, truncated)
}

// Read reads a trace from r and indexes it.
func Read(r io.Reader) (*Replay, error) {
	h, events, truncated, err := trace.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return New(h, events, truncated)
}

// Config decodes the run configuration a trace header carries.
func Config(h trace.Header) (*sim.Config, error) {
	var cfg sim.Config
	if err := json.Unmarshal(h.Config, &cfg); err != nil {
		return nil, fmt.Errorf("trace header: configuration: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("trace header: %w", err)
	}
	return &cfg, nil
}

// New indexes events (as a trace.Reader returns them).
func New(h trace.Header, events []trace.Event, truncated bool) (*Replay, error) {
	cfg, err := Config(h)
	if err != nil {
		return nil, err
	}
	if h.DataSize <= 0 || h.DataSize > 1<<26 || len(h.DataInit) > h.DataSize {
		return nil, fmt.Errorf("trace header: data region of %d bytes", h.DataSize)
	}
	r := &Replay{hdr: h, cfg: cfg, events: events, truncated: truncated,
		maxStep: make([]uint64, len(events)), every: max(snapMin, (len(events)+snapMax-1)/snapMax)}
	s := newState(cfg, h)
	r.snaps = append(r.snaps, s.clone())
	var top uint64
	for i := range events {
		e := &events[i]
		s.apply(i, e)
		top = max(top, e.Step)
		r.maxStep[i] = top
		if e.Kind == trace.InvariantBroken {
			r.viol = append(r.viol, i)
		}
		if (i+1)%r.every == 0 {
			r.snaps = append(r.snaps, s.clone())
		}
	}
	return r, nil
}

// Header returns the trace's header.
func (r *Replay) Header() trace.Header { return r.hdr }

// Config returns the run's configuration.
func (r *Replay) Config() *sim.Config { return r.cfg }

// Truncated reports whether the trace was cut short (the run crashed or is
// still being written).
func (r *Replay) Truncated() bool { return r.truncated }

// Len returns the number of events.
func (r *Replay) Len() int { return len(r.events) }

// Event returns event i (0-based).
func (r *Replay) Event(i int) *trace.Event { return &r.events[i] }

// Events returns every event, in order. The slice must not be changed.
func (r *Replay) Events() []trace.Event { return r.events }

// Steps returns the number of the last step.
func (r *Replay) Steps() uint64 {
	if len(r.maxStep) == 0 {
		return 0
	}
	return r.maxStep[len(r.maxStep)-1]
}

// At returns the state after the first n events (n is clamped to
// [0, Len()]).
func (r *Replay) At(n int) *State {
	n = max(0, min(n, len(r.events)))
	s := r.snaps[n/r.every].clone()
	for i := (n / r.every) * r.every; i < n; i++ {
		s.apply(i, &r.events[i])
	}
	return s
}

// StepEnd returns how many events make up the run up to the end of step s:
// the position just after the last event of step s and the controller's
// events that follow it.
func (r *Replay) StepEnd(s uint64) int {
	return sort.Search(len(r.maxStep), func(i int) bool { return r.maxStep[i] > s })
}

// AtStep returns the state after step s.
func (r *Replay) AtStep(s uint64) *State { return r.At(r.StepEnd(s)) }

// StepOf returns the step the state after n events is in.
func (r *Replay) StepOf(n int) uint64 {
	if n <= 0 || len(r.maxStep) == 0 {
		return 0
	}
	return r.maxStep[min(n, len(r.maxStep))-1]
}

// Next returns the index of the first event after index from (from = -1:
// from the start) that match says yes to, or -1.
func (r *Replay) Next(from int, match func(e *trace.Event) bool) int {
	for i := from + 1; i < len(r.events); i++ {
		if match(&r.events[i]) {
			return i
		}
	}
	return -1
}

// Prev returns the index of the last event before index from that match
// says yes to, or -1.
func (r *Replay) Prev(from int, match func(e *trace.Event) bool) int {
	for i := min(from, len(r.events)) - 1; i >= 0; i-- {
		if match(&r.events[i]) {
			return i
		}
	}
	return -1
}

// OfKind matches events of kind k.
func OfKind(k trace.Kind) func(*trace.Event) bool {
	return func(e *trace.Event) bool { return e.Kind == k }
}

// OfWorker matches events of the worker in slot w (trace.System for the
// controller).
func OfWorker(w uint8) func(*trace.Event) bool {
	return func(e *trace.Event) bool { return e.Worker == w }
}

// Violation is a broken invariant found in a trace.
type Violation struct {
	Index  int    `json:"-"`
	Kind   string `json:"kind"`
	Step   uint64 `json:"step"`
	Worker string `json:"worker,omitempty"`
	Order  string `json:"order,omitempty"`
	Detail string `json:"detail"`
}

// Violations returns the violations among the first n events.
func (r *Replay) Violations(n int) []Violation {
	var out []Violation
	for _, i := range r.viol {
		if i >= n {
			break
		}
		out = append(out, r.violation(i))
	}
	return out
}

// NextViolation returns the index of the first violation event after index
// from, or -1.
func (r *Replay) NextViolation(from int) int {
	k := sort.SearchInts(r.viol, from+1)
	if k == len(r.viol) {
		return -1
	}
	return r.viol[k]
}

func (r *Replay) violation(i int) Violation {
	e := &r.events[i]
	v := Violation{Index: i, Kind: sim.Invariant(e.Arg).String(), Step: e.Step, Detail: string(e.Data)}
	if e.Worker != trace.System {
		v.Worker = r.cfg.WorkerName(int(e.Worker))
	}
	if e.Order != 0 {
		v.Order = e.Order.String()
	}
	return v
}

// Schedule returns the workers that took the steps of a stepped trace, in
// order (the controller's own steps left out): the schedule that replays
// the run.
func (r *Replay) Schedule() []string {
	var s []string
	for i := range r.events {
		e := &r.events[i]
		if e.Kind == trace.StepGranted && e.Worker != trace.System {
			s = append(s, r.cfg.WorkerName(int(e.Worker)))
		}
	}
	return s
}

// WorkerName names slot w of this run ("S" for the controller).
func (r *Replay) WorkerName(w uint8) string {
	if w == trace.System {
		return "S"
	}
	return r.cfg.WorkerName(int(w))
}
