package replay

import (
	"fmt"
	"io"
	"reflect"

	"github.com/comanda/comanda/i18n"
)

// A Parting is where two runs part: the first event (in canonical form)
// that differs.
type Parting struct {
	Same  bool // the runs never part (and have the same length)
	Index int  // index of the first differing event in both traces
	Step  uint64
}

// Part compares two traces event by event, in canonical form (so PIDs,
// wall-clock times and run ids do not count), and returns where they part.
func Part(a, b *Replay) Parting {
	la, lb := a.Lines(true), b.Lines(true)
	n := min(len(la), len(lb))
	for i := 0; i < n; i++ {
		if !reflect.DeepEqual(la[i], lb[i]) {
			return Parting{Index: i, Step: min(la[i].Step, lb[i].Step)}
		}
	}
	if len(la) == len(lb) {
		return Parting{Same: true, Index: n}
	}
	step := uint64(0)
	if n > 0 {
		step = la[n-1].Step
	}
	return Parting{Index: n, Step: step}
}

// context is how many events around the parting the diff shows.
const context = 4

// WriteDiff tells, in plain words, where two runs part: how long they agree,
// the events just before, and each side's events after. nameA and nameB are
// what to call the two traces (their file names).
func WriteDiff(w io.Writer, l i18n.Lang, a, b *Replay, nameA, nameB string) error {
	if why := sameSetting(a, b); why != "" {
		fmt.Fprintln(w, i18n.T(l, "diff.setting", why))
	}
	p := Part(a, b)
	if p.Same {
		_, err := fmt.Fprintln(w, i18n.T(l, "diff.same", a.Len()))
		return err
	}
	steps := uint64(0)
	if p.Step > 0 {
		steps = p.Step - 1
	}
	fmt.Fprintln(w, i18n.T(l, "diff.agree", steps, p.Index))
	if p.Index > 0 {
		fmt.Fprintln(w, i18n.T(l, "diff.before"))
		for i := max(0, p.Index-context); i < p.Index; i++ {
			fmt.Fprintf(w, "  %s\n", a.line(l, i))
		}
	}
	fmt.Fprintln(w, i18n.T(l, "diff.part", p.Step))
	for _, side := range []struct {
		r    *Replay
		name string
	}{{a, nameA}, {b, nameB}} {
		fmt.Fprintln(w, i18n.T(l, "diff.side", side.name))
		for i := p.Index; i < min(side.r.Len(), p.Index+context); i++ {
			fmt.Fprintf(w, "  %s\n", side.r.line(l, i))
		}
		if p.Index >= side.r.Len() {
			fmt.Fprintf(w, "  %s\n", i18n.T(l, "diff.ends"))
		}
	}
	return nil
}

// line is event i as one line of text: its step and what it did.
func (r *Replay) line(l i18n.Lang, i int) string {
	return fmt.Sprintf("%6d  %s", r.events[i].Step, r.Describe(l, i))
}

// sameSetting says how two traces' settings differ ("" when they do not):
// scenario, seed, mode, configuration.
func sameSetting(a, b *Replay) string {
	ha, hb := a.hdr, b.hdr
	switch {
	case ha.Scenario != hb.Scenario:
		return fmt.Sprintf("scenario %q vs %q", ha.Scenario, hb.Scenario)
	case ha.Seed != hb.Seed:
		return fmt.Sprintf("seed %d vs %d", ha.Seed, hb.Seed)
	case ha.Mode != hb.Mode:
		return fmt.Sprintf("mode %s vs %s", ha.Mode, hb.Mode)
	case a.cfg.LockOn != b.cfg.LockOn:
		return fmt.Sprintf("lock %v vs %v", onOff(a.cfg.LockOn), onOff(b.cfg.LockOn))
	}
	return ""
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
