package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// fileInfo remembers every value of a scenario as Parse (or Default) left
// it, and where each value given sits in the file. With it, Validate
// reports a problem at its place in the file, and can tell a value that a
// caller changed since (which it names the way a flag would instead).
type fileInfo struct {
	value  map[string]any      // every value after Parse, by display path (see Scenario.values)
	pos    map[string]Position // where each value given starts
	text   map[string]string   // durations and ranges as written
	bad    map[string]bool     // keys whose value could not be read
	tokens []scheduleToken     // the schedule, word by word
}

// converter turns the decoded document into a Scenario, checking the
// type of every value. Range checks are left to Validate.
type converter struct {
	file string
	s    *Scenario
	fi   *fileInfo
	ps   *positions
	errs ErrorList
}

// problem records a problem about the value at path.
func (c *converter) problem(path, format string, args ...any) {
	c.fi.bad[path] = true
	pos := c.ps.valuePos(path)
	c.errs = append(c.errs, &Error{File: c.file, Line: pos.Line, Col: pos.Col, Key: path,
		Msg: path + ": " + fmt.Sprintf(format, args...)})
}

// wrongType records a value of the wrong type. A hint, when there is one,
// says how to write what the author most likely meant.
func (c *converter) wrongType(path, expected string, v any, hint string) {
	if hint != "" {
		hint = "; " + hint
	}
	c.problem(path, "expected %s, found %s%s", expected, describe(v), hint)
}

// remember notes where a value that was read sits, for Validate.
func (c *converter) remember(path string) {
	c.fi.pos[path] = c.ps.valuePos(path)
}

// lookup returns the value at path in table m, noting that it was given.
func (c *converter) lookup(m map[string]any, path string) (any, bool) {
	v, ok := m[lastPart(path)]
	if ok {
		c.s.Given[path] = true
	}
	return v, ok
}

// table returns the table at path in m.
func (c *converter) table(m map[string]any, path, example string) (map[string]any, bool) {
	v, ok := c.lookup(m, path)
	if !ok {
		return nil, false
	}
	t, ok := v.(map[string]any)
	if !ok {
		hint := ""
		if _, list := v.([]any); list && strings.HasPrefix(example, "[") {
			hint = "write " + example + " with one bracket"
		}
		c.wrongType(path, "a table, like "+example, v, hint)
	}
	return t, ok
}

// str reads a string.
func (c *converter) str(m map[string]any, path string, dst *string) bool {
	v, ok := c.lookup(m, path)
	if !ok {
		return false
	}
	s, ok := v.(string)
	if !ok {
		c.wrongType(path, "a string", v, "")
		return false
	}
	*dst = s
	c.remember(path)
	return true
}

// integer reads an integer that fits an int.
func (c *converter) integer(m map[string]any, path string, dst *int) bool {
	v, ok := c.lookup(m, path)
	if !ok {
		return false
	}
	n, ok := v.(int64)
	if !ok {
		c.wrongType(path, "an integer", v, integerHint(path, v))
		return false
	}
	if n < math.MinInt || n > math.MaxInt {
		c.problem(path, "%d is too large", n)
		return false
	}
	*dst = int(n)
	c.remember(path)
	return true
}

// boolean reads true or false.
func (c *converter) boolean(m map[string]any, path string, dst *bool) bool {
	v, ok := c.lookup(m, path)
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		c.wrongType(path, "true or false", v, booleanHint(path, v))
		return false
	}
	*dst = b
	c.remember(path)
	return true
}

// duration reads a duration written as a string, like "90s".
func (c *converter) duration(m map[string]any, path string, dst *time.Duration) bool {
	v, ok := c.lookup(m, path)
	if !ok {
		return false
	}
	text, ok := v.(string)
	if !ok {
		c.wrongType(path, `a duration in quotes, like "90s"`, v, secondsHint(path, v))
		return false
	}
	d, why := parseDuration(text)
	if why != "" {
		c.problem(path, "%s %s", quote(text), why)
		return false
	}
	*dst = d
	c.remember(path)
	c.fi.text[path] = text
	return true
}

// durationRange reads a duration or a range, like "2s" or "1s..4s".
func (c *converter) durationRange(m map[string]any, path string, dst *Range) bool {
	v, ok := c.lookup(m, path)
	if !ok {
		return false
	}
	text, ok := v.(string)
	if !ok {
		c.wrongType(path, `a duration or a range in quotes, like "1s..4s"`, v, secondsHint(path, v))
		return false
	}
	r, ok := parseRange(text)
	if !ok {
		c.problem(path, "%s is not a duration or a range; %s", quote(text), rangeHint)
		return false
	}
	*dst = r
	c.remember(path)
	c.fi.text[path] = text
	return true
}

