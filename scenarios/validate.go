package scenarios

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the values of a scenario.
const (
	maxNameLen        = 60 // characters
	maxDescriptionLen = 400
	maxWorkers        = 16
	maxWindow         = 100   // capacity with the seed and shadow protocols
	maxRingSlots      = 65536 // capacity with the ring protocol
	maxMaxSteps       = 10_000_000
	maxMenuItems      = 32
	maxItemBytes      = 48 // a slot of the shared segment
	maxTables         = 999
	maxFaults         = 32
	maxFaultCount     = 1000

	maxDuration     = 24 * time.Hour
	maxWritePace    = 10 * time.Second
	maxGrace        = 60 * time.Second
	maxDrainTimeout = 10 * time.Minute
	maxThink        = time.Hour
	maxFaultAfter   = 24 * time.Hour
	minRunFor       = time.Second
	maxRunFor       = 10 * time.Minute
)

// Validate checks every value of the scenario and the rules between keys.
// Parse calls it; call it again after changing fields, for example from
// command-line flags. A problem with a value that is still the one read
// from the file is reported at its place in the file; a problem with a
// value changed since has no position, and its message names the key the
// way a flag would ("--producers").
func (s *Scenario) Validate() ErrorList {
	v := &validator{s: s, fi: s.file, cur: s.values()}
	if v.fi == nil {
		v.fi = &fileInfo{}
	}
	v.name()
	v.description()
	v.durationIn("duration", s.Duration, 0, maxDuration)
	v.protocol()
	v.enum("lock_scope", s.LockScope, "a lock scope", lockScopes)
	v.durationIn("write_pace", s.WritePace, 0, maxWritePace)
	v.locks()
	v.stepped()
	v.schedule()
	v.enum("driver", s.Driver, "a driver", drivers)
	v.durationIn("grace", s.Grace, 0, maxGrace)
	v.durationIn("drain_timeout", s.DrainTimeout, 0, maxDrainTimeout)
	v.group("producers", "think", s.Producers)
	v.group("consumers", "prep", s.Consumers)
	v.menu()
	v.faults()
	v.expect()
	v.errs.Sort()
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs
}

// validator collects the problems of one scenario.
type validator struct {
	s    *Scenario
	fi   *fileInfo
	cur  map[string]any // the values now, by display path
	errs ErrorList
}

// changed reports whether the value at key differs from the one Parse (or
// Default) left.
func (v *validator) changed(key string) bool {
	return !reflect.DeepEqual(v.fi.value[key], v.cur[key])
}

// given reports whether key was set, in the file or since.
func (v *validator) given(key string) bool {
	return v.s.Given[key] || v.changed(key)
}

// inFile reports whether the value at key is the one written in the file.
// An element of a list ("menu.items[2]") is in the file when its list is.
func (v *validator) inFile(key string) bool {
	given := v.s.Given[key]
	if i := strings.LastIndexByte(key, '['); i > 0 && strings.HasSuffix(key, "]") && !given {
		given = v.s.Given[key[:i]]
	}
	return given && !v.changed(key)
}

// label names key in a message: as in the file, or as a flag when a
// caller changed the value (a group's count is its own flag: --producers).
// Faults and expectations keep their own names.
func (v *validator) label(key string) string {
	if !v.changed(key) || strings.Contains(key, "[") || strings.HasPrefix(key, "expect.") {
		return key
	}
	return "--" + strings.NewReplacer(".", "-", "_", "-").Replace(strings.TrimSuffix(key, ".count"))
}

// add records a problem about key. The message is complete: it names the
// key itself. A key whose value could not be read was reported already.
func (v *validator) add(key, msg string) {
	if v.fi.bad[key] {
		return
	}
	e := &Error{Key: key, Msg: msg}
	if v.inFile(key) {
		pos := v.fi.pos[key]
		e.File, e.Line, e.Col = v.s.File, pos.Line, pos.Col
	}
	v.errs = append(v.errs, e)
}

// addAt records a problem at a place of the file; with the zero Position,
// a problem of no place.
func (v *validator) addAt(pos Position, key, msg string) {
	e := &Error{Line: pos.Line, Col: pos.Col, Key: key, Msg: msg}
	if pos.Line > 0 {
		e.File = v.s.File
	}
	v.errs = append(v.errs, e)
}

