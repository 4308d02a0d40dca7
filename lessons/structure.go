package lessons

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// The panels a page can ask for beside its text, as the live and replay
// screens name them.
const (
	PanelOrders    = "orders"
	PanelProcesses = "processes"
	PanelLock      = "lock"
	PanelMemory    = "memory"
	PanelTimeline  = "timeline"
	PanelLog       = "log"
)

// Panels lists every panel name.
var Panels = []string{PanelOrders, PanelProcesses, PanelLock, PanelMemory, PanelTimeline, PanelLog}

// A Checkpoint is what a page waits for before the student may go on: an
// action (the student picks C2), or a state of the run the action leads to
// (step 6 reached, a lost update happened). Its words (the hint shown while
// waiting, the reaction when it is met, the reaction to another action) are
// in the lesson's text files, one per language.
type Checkpoint struct {
	// Do is what the page asks the student to do. A scripted student does
	// it, again and again, until the checkpoint is met.
	Do Action
	// Until is the state that meets the checkpoint, whatever the student
	// did to get there; nil means that doing Do meets it.
	Until *Cond
	// Refused says that the run refuses Do (a pick of a worker waiting for
	// the lock): the page is about why.
	Refused bool
	// Max is how many times a scripted student does Do at most.
	Max int

	pos Pos
}

// Cond is a state of a lesson's run. Every field given must hold; counts
// are "at least".
type Cond struct {
	Step      int    // the run has reached this step
	Violation string // a violation of this kind has happened
	Holder    string // this worker holds a lock; "none": nobody holds lock 1
	Waiting   string // this worker waits for a lock
	Created   int    // orders created, at least
	Taken     int    // orders taken by a kitchen, at least
	Completed int    // orders finished, at least
	Cancelled int    // orders cancelled, at least
	Lost      int    // orders lost, at least
	Ended     bool   // the run is over
	Restarted string // this worker was restarted after it died
	Lock      string // "on" or "off": how the lock is switched
}

// A Claim is a fact about a lesson's run that its text relies on ("at step
// 6 P2 writes over P1's order"). A test runs every lesson as a scripted
// student and checks every claim against the trace.
//
// An event claim gives Step and Event or Violation: some event of that kind
// (with that worker, order, lock and phase, when given) happened at that
// step. A state claim gives AfterStep and what the state after that step
// is: exact counts, the lock's holder and waiters, the orders in memory, a
// worker's lock acquisitions, the shutdown phase.
type Claim struct {
	Step      int    // event claim: the step of the event
	AfterStep int    // state claim: the step after which the state is taken
	Worker    string // the event's worker ("S": the controller); a state claim's worker for Acquired
	Event     string // the event's kind, as traces name it ("mem-write", "order-created", …)
	Order     string // the event's order ("10001")
	Lock      int    // the lock (1 or 2) of a lock event, or of Holder and Waiting; 0 means 1
	Phase     *int   // the shutdown phase of a "shutdown" event, or reached after the step
	Violation string // an event claim: a violation of this kind at Step

	Counts   map[string]int // exact counts: "created", "taken", "completed", "cancelled", "lost"
	Holder   string         // who holds the lock ("none": nobody)
	Waiting  []string       // who waits for the lock, in the order they came
	Memory   []string       // the orders the data region holds, in order ("10001")
	HasMem   bool           // Memory was given (it may be empty)
	Acquired *int           // how many times Worker took a lock

	pos Pos
}

// countKeys are the counts a claim or a condition can give.
var countKeys = []string{"created", "taken", "completed", "cancelled", "lost"}

// pageSpec is a page's language-neutral structure.
type pageSpec struct {
	panels     []string
	checkpoint *Checkpoint
	claims     []Claim
	pos        Pos
}

// lessonSpec is a lesson's language-neutral structure.
type lessonSpec struct {
	number   int
	slug     string
	scenario string
	pages    []pageSpec
	pos      Pos            // the [[lesson]] header
	at       map[string]Pos // where number, slug and scenario are written
}

var slugRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// decoder turns the tree of the structure file into specs, noting every
// problem at its place.
type decoder struct {
	file string
	e    *errs
}

func (d *decoder) errorf(pos Pos, format string, args ...any) {
	d.e.add(d.file, pos, format, args...)
}

// fields checks that t is a table with only the keys known, and returns it.
func (d *decoder) fields(t *value, what string, known ...string) bool {
	if t.kind != valTable {
		d.errorf(t.pos, "%s: expected a table, found %s", what, t.kind)
		return false
	}
	for _, k := range t.keys {
		if !slices.Contains(known, k) {
			d.errorf(t.fields[k].keyPos, "unknown key %q in %s%s; expected one of: %s", k, what, didYouMean(k, known), strings.Join(known, ", "))
		}
	}
	return true
}

