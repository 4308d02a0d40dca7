package scenarios

import (
	"strings"
	"time"
)

// Gradable returns the problems that keep `comanda check` from grading s,
// which a valid scenario may still have: no [expect] block, a run that
// would never end by itself, or a policy that needs a person at the
// keyboard. It returns nil when s can be graded. Call it after Validate.
func (s *Scenario) Gradable() ErrorList {
	var errs ErrorList
	at := func(key string, msg string) {
		e := &Error{File: s.File, Key: key, Msg: msg}
		if pos, ok := s.file.posOf(key); ok && s.Given[key] {
			e.Line, e.Col = pos.Line, pos.Col
		}
		errs = append(errs, e)
	}
	switch {
	case s.Expect == nil:
		at("expect", `no [expect] block: check has nothing to test; add one, like [expect] with clean = true (docs/scenarios.md lists its keys)`)
	case s.Expect.IsEmpty():
		errs = append(errs, &Error{File: s.File, Line: s.Expect.At.Line, Col: s.Expect.At.Col, Key: "expect",
			Msg: "expect: [expect] tests nothing: give at least one of " + strings.Join(expectTests, ", ")})
	}
	if s.Mode == "stepped" && s.Policy == "manual" {
		at("policy", `policy: "manual" needs someone at the keyboard, and check runs without one; use "random", "round-robin" or "script"`)
	}
	if s.Mode == "free" && s.RunTime(true) == 0 {
		if s.Given["duration"] {
			at("duration", `duration: "0s" runs until stopped, so check would never end; give a duration, or add run_for = "10s" to [expect]`)
		} else {
			at("duration", `duration: not given, so the run never stops by itself and check would never end; add duration = "10s", or run_for = "10s" to [expect]`)
		}
	}
	errs.Sort()
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// expectTests are the keys of [expect] that test something.
var expectTests = []string{"violations", "clean", "lost", "duplicated", "completed_at_least", "deadlock", "within_steps"}

// RunTime returns how long the scenario runs: its Duration, or, for
// `comanda check` (forCheck), the run_for of its [expect] block when it
// gives one. 0 means until stopped.
func (s *Scenario) RunTime(forCheck bool) time.Duration {
	if forCheck && s.Expect != nil && s.Expect.RunFor > 0 {
		return s.Expect.RunFor
	}
	return s.Duration
}

// posOf returns where the value of key is in the file.
func (fi *fileInfo) posOf(key string) (Position, bool) {
	if fi == nil {
		return Position{}, false
	}
	pos, ok := fi.pos[key]
	return pos, ok && pos.Line > 0
}
