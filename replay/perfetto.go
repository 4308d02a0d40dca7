package replay

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// chromeEvent is one Chrome trace event (the JSON that ui.perfetto.dev and
// chrome://tracing open). Times are in microseconds.
type chromeEvent struct {
	Name  string         `json:"name"`
	Cat   string         `json:"cat,omitempty"`
	Ph    string         `json:"ph"`
	TS    float64        `json:"ts"`
	Dur   *float64       `json:"dur,omitempty"`
	PID   int            `json:"pid"`
	TID   int            `json:"tid"`
	Scope string         `json:"s,omitempty"`
	Args  map[string]any `json:"args,omitempty"`
}

// chromeTID is the track of a worker slot: one per worker, and one for the
// controller.
func chromeTID(w uint8) int {
	if w == trace.System {
		return 0
	}
	return int(w) + 1
}

// WritePerfetto writes the trace as Chrome trace events: one track per
// process, the lock holds as slices, sleeps as slices, order transitions
// and violations as instants, and the queue length as a counter. The file
// opens in ui.perfetto.dev.
func (r *Replay) WritePerfetto(w io.Writer) error {
	var evs []chromeEvent
	meta := func(tid int, name string) {
		evs = append(evs, chromeEvent{Name: "thread_name", Ph: "M", PID: 1, TID: tid,
			Args: map[string]any{"name": name}})
	}
	evs = append(evs, chromeEvent{Name: "process_name", Ph: "M", PID: 1, TID: 0,
		Args: map[string]any{"name": fmt.Sprintf("comanda: %s (seed %d, %s mode)", r.hdr.Scenario, r.hdr.Seed, r.hdr.Mode)}})
	meta(0, "controller")
	for i := 0; i < r.cfg.Workers(); i++ {
		meta(chromeTID(uint8(i)), r.cfg.WorkerName(i))
	}
	us := func(ns int64) float64 { return float64(ns) / 1000 }
	open := map[[2]int]bool{} // (tid, lock) → a hold slice is open
	queue := 0
	lastTS := 0.0
	for i := range r.events {
		e := &r.events[i]
		ts := us(e.Time)
		lastTS = max(lastTS, ts)
		tid := chromeTID(e.Worker)
		name := r.WorkerName(e.Worker)
		switch e.Kind {
		case trace.LockAcquired:
			evs = append(evs, chromeEvent{Name: fmt.Sprintf("holds lock %d", e.Lock+1), Cat: "lock", Ph: "B", TS: ts, PID: 1, TID: tid,
				Args: map[string]any{"waited_us": us(e.Arg)}})
			open[[2]int{tid, int(e.Lock)}] = true
		case trace.LockSkipped:
			label := fmt.Sprintf("unprotected (lock %d off)", e.Lock+1)
			if e.Arg == 0 {
				evs = append(evs, chromeEvent{Name: label, Cat: "lock", Ph: "B", TS: ts, PID: 1, TID: tid})
				open[[2]int{tid, int(e.Lock)}] = true
			} else if open[[2]int{tid, int(e.Lock)}] {
				evs = append(evs, chromeEvent{Name: label, Cat: "lock", Ph: "E", TS: ts, PID: 1, TID: tid})
				open[[2]int{tid, int(e.Lock)}] = false
			}
		case trace.LockReleased:
			if open[[2]int{tid, int(e.Lock)}] {
				evs = append(evs, chromeEvent{Name: fmt.Sprintf("holds lock %d", e.Lock+1), Cat: "lock", Ph: "E", TS: ts, PID: 1, TID: tid})
				open[[2]int{tid, int(e.Lock)}] = false
			}
		case trace.LockContended:
			evs = append(evs, chromeEvent{Name: fmt.Sprintf("waits for lock %d", e.Lock+1), Cat: "lock", Ph: "i", TS: ts, PID: 1, TID: tid, Scope: "t"})
		case trace.Slept:
			d := us(e.Arg)
			what := "thinks"
			if e.Arg2 == trace.SleepPrep {
				what = "cooks"
			} else if e.Arg2 == trace.SleepPace {
				what = "write pause"
			} else if e.Arg2 == trace.SleepRetry {
				what = "retry pause"
			}
			evs = append(evs, chromeEvent{Name: what, Cat: "sleep", Ph: "X", TS: ts, Dur: &d, PID: 1, TID: tid})
		case trace.OrderCreated, trace.OrderTaken, trace.OrderDone, trace.OrderCancelled, trace.OrderRequeued:
			switch e.Kind {
			case trace.OrderCreated, trace.OrderRequeued:
				queue++
			case trace.OrderTaken, trace.OrderCancelled:
				queue--
			}
			evs = append(evs, chromeEvent{Name: fmt.Sprintf("order %s %s", e.Order, e.Kind), Cat: "order", Ph: "i", TS: ts, PID: 1, TID: tid, Scope: "t"})
			evs = append(evs, chromeEvent{Name: "queue", Ph: "C", TS: ts, PID: 1, TID: 0, Args: map[string]any{"pending": queue}})
		case trace.InvariantBroken:
			evs = append(evs, chromeEvent{Name: "violation: " + sim.Invariant(e.Arg).String(), Cat: "violation", Ph: "i", TS: ts, PID: 1, TID: tid,
				Scope: "g", Args: map[string]any{"detail": string(e.Data), "step": e.Step}})
		case trace.WorkerStarted, trace.WorkerExited, trace.ShutdownPhase, trace.TimerFired, trace.FaultInjected, trace.LockOwnerDied:
			evs = append(evs, chromeEvent{Name: describeShort(r, e, name), Cat: "process", Ph: "i", TS: ts, PID: 1, TID: tid, Scope: "t"})
		}
	}
	// Close the slices of a run cut short.
	for k, isOpen := range open {
		if isOpen {
			evs = append(evs, chromeEvent{Name: fmt.Sprintf("holds lock %d", k[1]+1), Cat: "lock", Ph: "E", TS: lastTS, PID: 1, TID: k[0]})
		}
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"traceEvents": evs, "displayTimeUnit": "ms"}); err != nil {
		return err
	}
	return bw.Flush()
}

// describeShort names a process-level event for a timeline.
func describeShort(r *Replay, e *trace.Event, name string) string {
	switch e.Kind {
	case trace.WorkerStarted:
		return fmt.Sprintf("%s started (PID %d)", name, e.Arg)
	case trace.WorkerExited:
		return fmt.Sprintf("%s exited (%d)", name, e.Arg2)
	case trace.ShutdownPhase:
		return fmt.Sprintf("shutdown step %d", e.Arg)
	case trace.TimerFired:
		return "timer fired"
	case trace.FaultInjected:
		return "fault: kill " + r.WorkerName(uint8(e.Arg2))
	case trace.LockOwnerDied:
		return fmt.Sprintf("lock %d owner died", e.Lock+1)
	}
	return e.Kind.String()
}