func (d *decoder) str(t *value, key, what string) (string, bool) {
	v, ok := t.fields[key]
	if !ok {
		return "", false
	}
	if v.kind != valString {
		d.errorf(v.pos, "%s.%s: expected a string, found %s", what, key, v.kind)
		return "", false
	}
	return v.str, true
}

func (d *decoder) int(t *value, key, what string, lo, hi int) (int, bool) {
	v, ok := t.fields[key]
	if !ok {
		return 0, false
	}
	if v.kind != valInt {
		d.errorf(v.pos, "%s.%s: expected an integer, found %s", what, key, v.kind)
		return 0, false
	}
	if v.num < int64(lo) || v.num > int64(hi) {
		d.errorf(v.pos, "%s.%s: %d is out of range; expected %d to %d", what, key, v.num, lo, hi)
		return 0, false
	}
	return int(v.num), true
}

func (d *decoder) bool(t *value, key, what string) (bool, bool) {
	v, ok := t.fields[key]
	if !ok {
		return false, false
	}
	if v.kind != valBool {
		d.errorf(v.pos, "%s.%s: expected true or false, found %s", what, key, v.kind)
		return false, false
	}
	return v.bool, true
}

func (d *decoder) strs(t *value, key, what string) ([]string, bool) {
	v, ok := t.fields[key]
	if !ok {
		return nil, false
	}
	if v.kind != valArray {
		d.errorf(v.pos, "%s.%s: expected an array of strings, found %s", what, key, v.kind)
		return nil, false
	}
	out := []string{}
	for _, e := range v.elems {
		if e.kind != valString {
			d.errorf(e.pos, "%s.%s: expected strings, found %s", what, key, e.kind)
			return nil, false
		}
		out = append(out, e.str)
	}
	return out, true
}

// tables returns the tables of an array of tables (or of inline tables).
func (d *decoder) tables(t *value, key, what string) []*value {
	v, ok := t.fields[key]
	if !ok {
		return nil
	}
	if v.kind != valArray {
		d.errorf(v.pos, "%s.%s: expected an array of tables, found %s", what, key, v.kind)
		return nil
	}
	var out []*value
	for _, e := range v.elems {
		if e.kind != valTable {
			d.errorf(e.pos, "%s.%s: expected tables, found %s", what, key, e.kind)
			continue
		}
		out = append(out, e)
	}
	return out
}

// decodeStructure reads the lessons of the structure file's tree.
func (d *decoder) decodeStructure(root *value) []*lessonSpec {
	d.fields(root, "the structure file", "lesson")
	var out []*lessonSpec
	for li, lt := range d.tables(root, "lesson", "the structure file") {
		what := fmt.Sprintf("lesson[%d]", li+1)
		if !d.fields(lt, "[[lesson]]", "number", "slug", "scenario", "page") {
			continue
		}
		ls := &lessonSpec{pos: lt.pos, at: map[string]Pos{}}
		for _, k := range []string{"number", "slug", "scenario"} {
			if v, ok := lt.fields[k]; ok {
				ls.at[k] = v.pos
			} else {
				ls.at[k] = lt.pos
			}
		}
		var ok bool
		if ls.number, ok = d.int(lt, "number", what, 1, 99); !ok && lt.fields["number"] == nil {
			d.errorf(lt.pos, "%s: number is missing", what)
		}
		if ls.slug, ok = d.str(lt, "slug", what); !ok && lt.fields["slug"] == nil {
			d.errorf(lt.pos, "%s: slug is missing", what)
		} else if ok && !slugRE.MatchString(ls.slug) {
			d.errorf(lt.fields["slug"].pos, "%s.slug: %q: expected lower-case words joined by hyphens", what, ls.slug)
		}
		if ls.scenario, ok = d.str(lt, "scenario", what); !ok && lt.fields["scenario"] == nil {
			d.errorf(lt.pos, "%s: scenario is missing", what)
		}
		for pi, pt := range d.tables(lt, "page", what) {
			pwhat := fmt.Sprintf("%s.page[%d]", what, pi+1)
			ls.pages = append(ls.pages, d.decodePage(pt, pwhat))
		}
		if len(ls.pages) == 0 {
			d.errorf(lt.pos, "%s: a lesson needs at least one [[lesson.page]]", what)
		}
		out = append(out, ls)
	}
	if len(out) == 0 && root.kind == valTable {
		d.errorf(Pos{Line: 1, Col: 1}, "no [[lesson]] in the structure file")
	}
	return out
}