// bad records a problem with the value of key: "key: msg".
func (v *validator) bad(key, format string, args ...any) {
	v.add(key, v.label(key)+": "+fmt.Sprintf(format, args...))
}

// unreadable reports whether any of keys had a value that could not be
// read; rules that involve them are then skipped.
func (v *validator) unreadable(keys ...string) bool {
	for _, k := range keys {
		if v.fi.bad[k] {
			return true
		}
	}
	return false
}

// shown quotes a duration or range: as written when it is from the file.
func (v *validator) shown(key, formatted string) string {
	if text, ok := v.fi.text[key]; ok && v.inFile(key) {
		return quote(text)
	}
	return quote(formatted)
}

// intIn checks that n is in lo–hi; extra follows the range in the message.
func (v *validator) intIn(key string, n, lo, hi int, extra string) {
	if n < lo || n > hi {
		v.bad(key, "%d is out of range; expected %d–%d%s", n, lo, hi, extra)
	}
}

// atLeast checks that n is lo or more.
func (v *validator) atLeast(key string, n, lo int) {
	if n < lo {
		v.bad(key, "%d is out of range; expected %d or more", n, lo)
	}
}

// durationIn checks that d is in lo–hi.
func (v *validator) durationIn(key string, d, lo, hi time.Duration) {
	if d < lo || d > hi {
		v.bad(key, "%s is out of range; expected %s–%s", v.shown(key, formatDuration(d)), formatDuration(lo), formatDuration(hi))
	}
}

// enum checks that value is one of choices; noun is what a valid value is
// called, like "a protocol".
func (v *validator) enum(key, value, noun string, choices []string) bool {
	if contains(choices, value) {
		return true
	}
	v.bad(key, "%s is not %s%s; expected one of: %s", quote(value), noun,
		didYouMean(Suggest(value, choices)), strings.Join(choices, ", "))
	return false
}

// name checks that the scenario has a name of 1 to 60 characters.
func (v *validator) name() {
	s := v.s
	n := utf8.RuneCountInString(s.Name)
	switch {
	case v.unreadable("name"):
	case n == 0 && !v.given("name"):
		v.errs = append(v.errs, &Error{File: s.File, Key: "name",
			Msg: `name: missing; every scenario needs a name, like name = "Lost update"`})
	case n == 0:
		v.bad("name", "is empty; expected 1–%d characters", maxNameLen)
	case n > maxNameLen:
		v.bad("name", "is %d characters long; expected 1–%d characters", n, maxNameLen)
	}
}

// description checks the length of both texts.
func (v *validator) description() {
	texts := []struct{ key, text string }{
		{"description.en", v.s.Description.EN},
		{"description.pt-BR", v.s.Description.PTBR},
	}
	for _, t := range texts {
		if n := utf8.RuneCountInString(t.text); n > maxDescriptionLen {
			v.bad(t.key, "is %d characters long; expected at most %d characters", n, maxDescriptionLen)
		}
	}
}

// protocol checks the protocol and the capacity, whose range depends on it.
func (v *validator) protocol() {
	s := v.s
	if !v.enum("protocol", s.Protocol, "a protocol", protocols) {
		v.intIn("capacity", s.Capacity, 1, maxRingSlots, "")
		return
	}
	hi := maxWindow
	if s.Protocol == "ring" {
		hi = maxRingSlots
	}
	v.intIn("capacity", s.Capacity, 1, hi, fmt.Sprintf(" with protocol = %q", s.Protocol))
}

// locks checks locks and lock_order, and that "opposite" has two locks.
func (v *validator) locks() {
	s := v.s
	okLocks := v.enum("locks", s.Locks, "a number of locks", lockCounts)
	okOrder := v.enum("lock_order", s.LockOrder, "a lock order", lockOrders)
	if okLocks && okOrder && s.LockOrder == "opposite" && s.Locks == "one" && !v.unreadable("locks") {
		v.add("lock_order", v.label("lock_order")+`: "opposite" only matters with two locks; add locks = "two"`)
	}
}

