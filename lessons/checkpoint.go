package lessons

import (
	"fmt"
	"strings"

	"github.com/comanda/comanda/replay"
)

// Holds reports whether the run's state st, with the violations so far,
// is the state c describes. A nil state holds nothing.
func (c *Cond) Holds(st *replay.State, violations []replay.Violation) bool {
	if c == nil || st == nil {
		return false
	}
	if int(st.Step) < c.Step {
		return false
	}
	if c.Violation != "" && !hasViolation(violations, c.Violation) {
		return false
	}
	if c.Holder != "" && !holds(st, c.Holder) {
		return false
	}
	if c.Waiting != "" {
		w := workerOf(st, c.Waiting)
		if w == nil || w.WaitsFor < 0 {
			return false
		}
	}
	k := st.Counts
	if k.Created < c.Created || k.Taken < c.Taken || k.Completed < c.Completed || k.Cancelled < c.Cancelled || k.Lost < c.Lost {
		return false
	}
	if c.Ended && !st.Ended {
		return false
	}
	if c.Restarted != "" {
		w := workerOf(st, c.Restarted)
		if w == nil || w.Incarnation < 1 || w.Activity == replay.ActExited {
			return false
		}
	}
	if c.Lock != "" && st.LockOn != (c.Lock == "on") {
		return false
	}
	return true
}

// String describes the condition as the structure file writes it.
func (c *Cond) String() string {
	if c == nil {
		return ""
	}
	var parts []string
	add := func(k string, v any) { parts = append(parts, fmt.Sprintf("%s = %v", k, v)) }
	addS := func(k, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("%s = %q", k, v))
		}
	}
	if c.Step > 0 {
		add("step", c.Step)
	}
	addS("violation", c.Violation)
	addS("holder", c.Holder)
	addS("waiting", c.Waiting)
	for _, kv := range []struct {
		k string
		n int
	}{{"created", c.Created}, {"taken", c.Taken}, {"completed", c.Completed}, {"cancelled", c.Cancelled}, {"lost", c.Lost}} {
		if kv.n > 0 {
			add(kv.k, kv.n)
		}
	}
	if c.Ended {
		add("ended", true)
	}
	addS("restarted", c.Restarted)
	addS("lock", c.Lock)
	return "{" + strings.Join(parts, ", ") + "}"
}

// Met reports whether the checkpoint is met once the student did a and the
// run is in state st: Until holds (whatever the student did), or, without
// Until, a is the action asked for.
func (cp *Checkpoint) Met(a Action, st *replay.State, violations []replay.Violation) bool {
	if cp.Until != nil {
		return cp.Until.Holds(st, violations)
	}
	return a.matches(cp.Do)
}

// hasViolation reports whether a violation of kind happened.
func hasViolation(vs []replay.Violation, kind string) bool {
	for _, v := range vs {
		if v.Kind == kind {
			return true
		}
	}
	return false
}

// workerOf returns the worker called name in st, or nil.
func workerOf(st *replay.State, name string) *replay.Worker {
	for i := range st.Workers {
		if strings.EqualFold(st.Workers[i].Name, name) {
			return &st.Workers[i]
		}
	}
	return nil
}

// holds reports whether name holds a lock in st; "none" asks whether
// nobody holds lock 1.
func holds(st *replay.State, name string) bool {
	if name == "none" {
		for _, w := range st.Workers {
			if w.Holds[0] {
				return false
			}
		}
		return true
	}
	w := workerOf(st, name)
	if w == nil {
		return false
	}
	for _, h := range w.Holds {
		if h {
			return true
		}
	}
	return false
}