func (d *decoder) decodePage(pt *value, what string) pageSpec {
	ps := pageSpec{pos: pt.pos}
	if !d.fields(pt, "[[lesson.page]]", "panels", "checkpoint", "claims") {
		return ps
	}
	if panels, ok := d.strs(pt, "panels", what); ok {
		for i, p := range panels {
			if !slices.Contains(Panels, p) {
				d.errorf(pt.fields["panels"].elems[i].pos, "%s.panels: unknown panel %q%s; expected one of: %s", what, p, didYouMean(p, Panels), strings.Join(Panels, ", "))
			}
		}
		ps.panels = panels
	}
	if ct, ok := pt.fields["checkpoint"]; ok {
		ps.checkpoint = d.decodeCheckpoint(ct, what+".checkpoint")
	}
	for ci, ct := range d.tables(pt, "claims", what) {
		if c, ok := d.decodeClaim(ct, fmt.Sprintf("%s.claims[%d]", what, ci+1)); ok {
			ps.claims = append(ps.claims, c)
		}
	}
	return ps
}

func (d *decoder) decodeCheckpoint(ct *value, what string) *Checkpoint {
	if !d.fields(ct, what, "do", "worker", "until", "refused", "max") {
		return nil
	}
	cp := &Checkpoint{pos: ct.pos}
	kind, ok := d.str(ct, "do", what)
	switch {
	case !ok && ct.fields["do"] == nil:
		d.errorf(ct.pos, "%s: do is missing: the action the page asks for (%s)", what, strings.Join(actionKinds[:len(actionKinds)-1], ", "))
	case ok && (!slices.Contains(actionKinds, kind) || kind == ActNext):
		d.errorf(ct.fields["do"].pos, "%s.do: unknown action %q%s; expected one of: %s", what, kind, didYouMean(kind, actionKinds), strings.Join(actionKinds[:len(actionKinds)-1], ", "))
	}
	cp.Do.Kind = kind
	cp.Do.Worker, _ = d.str(ct, "worker", what)
	needsWorker := kind == ActPick || kind == ActKill
	switch {
	case needsWorker && cp.Do.Worker == "" && ct.fields["worker"] == nil:
		d.errorf(ct.pos, "%s: do = %q needs a worker (\"P1\", \"C2\", …)", what, kind)
	case !needsWorker && ct.fields["worker"] != nil && ok:
		d.errorf(ct.fields["worker"].keyPos, "%s.worker: do = %q takes no worker", what, kind)
	}
	cp.Refused, _ = d.bool(ct, "refused", what)
	if ut, ok := ct.fields["until"]; ok {
		cp.Until = d.decodeCond(ut, what+".until")
	}
	if cp.Refused && cp.Until != nil {
		d.errorf(ct.fields["refused"].keyPos, "%s: a refused action cannot lead to a state: give refused or until, not both", what)
	}
	cp.Max, ok = d.int(ct, "max", what, 1, 10000)
	if !ok {
		cp.Max = 1
		if cp.Until != nil {
			cp.Max = 200
		}
	}
	return cp
}

func (d *decoder) decodeCond(ut *value, what string) *Cond {
	if !d.fields(ut, what, "step", "violation", "holder", "waiting", "created", "taken", "completed", "cancelled", "lost", "ended", "restarted", "lock") {
		return nil
	}
	c := &Cond{}
	c.Step, _ = d.int(ut, "step", what, 1, 1<<30)
	if c.Violation, _ = d.str(ut, "violation", what); c.Violation != "" {
		d.checkViolation(ut.fields["violation"], what, c.Violation)
	}
	c.Holder, _ = d.str(ut, "holder", what)
	c.Waiting, _ = d.str(ut, "waiting", what)
	c.Created, _ = d.int(ut, "created", what, 1, 1<<30)
	c.Taken, _ = d.int(ut, "taken", what, 1, 1<<30)
	c.Completed, _ = d.int(ut, "completed", what, 1, 1<<30)
	c.Cancelled, _ = d.int(ut, "cancelled", what, 1, 1<<30)
	c.Lost, _ = d.int(ut, "lost", what, 1, 1<<30)
	c.Ended, _ = d.bool(ut, "ended", what)
	c.Restarted, _ = d.str(ut, "restarted", what)
	if c.Lock, _ = d.str(ut, "lock", what); c.Lock != "" && c.Lock != "on" && c.Lock != "off" {
		d.errorf(ut.fields["lock"].pos, "%s.lock: %q: expected \"on\" or \"off\"", what, c.Lock)
	}
	if len(ut.keys) == 0 {
		d.errorf(ut.pos, "%s: empty: say what state meets the checkpoint", what)
	}
	return c
}