// stringList reads a list of strings; each element is remembered at
// "path[i]", counting from 1.
func (c *converter) stringList(m map[string]any, path, example string, dst *[]string) bool {
	v, ok := c.lookup(m, path)
	if !ok {
		return false
	}
	list, ok := v.([]any)
	if !ok {
		c.wrongType(path, "a list of strings, like "+example, v, "")
		return false
	}
	out := make([]string, 0, len(list))
	good := true
	for i, elem := range list {
		elemPath := fmt.Sprintf("%s[%d]", path, i+1)
		s, ok := elem.(string)
		if !ok {
			c.wrongType(elemPath, "a string", elem, "")
			good = false
			continue
		}
		out = append(out, s)
		c.remember(elemPath)
	}
	if !good {
		c.fi.bad[path] = true
		return false
	}
	*dst = out
	c.remember(path)
	return true
}

// convert fills c.s from the decoded document.
func (c *converter) convert(doc map[string]any) {
	s := c.s
	c.str(doc, "name", &s.Name)
	if t, ok := c.table(doc, "description", `description = { en = "…", pt-BR = "…" }`); ok {
		c.str(t, "description.en", &s.Description.EN)
		c.str(t, "description.pt-BR", &s.Description.PTBR)
	}
	c.seed(doc)
	c.duration(doc, "duration", &s.Duration)
	c.str(doc, "protocol", &s.Protocol)
	c.integer(doc, "capacity", &s.Capacity)
	c.boolean(doc, "lock", &s.Lock)
	c.str(doc, "lock_scope", &s.LockScope)
	c.duration(doc, "write_pace", &s.WritePace)
	c.str(doc, "locks", &s.Locks)
	c.str(doc, "lock_order", &s.LockOrder)
	c.str(doc, "mode", &s.Mode)
	c.str(doc, "policy", &s.Policy)
	c.schedule(doc)
	c.integer(doc, "max_steps", &s.MaxSteps)
	c.boolean(doc, "fast", &s.Fast)
	c.str(doc, "driver", &s.Driver)
	c.duration(doc, "grace", &s.Grace)
	c.duration(doc, "drain_timeout", &s.DrainTimeout)
	if t, ok := c.table(doc, "producers", "[producers]"); ok {
		c.integer(t, "producers.count", &s.Producers.Count)
		c.durationRange(t, "producers.think", &s.Producers.Think)
	}
	if t, ok := c.table(doc, "consumers", "[consumers]"); ok {
		c.integer(t, "consumers.count", &s.Consumers.Count)
		c.durationRange(t, "consumers.prep", &s.Consumers.Think)
	}
	if t, ok := c.table(doc, "menu", "[menu]"); ok {
		c.stringList(t, "menu.items", `["Pizza", "Salada"]`, &s.Menu.Items)
		c.integer(t, "menu.tables", &s.Menu.Tables)
	}
	c.faults(doc)
	c.expect(doc)
	if s.Mode == "stepped" && !s.Given["max_steps"] {
		s.MaxSteps = defaultSteppedMaxSteps
	}
}

// seed reads the seed, an integer that may not be negative.
func (c *converter) seed(doc map[string]any) {
	v, ok := c.lookup(doc, "seed")
	if !ok {
		return
	}
	n, ok := v.(int64)
	if !ok {
		c.wrongType("seed", "an integer", v, integerHint("seed", v))
		return
	}
	if n < 0 {
		c.problem("seed", "%d is out of range; expected 0 or more", n)
		return
	}
	c.s.Seed = uint64(n)
	c.remember("seed")
}

// schedule reads the schedule and writes out its repeats.
func (c *converter) schedule(doc map[string]any) {
	var text string
	if !c.str(doc, "schedule", &text) {
		return
	}
	tokens := parseSchedule(text)
	start := c.stringStart("schedule", text)
	for i := range tokens {
		t := &tokens[i]
		t.pos = c.fi.pos["schedule"]
		if start >= 0 {
			t.pos = c.ps.pos(start + t.off)
		}
		if t.problem != "" {
			c.fi.bad["schedule"] = true
			c.errs = append(c.errs, &Error{File: c.file, Line: t.pos.Line, Col: t.pos.Col, Key: "schedule",
				Msg: "schedule: " + t.problem})
		}
	}
	c.fi.tokens = tokens
	c.s.Schedule = expandSchedule(tokens)
}

// stringStart returns the offset in the file of the text of the string at
// path, when the file writes it on one line without escapes, so that an
// offset in the text is the same offset in the file; -1 otherwise.
func (c *converter) stringStart(path, text string) int {
	e, ok := c.ps.paths[path]
	if !ok || e.valOff < 0 || e.valOff >= len(c.ps.data) {
		return -1
	}
	data, off := c.ps.data, e.valOff
	q := data[off]
	if q != '"' && q != '\'' {
		return -1
	}
	end := off + 1 + len(text)
	if end >= len(data) || data[end] != q || string(data[off+1:end]) != text || strings.ContainsAny(text, "\\\n") {
		return -1
	}
	return off + 1
}