// stepped checks mode, and the keys that only stepped mode uses.
func (v *validator) stepped() {
	s := v.s
	okMode := v.enum("mode", s.Mode, "a mode", modes)
	v.enum("policy", s.Policy, "a policy", policies)
	if !okMode || v.unreadable("mode") {
		return
	}
	if s.Mode == "free" {
		if v.given("policy") && !v.unreadable("policy") {
			v.add("policy", v.label("policy")+` is only used in stepped mode; add mode = "stepped"`)
		}
		if v.given("max_steps") && !v.unreadable("max_steps") {
			v.add("max_steps", v.label("max_steps")+` is only used in stepped mode; add mode = "stepped"`)
		}
		return
	}
	if v.given("max_steps") {
		v.intIn("max_steps", s.MaxSteps, 1, maxMaxSteps, "")
	}
}

// schedule checks that a schedule is given exactly when policy = "script",
// and that it names workers of the scenario.
func (v *validator) schedule() {
	s := v.s
	switch {
	case v.unreadable("policy", "schedule") && len(s.Schedule) == 0:
		return
	case s.Policy == "script" && len(s.Schedule) == 0:
		const needs = `policy = "script" needs a schedule, like schedule = "P1 P2 C1"`
		switch {
		case s.Given["schedule"]:
			v.bad("schedule", "is empty; "+needs)
		case v.inFile("policy"):
			v.addAt(v.fi.pos["policy"], "schedule", "schedule: missing; "+needs)
		default:
			v.add("schedule", "schedule: missing; "+needs)
		}
		return
	case s.Policy != "script" && (s.Given["schedule"] || len(s.Schedule) > 0) && !v.unreadable("policy"):
		v.add("schedule", v.label("schedule")+` is only used with policy = "script"; add policy = "script"`)
		return
	}
	if !v.countsValid() {
		return
	}
	workers := s.Workers()
	if v.inFile("schedule") {
		for _, t := range v.fi.tokens {
			if t.problem == "" && !contains(workers, t.name) {
				v.addAt(t.pos, "schedule", fmt.Sprintf("schedule: %s %s", t.where(), v.notWorker(t.name)))
			}
		}
		return
	}
	for i, name := range s.Schedule {
		if !contains(workers, name) {
			v.bad("schedule", "%q (step %d of the schedule) %s", name, i+1, v.notWorker(name))
		}
	}
}

// countsValid reports whether the numbers of producers and consumers are
// in range, so that worker names can be checked.
func (v *validator) countsValid() bool {
	p, c := v.s.Producers.Count, v.s.Consumers.Count
	return p >= 1 && p <= maxWorkers && c >= 1 && c <= maxWorkers
}

// notWorker explains that name is not a worker of the scenario.
func (v *validator) notWorker(name string) string {
	msg := "is not a worker" + didYouMean(suggestCase(name, v.s.Workers()))
	if strings.Contains(name, ",") {
		msg += "; separate the names with spaces, not commas"
	}
	return msg + "; this scenario has " + v.workerRanges()
}

// workerRanges describes the workers: "P1–P2 and C1–C3".
func (v *validator) workerRanges() string {
	span := func(prefix string, n int) string {
		if n == 1 {
			return prefix + "1"
		}
		return fmt.Sprintf("%s1–%s%d", prefix, prefix, n)
	}
	return span("P", v.s.Producers.Count) + " and " + span("C", v.s.Consumers.Count)
}

// group checks [producers] or [consumers]; timeKey is "think" or "prep".
func (v *validator) group(table, timeKey string, g Group) {
	v.intIn(table+".count", g.Count, 1, maxWorkers, "")
	key := table + "." + timeKey
	r := g.Think
	switch {
	case r.Min < 0 || r.Max < 0 || r.Min > maxThink || r.Max > maxThink:
		v.bad(key, "%s is out of range; expected durations from 0s to %s", v.shown(key, r.String()), formatDuration(maxThink))
	case r.Min > r.Max:
		v.bad(key, `%s: the range is backwards; expected "A..B" with A ≤ B`, v.shown(key, r.String()))
	}
}