func (d *decoder) checkViolation(v *value, what, name string) {
	if _, ok := sim.ParseInvariant(name); !ok {
		var names []string
		for _, i := range sim.Invariants() {
			names = append(names, i.String())
		}
		d.errorf(v.pos, "%s: unknown violation %q%s; expected one of: %s", what, name, didYouMean(name, names), strings.Join(names, ", "))
	}
}

func (d *decoder) decodeClaim(ct *value, what string) (Claim, bool) {
	if !d.fields(ct, what, "step", "after_step", "worker", "event", "order", "lock", "phase", "violation",
		"created", "taken", "completed", "cancelled", "lost", "holder", "waiting", "memory_orders", "acquired") {
		return Claim{}, false
	}
	c := Claim{pos: ct.pos, Counts: map[string]int{}}
	nerr := len(d.e.list)
	c.Step, _ = d.int(ct, "step", what, 1, 1<<30)
	c.AfterStep, _ = d.int(ct, "after_step", what, 1, 1<<30)
	c.Worker, _ = d.str(ct, "worker", what)
	c.Event, _ = d.str(ct, "event", what)
	c.Order, _ = d.str(ct, "order", what)
	c.Lock, _ = d.int(ct, "lock", what, 1, 2)
	if p, ok := d.int(ct, "phase", what, 0, 9); ok {
		c.Phase = &p
	}
	c.Violation, _ = d.str(ct, "violation", what)
	for _, k := range countKeys {
		if n, ok := d.int(ct, k, what, 0, 1<<30); ok {
			c.Counts[k] = n
		}
	}
	c.Holder, _ = d.str(ct, "holder", what)
	c.Waiting, _ = d.strs(ct, "waiting", what)
	c.Memory, c.HasMem = d.strs(ct, "memory_orders", what)
	if n, ok := d.int(ct, "acquired", what, 0, 1<<30); ok {
		c.Acquired = &n
	}
	if len(d.e.list) > nerr {
		return c, false
	}
	has := func(k string) bool { _, ok := ct.fields[k]; return ok }
	switch {
	case has("step") == has("after_step"):
		d.errorf(ct.pos, "%s: give step (an event at that step) or after_step (the state after it), one of them", what)
		return c, false
	case has("step"):
		for _, k := range append(append([]string{}, countKeys...), "holder", "waiting", "memory_orders", "acquired") {
			if has(k) {
				d.errorf(ct.fields[k].keyPos, "%s.%s: a state claim: use after_step, not step", what, k)
				return c, false
			}
		}
		if has("event") == has("violation") {
			d.errorf(ct.pos, "%s: an event claim gives event or violation, one of them", what)
			return c, false
		}
		if c.Event != "" {
			if _, ok := trace.ParseKind(c.Event); !ok || c.Event == "violation" {
				d.errorf(ct.fields["event"].pos, "%s.event: unknown event %q%s; expected an event kind of the trace (%s)", what, c.Event, didYouMean(c.Event, eventNames()), strings.Join(eventNames(), ", "))
				return c, false
			}
		}
		if c.Violation != "" {
			d.checkViolation(ct.fields["violation"], what+".violation", c.Violation)
		}
	default:
		for _, k := range []string{"event", "order", "violation"} {
			if has(k) {
				d.errorf(ct.fields[k].keyPos, "%s.%s: an event claim: use step, not after_step", what, k)
				return c, false
			}
		}
		state := has("phase") || has("holder") || has("waiting") || has("memory_orders") || has("acquired") || len(c.Counts) > 0
		if !state {
			d.errorf(ct.pos, "%s: a state claim says something about the state: counts, holder, waiting, memory_orders, acquired or phase", what)
			return c, false
		}
		if has("acquired") && c.Worker == "" {
			d.errorf(ct.fields["acquired"].keyPos, "%s.acquired: whose? give worker too", what)
			return c, false
		}
	}
	return c, true
}

// eventNames lists the trace's event kinds a claim can name.
func eventNames() []string {
	var names []string
	for k := trace.KindInvalid + 1; k.Valid(); k++ {
		if k != trace.InvariantBroken {
			names = append(names, k.String())
		}
	}
	return names
}