// faults reads the [[faults]] tables.
func (c *converter) faults(doc map[string]any) {
	v, ok := c.lookup(doc, "faults")
	if !ok {
		return
	}
	if _, isTable := v.(map[string]any); isTable {
		c.problem("faults", "write [[faults]] with two brackets: each [[faults]] block is one fault")
		return
	}
	list, ok := v.([]any)
	if !ok {
		c.wrongType("faults", "[[faults]] tables", v, "")
		return
	}
	for i, elem := range list {
		path := fmt.Sprintf("faults[%d]", i+1)
		m, ok := elem.(map[string]any)
		if !ok {
			c.wrongType(path, `a table, like { kill = "C1", when = "after", after = "2s" }`, elem, "")
			continue
		}
		f := Fault{Count: defaultFaultCount, Pos: c.ps.headerPos(path)}
		c.str(m, path+".kill", &f.Kill)
		c.str(m, path+".when", &f.When)
		c.duration(m, path+".after", &f.After)
		c.integer(m, path+".count", &f.Count)
		c.s.Faults = append(c.s.Faults, f)
	}
}

// expect reads the [expect] table.
func (c *converter) expect(doc map[string]any) {
	t, ok := c.table(doc, "expect", "[expect]")
	if !ok {
		return
	}
	e := &Expect{Pos: map[string]Position{}, At: c.ps.keyPos("expect")}
	c.stringList(t, "expect.violations", `["lost-update"]`, &e.Violations)
	e.Clean = c.optionalBool(t, "expect.clean")
	e.Lost = c.optionalInt(t, "expect.lost")
	e.Duplicated = c.optionalInt(t, "expect.duplicated")
	e.CompletedAtLeast = c.optionalInt(t, "expect.completed_at_least")
	e.Deadlock = c.optionalBool(t, "expect.deadlock")
	e.WithinSteps = c.optionalInt(t, "expect.within_steps")
	c.duration(t, "expect.run_for", &e.RunFor)
	for name := range t {
		if c.s.Given["expect."+name] {
			e.Pos[name] = c.ps.keyPos("expect." + name)
		}
	}
	c.s.Expect = e
}

// optionalInt reads an integer of [expect]; nil when absent or unreadable.
func (c *converter) optionalInt(m map[string]any, path string) *int {
	var n int
	if !c.integer(m, path, &n) {
		return nil
	}
	return &n
}

// optionalBool reads a boolean of [expect]; nil when absent or unreadable.
func (c *converter) optionalBool(m map[string]any, path string) *bool {
	var b bool
	if !c.boolean(m, path, &b) {
		return nil
	}
	return &b
}

// integerHint says how to write v as the integer it most likely means:
// "40" or 40.0 for 40.
func integerHint(path string, v any) string {
	switch v := v.(type) {
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			return fmt.Sprintf("write it without quotes: %s = %d", lastPart(path), n)
		}
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return fmt.Sprintf("write it without a decimal point: %s = %d", lastPart(path), int64(v))
		}
	}
	return ""
}

// booleanHint says how to write v as the boolean it most likely means:
// "yes", "off", 1 or 0.
func booleanHint(path string, v any) string {
	word, quotes := "", false
	switch v := v.(type) {
	case string:
		quotes = true
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes", "on":
			word = "true"
		case "false", "no", "off":
			word = "false"
		}
	case int64:
		switch v {
		case 1:
			word = "true"
		case 0:
			word = "false"
		}
	}
	switch {
	case word == "":
		return ""
	case quotes:
		return fmt.Sprintf("write %s = %s, without quotes", lastPart(path), word)
	}
	return fmt.Sprintf("write %s = %s", lastPart(path), word)
}

// secondsHint says how to write a bare number as a duration: 60 as "60s".
func secondsHint(path string, v any) string {
	var text string
	switch v := v.(type) {
	case int64:
		text = strconv.FormatInt(v, 10)
	case float64:
		text = strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return ""
	}
	return fmt.Sprintf(`write %s = "%ss" if you mean seconds`, lastPart(path), text)
}

// describe says what a decoded value is, for "found …" in messages.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return "a string (" + quote(v) + ")"
	case int64:
		return fmt.Sprintf("an integer (%d)", v)
	case float64:
		return "a decimal number (" + strconv.FormatFloat(v, 'g', -1, 64) + ")"
	case bool:
		return fmt.Sprintf("a boolean (%t)", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	default:
		return fmt.Sprintf("a date or time (%v)", v)
	}
}

// quote quotes a value for a message, shortening long ones.
func quote(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	return strconv.Quote(s)
}

// lastPart returns the last part of a display path: "kill" for
// "faults[1].kill".
func lastPart(path string) string {
	return path[strings.LastIndexByte(path, '.')+1:]
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
