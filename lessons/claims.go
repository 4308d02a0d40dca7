package lessons

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// String returns the claim as the structure file writes it.
func (c Claim) String() string {
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
	if c.AfterStep > 0 {
		add("after_step", c.AfterStep)
	}
	addS("worker", c.Worker)
	addS("event", c.Event)
	addS("order", c.Order)
	addS("violation", c.Violation)
	if c.Lock > 0 {
		add("lock", c.Lock)
	}
	if c.Phase != nil {
		add("phase", *c.Phase)
	}
	for _, k := range countKeys {
		if n, ok := c.Counts[k]; ok {
			add(k, n)
		}
	}
	addS("holder", c.Holder)
	if c.Waiting != nil {
		add("waiting", quoteAll(c.Waiting))
	}
	if c.HasMem {
		add("memory_orders", quoteAll(c.Memory))
	}
	if c.Acquired != nil {
		add("acquired", *c.Acquired)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Check checks the claim against a trace of the lesson's run, and says
// what the trace shows instead when it does not hold.
func (c Claim) Check(r *replay.Replay) error {
	if c.Step > 0 {
		return c.checkEvent(r)
	}
	if c.AfterStep > 0 {
		return c.checkState(r)
	}
	return fmt.Errorf("claim %s: neither step nor after_step", c)
}

// checkEvent looks for the claimed event among those of step c.Step.
func (c Claim) checkEvent(r *replay.Replay) error {
	if uint64(c.Step) > r.Steps() {
		return fmt.Errorf("claim %s: the run has only %d steps", c, r.Steps())
	}
	from, to := r.StepEnd(uint64(c.Step-1)), r.StepEnd(uint64(c.Step))
	var seen []string
	for i := from; i < to; i++ {
		e := r.Event(i)
		if e.Step != uint64(c.Step) || e.Kind == trace.StepGranted {
			continue
		}
		seen = append(seen, r.Describe(i18n.EN, i))
		if c.matches(r, e) {
			return nil
		}
	}
	if len(seen) == 0 {
		seen = append(seen, "nothing")
	}
	return fmt.Errorf("claim %s does not hold; at step %d: %s", c, c.Step, strings.Join(seen, "; "))
}

// matches reports whether event e is the one claimed.
func (c Claim) matches(r *replay.Replay, e *trace.Event) bool {
	if c.Violation != "" {
		if e.Kind != trace.InvariantBroken || sim.Invariant(e.Arg).String() != c.Violation {
			return false
		}
	} else if e.Kind.String() != c.Event {
		return false
	}
	if c.Worker != "" && !strings.EqualFold(r.WorkerName(e.Worker), c.Worker) {
		return false
	}
	if c.Order != "" && e.Order.String() != c.Order {
		return false
	}
	if c.Lock > 0 && int(e.Lock)+1 != c.Lock {
		return false
	}
	if c.Phase != nil && (e.Kind != trace.ShutdownPhase || e.Arg != int64(*c.Phase)) {
		return false
	}
	return true
}

// checkState compares the state after step c.AfterStep (see stepEnd)
// with the claim.
func (c Claim) checkState(r *replay.Replay) error {
	if uint64(c.AfterStep) > r.Steps() {
		return fmt.Errorf("claim %s: the run has only %d steps", c, r.Steps())
	}
	st := r.At(stepEnd(r, uint64(c.AfterStep)))
	var bad []string
	k := st.Counts
	got := map[string]int{"created": k.Created, "taken": k.Taken, "completed": k.Completed, "cancelled": k.Cancelled, "lost": k.Lost}
	for _, key := range countKeys {
		if want, ok := c.Counts[key]; ok && got[key] != want {
			bad = append(bad, fmt.Sprintf("%s is %d", key, got[key]))
		}
	}
	lock := max(c.Lock, 1) - 1
	if c.Holder != "" {
		if h := holderOf(st, lock); h != c.Holder {
			bad = append(bad, fmt.Sprintf("lock %d is held by %s", lock+1, h))
		}
	}
	if c.Waiting != nil {
		var w []string
		if lock < len(st.Locks) {
			for _, slot := range st.Locks[lock].Waiters {
				w = append(w, st.Workers[slot].Name)
			}
		}
		if !slices.Equal(w, c.Waiting) {
			bad = append(bad, fmt.Sprintf("waiting for lock %d: %s", lock+1, quoteAll(w)))
		}
	}
	if c.HasMem {
		ids := []string{}
		b, err := st.Board()
		if err != nil {
			bad = append(bad, fmt.Sprintf("memory does not decode (%v)", err))
		} else {
			for _, o := range b.Orders {
				ids = append(ids, strconv.FormatInt(o.ID, 10))
			}
			if !slices.Equal(ids, c.Memory) {
				bad = append(bad, fmt.Sprintf("memory holds %s", quoteAll(ids)))
			}
		}
	}
	if c.Acquired != nil {
		w := workerOf(st, c.Worker)
		switch {
		case w == nil:
			bad = append(bad, fmt.Sprintf("there is no worker %s", c.Worker))
		case w.Acquired != *c.Acquired:
			bad = append(bad, fmt.Sprintf("%s took a lock %d time(s)", w.Name, w.Acquired))
		}
	}
	if c.Phase != nil && st.Phase != *c.Phase {
		bad = append(bad, fmt.Sprintf("the phase is %d", st.Phase))
	}
	if len(bad) > 0 {
		return fmt.Errorf("claim %s does not hold; after step %d: %s", c, c.AfterStep, strings.Join(bad, ", "))
	}
	return nil
}

// stepEnd returns how many events make up the run up to the end of step
// n itself: its grant, what the worker it was granted to did, and the
// violations the checks found after it. What happens between two steps
// (a kill from the keyboard, the end of the run) comes after: "after step
// 16, P2 holds the lock" stays true if P2 is killed before step 17.
func stepEnd(r *replay.Replay, n uint64) int {
	end := r.StepEnd(n)
	from := r.StepEnd(n - 1)
	for i := from; i < end; i++ {
		e := r.Event(i)
		if e.Kind != trace.StepGranted || e.Step != n {
			continue
		}
		j := i + 1
		for j < end {
			x := r.Event(j)
			if x.Step != n || x.Worker != e.Worker && x.Kind != trace.InvariantBroken {
				break
			}
			j++
		}
		return j
	}
	return end
}

// holderOf names who holds lock i in st: a worker, several ("P1+P2": a
// lock each of them thinks is the lock), or "none".
func holderOf(st *replay.State, i int) string {
	var who []string
	for _, w := range st.Workers {
		if i < len(w.Holds) && w.Holds[i] {
			who = append(who, w.Name)
		}
	}
	if len(who) == 0 {
		return "none"
	}
	return strings.Join(who, "+")
}
