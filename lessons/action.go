package lessons

import (
	"fmt"
	"strings"
)

// The kinds of Action: what a student can do to a lesson's run.
const (
	ActStep    = "step"     // space: the scheduler's next step
	ActPick    = "pick"     // keys 1–9: the student, as the scheduler, picks Worker for the next step
	ActLockOn  = "lock-on"  // l: switch the lock on
	ActLockOff = "lock-off" // l: switch the lock off
	ActKill    = "kill"     // k: kill Worker
	ActStop    = "stop"     // s: stop the run gracefully (the nine steps)
	ActNext    = "next"     // Enter or space on a page without a checkpoint: the next page
)

// actionKinds lists the kinds of Action, for checking files.
var actionKinds = []string{ActStep, ActPick, ActLockOn, ActLockOff, ActKill, ActStop, ActNext}

// An Action is something the student did to the lesson's run (or to the
// lesson itself: "next"). Worker names a worker ("P1", "C2") for "pick" and
// "kill", and is empty otherwise.
type Action struct {
	Kind   string
	Worker string
}

// String returns the action as "pick C2", "step", "lock-off".
func (a Action) String() string {
	if a.Worker == "" {
		return a.Kind
	}
	return fmt.Sprintf("%s %s", a.Kind, a.Worker)
}

// matches reports whether a is the action want asks for: the same kind,
// and the same worker when want names one (case does not matter).
func (a Action) matches(want Action) bool {
	if a.Kind != want.Kind {
		return false
	}
	return want.Worker == "" || strings.EqualFold(a.Worker, want.Worker)
}
