package replay

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// Line is one event as the JSON Lines export writes it. In the canonical
// form the fields that differ between two runs of the same stepped scenario
// and seed are left out: PIDs (a holder or a dead owner is named instead),
// wall-clock times (free mode), run ids, the summary's timings.
type Line struct {
	Seq    uint64 `json:"seq"`
	Step   uint64 `json:"step"`
	Time   *int64 `json:"time_ns,omitempty"`
	Kind   string `json:"kind"`
	Worker string `json:"worker"`
	Lock   *int   `json:"lock,omitempty"`
	Order  string `json:"order,omitempty"`
	Arg    *int64 `json:"arg,omitempty"`
	Arg2   *int64 `json:"arg2,omitempty"`
	PID    *int64 `json:"pid,omitempty"`
	Holder string `json:"holder,omitempty"` // lock-contended: who holds the lock
	Delta  string `json:"delta,omitempty"`  // mem-write: the delta, hex
	Text   string `json:"text,omitempty"`   // violations, failed reads, faults
	Data   any    `json:"data,omitempty"`   // run-ended: the summary
}

// HeaderLine is the first line of a JSON Lines export.
type HeaderLine struct {
	Format   string          `json:"format"` // "comanda-jsonl"
	Scenario string          `json:"scenario"`
	Seed     uint64          `json:"seed"`
	Mode     string          `json:"mode"`
	Config   json.RawMessage `json:"config"`
	Binary   string          `json:"binary,omitempty"`
	RunID    string          `json:"run_id,omitempty"`
	Driver   string          `json:"driver,omitempty"`
	Started  string          `json:"started,omitempty"`
	Events   int             `json:"events"`
	Cut      bool            `json:"cut_short,omitempty"`
}

// Lines turns the trace's events into export lines.
func (r *Replay) Lines(canonical bool) []Line {
	pids := map[int64]string{} // PID → worker name, as workers start
	stepped := r.cfg.Mode == sim.ModeStepped
	out := make([]Line, 0, len(r.events))
	for i := range r.events {
		e := &r.events[i]
		l := Line{Seq: e.Seq, Step: e.Step, Kind: e.Kind.String(), Worker: r.WorkerName(e.Worker)}
		if e.Order != 0 {
			l.Order = e.Order.String()
		}
		if !canonical || stepped {
			t := e.Time
			l.Time = &t
		}
		arg, arg2 := e.Arg, e.Arg2
		setArgs := func() {
			if arg != 0 {
				l.Arg = &arg
			}
			if arg2 != 0 {
				l.Arg2 = &arg2
			}
		}
		switch e.Kind {
		case trace.LockAttempted, trace.LockAcquired, trace.LockContended, trace.LockReleased,
			trace.LockSkipped, trace.LockOwnerDied:
			lock := int(e.Lock)
			l.Lock = &lock
		}
		switch e.Kind {
		case trace.RunStarted, trace.WorkerStarted, trace.WorkerExited:
			pids[e.Arg] = r.WorkerName(e.Worker)
			if !canonical {
				l.PID = &arg
			}
			arg = 0
			setArgs()
		case trace.LockContended:
			l.Holder = pids[e.Arg]
			if !canonical {
				l.PID = &arg
			}
		case trace.LockOwnerDied:
			l.Holder = r.WorkerName(uint8(e.Arg2))
			if !canonical {
				l.PID = &arg
			}
		case trace.MemWritten:
			l.Delta = hex.EncodeToString(e.Data)
			setArgs()
		case trace.InvariantBroken:
			l.Text = string(e.Data)
			l.Kind = "violation:" + sim.Invariant(e.Arg).String()
			arg = 0
			setArgs()
		case trace.ReadFailed, trace.FaultInjected:
			l.Text = string(e.Data)
			setArgs()
		case trace.RunEnded:
			if !canonical {
				var v any
				if json.Unmarshal(e.Data, &v) == nil {
					l.Data = v
				}
			}
		default:
			setArgs()
		}
		out = append(out, l)
	}
	return out
}

// Header returns the first line of the JSON Lines export.
func (r *Replay) HeaderLine(canonical bool) HeaderLine {
	h := HeaderLine{Format: "comanda-jsonl", Scenario: r.hdr.Scenario, Seed: r.hdr.Seed, Mode: r.hdr.Mode,
		Config: r.hdr.Config, Events: len(r.events), Cut: r.truncated}
	if !canonical {
		h.Binary, h.RunID, h.Driver = r.hdr.Binary, r.hdr.RunID, r.hdr.Driver
		h.Started = r.hdr.Started.Format("2006-01-02T15:04:05.000000Z07:00")
	}
	return h
}

// WriteJSONL writes the trace as JSON Lines: a header line, then one line
// per event. With canonical, two stepped runs of one scenario and seed give
// identical files, whatever their driver.
func (r *Replay) WriteJSONL(w io.Writer, canonical bool) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.HeaderLine(canonical)); err != nil {
		return err
	}
	for _, l := range r.Lines(canonical) {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return bw.Flush()
}
