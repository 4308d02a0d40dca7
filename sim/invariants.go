package sim

// Invariant names a property the restaurant must keep. Scenarios, lessons,
// the trace and the summary use these names.
type Invariant uint8

// The invariants. Numbers are stored in traces: append, never renumber.
const (
	InvNone             Invariant = iota
	InvLostUpdate                 // a write overwrote another process's write
	InvTornWrite                  // the data region does not decode
	InvDoubleProcessing           // two consumers took the same order, or one was finished twice
	InvOrderLost                  // a created order is nowhere
	InvStatsDrift                 // stats in memory disagree with the workers' own counts
	InvDeadlock                   // nobody can run and somebody waits
	InvLockOwnerDied              // a process died holding the lock
	invCount
)

var invNames = [...]string{
	InvNone:             "none",
	InvLostUpdate:       "lost-update",
	InvTornWrite:        "torn-write",
	InvDoubleProcessing: "double-processing",
	InvOrderLost:        "order-lost",
	InvStatsDrift:       "stats-drift",
	InvDeadlock:         "deadlock",
	InvLockOwnerDied:    "lock-owner-died",
}

// String returns the invariant's name.
func (i Invariant) String() string {
	if int(i) < len(invNames) {
		return invNames[i]
	}
	return "unknown"
}

// Invariants returns every invariant, in order.
func Invariants() []Invariant {
	var all []Invariant
	for i := InvNone + 1; i < invCount; i++ {
		all = append(all, i)
	}
	return all
}

// ParseInvariant returns the invariant named s.
func ParseInvariant(s string) (Invariant, bool) {
	for i := InvNone + 1; i < invCount; i++ {
		if invNames[i] == s {
			return i, true
		}
	}
	return InvNone, false
}