// menu checks the items, which must fit the slots of the segment, and
// the number of tables.
func (v *validator) menu() {
	items := v.s.Menu.Items
	switch {
	case len(items) == 0 && !v.unreadable("menu.items"):
		v.bad("menu.items", "the menu is empty; expected 1–%d items", maxMenuItems)
	case len(items) > maxMenuItems:
		v.bad("menu.items", "%d items is too many; expected 1–%d items", len(items), maxMenuItems)
	}
	seen := map[string]int{}
	for i, item := range items {
		key := fmt.Sprintf("menu.items[%d]", i+1)
		switch {
		case item == "":
			v.bad(key, "is empty; expected 1–%d bytes", maxItemBytes)
		case len(item) > maxItemBytes:
			v.bad(key, "%s is %d bytes long; expected 1–%d bytes (accented letters take 2)", quote(item), len(item), maxItemBytes)
		case strings.IndexFunc(item, unicode.IsControl) >= 0 || !utf8.ValidString(item):
			v.bad(key, "%s contains a control character (like a tab or a new line); remove it", quote(item))
		}
		if first, dup := seen[item]; dup {
			v.bad(key, "%s is already item %d of the menu; each item must be different", quote(item), first)
		} else {
			seen[item] = i + 1
		}
	}
	v.intIn("menu.tables", v.s.Menu.Tables, 1, maxTables, "")
}

// faults checks every fault and how many there are.
func (v *validator) faults() {
	faults := v.s.Faults
	for i, f := range faults {
		if i == maxFaults {
			v.addAt(f.Pos, "faults", fmt.Sprintf("faults: %d faults is too many; expected at most %d", len(faults), maxFaults))
		}
		v.fault(fmt.Sprintf("faults[%d]", i+1), f)
	}
}

// fault checks one fault; path is "faults[i]".
func (v *validator) fault(path string, f Fault) {
	kill, when, after := path+".kill", path+".when", path+".after"
	switch {
	case v.unreadable(kill):
	case f.Kill == "":
		v.addAt(f.Pos, kill, kill+`: missing; say which worker to kill, like kill = "C1"`)
	case v.countsValid() && !contains(v.s.Workers(), f.Kill):
		v.bad(kill, "%s %s", quote(f.Kill), v.notWorker(f.Kill))
	}
	switch {
	case v.unreadable(when):
	case f.When == "":
		v.addAt(f.Pos, when, when+`: missing; expected when = "holding-lock" or when = "after"`)
	case !v.enum(when, f.When, "a moment to kill", faultTimings):
	case f.When == "after" && !v.given(after) && !v.unreadable(after):
		v.addAt(v.fi.pos[when], after, after+`: missing; when = "after" needs after = "2s" (the time since the start)`)
	case f.When == "holding-lock" && (v.s.Given[after] || f.After != 0) && !v.unreadable(after):
		v.add(after, after+` is only used with when = "after"; remove it or use when = "after"`)
	}
	v.durationIn(after, f.After, 0, maxFaultAfter)
	v.intIn(path+".count", f.Count, 1, maxFaultCount, "")
}

// expect checks the expectations and that they do not contradict each
// other.
func (v *validator) expect() {
	e := v.s.Expect
	if e == nil {
		return
	}
	for i, name := range e.Violations {
		v.enum(fmt.Sprintf("expect.violations[%d]", i+1), name, "a violation", violationNames)
	}
	if e.Clean != nil && *e.Clean && len(e.Violations) > 0 {
		v.add("expect.clean", fmt.Sprintf(
			"expect.clean: clean = true means no violation at all, but violations lists %s; keep only one of them",
			quote(e.Violations[0])))
	}
	if e.Deadlock != nil && *e.Deadlock && e.Clean != nil && *e.Clean {
		v.add("expect.deadlock", "expect.deadlock: deadlock = true contradicts clean = true; keep only one of them")
	}
	if e.Deadlock != nil && !*e.Deadlock && contains(e.Violations, "deadlock") {
		v.add("expect.deadlock", `expect.deadlock: deadlock = false contradicts violations, which lists "deadlock"`)
	}
	counts := []struct {
		key string
		n   *int
	}{
		{"expect.lost", e.Lost},
		{"expect.duplicated", e.Duplicated},
		{"expect.completed_at_least", e.CompletedAtLeast},
	}
	for _, c := range counts {
		if c.n != nil {
			v.atLeast(c.key, *c.n, 0)
		}
	}
	if e.RunFor != 0 || v.s.Given["expect.run_for"] {
		v.durationIn("expect.run_for", e.RunFor, minRunFor, maxRunFor)
	}
	if e.WithinSteps != nil {
		v.atLeast("expect.within_steps", *e.WithinSteps, 1)
		if len(e.Violations) == 0 && !v.unreadable("expect.violations") {
			v.add("expect.within_steps",
				`expect.within_steps: says by when the first expected violation happens, but violations is empty; add violations = ["…"]`)
		}
	}
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
