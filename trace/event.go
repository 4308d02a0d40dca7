package trace

import "fmt"

// System is the Worker value of events that the controller records itself:
// run start and end, shutdown phases, cancellations, requeues, recoveries,
// invariant violations.
const System uint8 = 255

// An OrderKey names one order for the whole run: the producer's slot-free
// worker number in the high 32 bits and the producer's own order counter
// (1, 2, 3, …) in the low 32 bits. It is 0 for "no order".
type OrderKey uint64

// MakeOrderKey returns the key of the n-th order of producer p (both 1-based).
func MakeOrderKey(p, n int) OrderKey { return OrderKey(uint64(p)<<32 | uint64(uint32(n))) }

// Producer returns the producer number (1-based) of k.
func (k OrderKey) Producer() int { return int(k >> 32) }

// N returns the producer's order counter of k (1-based).
func (k OrderKey) N() int { return int(uint32(k)) }

// String returns the key as the original's order id: the producer number
// followed by the counter in at least four digits ("10001" is P1's first).
func (k OrderKey) String() string {
	if k == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%04d", k.Producer(), k.N())
}

// An Event is one fact of a run. Events are totally ordered by Seq; every
// event a worker records during one of its steps carries that step's global
// number in Step. What Arg, Arg2 and Data hold depends on Kind (see
// FORMAT.md and the Kind constants).
type Event struct {
	Seq    uint64   // global sequence number, 1-based, from the segment header
	Step   uint64   // global step number (0: outside any worker step)
	Time   int64    // nanoseconds since the run started; virtual in stepped mode
	Kind   Kind     // what happened
	Worker uint8    // worker slot, or System
	Lock   uint8    // lock index, for lock events
	Order  OrderKey // the order concerned, or 0
	Arg    int64    // kind-specific
	Arg2   int64    // kind-specific
	Data   []byte   // kind-specific payload; owned by the event
}

// Kind says what an Event records. Kinds are past-tense facts.
type Kind uint8

// The event kinds. The comment on each says what Arg, Arg2 and Data hold.
// Numbers are part of the file format: append, never renumber.
const (
	KindInvalid Kind = iota

	RunStarted      // Arg: controller PID. Data: nothing (the header has the scenario)
	RunEnded        // Data: the summary as JSON
	WorkerStarted   // Arg: PID, Arg2: incarnation (0 first, 1 after the first restart, …)
	WorkerExited    // Arg: PID, Arg2: exit code, or -signal when killed by a signal
	LockAttempted   // Lock
	LockAcquired    // Lock; Arg: nanoseconds waited
	LockContended   // Lock; Arg: PID of the holder
	LockReleased    // Lock; Arg: nanoseconds held
	LockSkipped     // Lock: the lock is off, the section runs unprotected (Arg 1 on release)
	LockOwnerDied   // Lock; Arg: PID of the dead owner, Arg2: slot of the dead owner
	MemRead         // Arg: offset in the data region, Arg2: length
	MemWritten      // Data: the hunks written (see Diff); Arg: offset of the first byte, Arg2: bytes written
	OrderCreated    // Order: → Pending
	OrderTaken      // Order: Pending → InPrep (Arg: consumer number)
	OrderDone       // Order: InPrep → Done
	OrderCancelled  // Order: Pending → Cancelled
	OrderRequeued   // Order: InPrep → Pending (its consumer died); Arg2: dead consumer's slot
	OrderDropped    // Order: left the window (Arg: status it had: 1 Pending, 2 InPrep, 3 Done, 4 Cancelled)
	Slept           // Arg: nanoseconds the worker sleeps (think or prep time), Arg2: reason (see SleepReason)
	Waited          // Arg: what the worker waits for (1 orders, 2 space)
	InvariantBroken // Arg: Violation code; Arg2: other worker involved or -1; Data: text
	ShutdownPhase   // Arg: phase 1–9; Arg2: phase-specific count
	TimerFired      // Arg: duration in nanoseconds
	LockSwitched    // Arg: 1 on, 0 off
	FaultInjected   // Arg: fault kind (1 kill); Arg2: target slot
	ReadFailed      // Arg: attempt (1–3); Data: why the data region did not decode
	StepGranted     // stepped mode: the scheduler gave Worker its next step; Arg: the operation (sim.Op)

	kindCount
)

var kindNames = [...]string{
	KindInvalid:     "invalid",
	RunStarted:      "run-started",
	RunEnded:        "run-ended",
	WorkerStarted:   "worker-started",
	WorkerExited:    "worker-exited",
	LockAttempted:   "lock-attempt",
	LockAcquired:    "lock-acquired",
	LockContended:   "lock-contended",
	LockReleased:    "lock-released",
	LockSkipped:     "lock-skipped",
	LockOwnerDied:   "lock-owner-died",
	MemRead:         "mem-read",
	MemWritten:      "mem-write",
	OrderCreated:    "order-created",
	OrderTaken:      "order-taken",
	OrderDone:       "order-done",
	OrderCancelled:  "order-cancelled",
	OrderRequeued:   "order-requeued",
	OrderDropped:    "order-dropped",
	Slept:           "sleep",
	Waited:          "wait",
	InvariantBroken: "violation",
	ShutdownPhase:   "shutdown",
	TimerFired:      "timer",
	LockSwitched:    "lock-switched",
	FaultInjected:   "fault",
	ReadFailed:      "read-failed",
	StepGranted:     "step",
}

// String returns the kind's stable name, as used in exports and on screen.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind returns the kind named s, as String prints it.
func ParseKind(s string) (Kind, bool) {
	for k, name := range kindNames {
		if name == s && Kind(k) != KindInvalid {
			return Kind(k), true
		}
	}
	return KindInvalid, false
}

// Valid reports whether k is a kind this version knows.
func (k Kind) Valid() bool { return k > KindInvalid && k < kindCount }

// Sleep reasons, in Slept events' Arg2.
const (
	SleepThink = 1 // a producer between two orders
	SleepPrep  = 2 // a consumer preparing an order
	SleepRetry = 3 // 100 ms before retrying a failed read
	SleepPace  = 4 // write_pace between two chunks of a write
	SleepPoll  = 5 // a consumer with nothing to take
)
