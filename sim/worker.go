package sim

import (
	"math/rand/v2"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// Op is what a worker does at its next step. A step touches the data region
// at most once, or takes or releases one lock once: between two steps a
// worker can be paused, which is what stepped mode and replay rely on.
type Op uint32

// The operations.
const (
	OpNone    Op = iota
	OpAcquire    // take the next lock of the critical section
	OpRead       // read the data region
	OpWrite      // write the data region (or the next chunk of a paced write)
	OpFlip       // shadow protocol: commit the copy just written
	OpRelease    // release the next lock of the critical section
	OpExit       // leave the run
)

var opNames = [...]string{"none", "acquire", "read", "write", "flip", "release", "exit"}

// String returns the operation's name.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "?"
}

// State is what a worker is doing between two steps, as its slot shows it.
type State uint32

// The states.
const (
	StateNew      State = iota // not started yet
	StateReady                 // can take its next step
	StateSleeping              // thinking or preparing until its wake-up time
	StateBlocked               // tried to take a lock somebody else holds
	StateWaiting               // waits for an order, for room, or to be told to exit
	StateExited                // gone
)

var stateNames = [...]string{"new", "ready", "sleeping", "blocked", "waiting", "exited"}

// String returns the state's name.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "?"
}

// What a waiting worker waits for (Slot.Waiting's word).
const (
	WaitOrders = 1 // an order to take: the queue version changes
	WaitSpace  = 2 // room in the window: the space version changes
	WaitExit   = 3 // consumers after a stop: the controller's exit request
)

// Next says what a worker does after a step, for the driver to carry out.
type Next uint8

// The nexts.
const (
	NextRun   Next = iota // ready for its next step
	NextSleep             // sleep Outcome.Sleep, then run
	NextBlock             // wait until lock Outcome.On changes from Outcome.Seen
	NextWait              // wait until the word Outcome.On changes from Outcome.Seen
	NextExit              // the worker is done
	NextDie               // a fault: the worker dies now, where it stands
)

// An Outcome is the result of one step. Every step returns one, so it is
// kept to four fields: the compiler keeps such a struct in registers, while
// a bigger one goes through memory at each hand-over.
type Outcome struct {
	Next  Next
	On    uint8         // NextBlock: which lock (see Worker.Lock); NextWait: WaitOrders, WaitSpace or WaitExit
	Sleep time.Duration // NextSleep: how long
	Seen  uint64        // NextBlock: the lock word's value; NextWait: the waited word's value
}

// Env is what a step may use besides the worker's own state: the segment,
// the process identity that goes into lock words, the time, and where events
// go. Nothing else: a step reads no clock and no random source of its own.
type Env struct {
	Seg  *shm.Segment
	PID  int      // owner id written into lock words
	Now  int64    // ns since the run started (virtual in stepped mode)
	Step uint64   // global number of this step
	Rec  Recorder // where events go

	// Clock, when set, reads the time instead of Now, once per step and
	// only if the step needs it (free mode: most steps do not, and a clock
	// read costs as much as a short step). Fresh says Now is this step's.
	Clock func() int64
	Fresh bool

	// StepOf, when set, numbers the step instead of Step, and only if the
	// step records an event: free mode without a full trace counts steps
	// in batches, since a shared counter touched at every step would cost
	// more than the step. Step is 0 until it is asked for.
	StepOf func() uint64
}

// step returns the number of the step.
func (e *Env) step() uint64 {
	if e.Step == 0 && e.StepOf != nil {
		e.Step = e.StepOf()
	}
	return e.Step
}

// time returns the time of the step.
func (e *Env) time() int64 {
	if e.Clock != nil && !e.Fresh {
		e.Now, e.Fresh = e.Clock(), true
	}
	return e.Now
}

// A Recorder receives the events of a run. Record assigns e.Seq.
type Recorder interface {
	Record(e *trace.Event)
	// Full reports whether every event is wanted, or only the essential
	// ones (violations, failed reads, worker starts and exits).
	Full() bool
}

// tx is what the current critical section does.
type tx uint8

const (
	txNone    tx = iota
	txAdd        // producer: add an order
	txTake       // consumer: take the oldest pending order
	txFinish     // consumer: mark its order done
	txCancel     // controller: cancel every pending order (graceful stop)
	txRequeue    // controller: put a dead consumer's order back in the queue
	txInspect    // controller: read under the lock (checks, exports)
)

// A Worker is a producer, a consumer, or the controller's own system
// worker, written as a step machine over the segment. The same code runs in
// a worker process over a file mapping and in the in-process driver over a
// plain byte slice.
type Worker struct {
	cfg  *Config
	Slot int
	Role shm.Role
	ID   int // P1 → 1

	rng *rand.Rand
	op  Op
	tx  tx

	lockStep  int    // next lock of the section to take or release
	held      uint32 // locks taken (bitmask)
	skipped   uint32 // locks skipped because the lock was off
	contended bool   // the current acquire already failed once
	waitFrom  int64  // when the current acquire first failed
	heldFrom  [2]int64

	board     shm.Board
	dec       shm.BoardDecoder
	out       []byte // the bytes being written
	outOff    int    // where in the region they go
	written   int    // how many are written already
	flipTo    int    // shadow: the copy being filled
	readStamp shm.WriteStamp
	src       []int      // which order of the read each order is, while unchanged (see change)
	spans     []shm.Span // where the pieces of the encoded text come from
	readAt    int        // where the text read starts in the region
	readUnpro uint64     // the unprotected-sections word at the read
	queueSeen uint32     // the queue's version when the section read the data
	spaceSeen uint32     // the window's version then
	failures  int        // failed reads of the current section
	retrying  bool       // the section ended early to retry a failed read
	changed   bool
	commit    commitInfo

	// producer
	order shm.Order // the order being placed

	// consumer
	cur         trace.OrderKey // the order in preparation
	curID       int64
	curProducer int

	// system
	requeue     trace.OrderKey
	requeueFrom int
	noRoom      bool // the requeue found the ring full
	cancelled   []trace.OrderKey

	pieces   []piece // a ring section's write
	sorted   []piece
	json     []byte // the JSON of the last encode, within out (empty once it reads again: see Wrote)
	delta    []byte
	flipWord [4]byte
	ev       trace.Event
}

// commitInfo is what a write makes true when it commits.
type commitInfo struct {
	kind  trace.Kind
	key   trace.OrderKey
	arg   int64
	arg2  int64
	drops []dropped
}

type dropped struct {
	key    trace.OrderKey
	status shm.Status
}

// NewWorker returns the worker for slot (shm.SystemSlot for the controller's
// system worker). incarnation is 0 for the first process in the slot and
// counts restarts, so a replacement does not replay its predecessor's draws.
func NewWorker(cfg *Config, slot, incarnation int) *Worker {
	w := &Worker{cfg: cfg, Slot: slot}
	if slot != shm.SystemSlot {
		w.Role, w.ID = cfg.SlotRole(slot)
	}
	w.rng = rand.New(rand.NewPCG(cfg.Seed, uint64(slot)<<32|uint64(incarnation)))
	w.op = OpAcquire
	return w
}

// Config returns the run configuration the worker follows.
func (w *Worker) Config() *Config { return w.cfg }

// Op returns the operation of the worker's next step.
func (w *Worker) Op() Op { return w.op }

// Current returns the order a consumer has in preparation (0: none).
func (w *Worker) Current() trace.OrderKey { return w.cur }

// Holds reports whether the worker is inside a critical section.
func (w *Worker) Holds() bool { return w.held != 0 || w.skipped != 0 }

// Resume restores what a restarted worker inherits from its slot: a
// producer continues its order numbering after the orders it committed.
func (w *Worker) Resume(sl shm.Slot) {
	// A consumer's order in preparation is requeued by the controller when
	// its predecessor dies, so the replacement starts empty.
}

// name returns the worker's name for messages.
func (w *Worker) name() string { return w.cfg.WorkerName(w.Slot) }

// traceSlot is the Worker field of this worker's events.
func (w *Worker) traceSlot() uint8 {
	if w.Slot == shm.SystemSlot {
		return trace.System
	}
	return uint8(w.Slot)
}

// emit records an event; essential events are recorded even when the run
// does not keep a full trace.
func (w *Worker) emit(env *Env, kind trace.Kind, lock int, key trace.OrderKey, arg, arg2 int64, data []byte) {
	if env.Rec == nil || (!env.Rec.Full() && !essential(kind)) {
		return
	}
	// Field by field: a struct literal is built on the stack with narrow
	// stores and copied with wide loads, which wait for those stores (about
	// a tenth of a traced section's recording, in profiles).
	e := &w.ev
	e.Seq, e.Step, e.Time = 0, env.step(), env.time()
	e.Kind, e.Worker, e.Lock = kind, w.traceSlot(), uint8(lock)
	e.Order, e.Arg, e.Arg2, e.Data = key, arg, arg2, data
	env.Rec.Record(e)
}

// essential reports whether kind is recorded even without a full trace.
func essential(k trace.Kind) bool {
	switch k {
	case trace.InvariantBroken, trace.ReadFailed, trace.WorkerStarted, trace.WorkerExited,
		trace.LockOwnerDied, trace.OrderRequeued, trace.OrderCancelled:
		return true
	}
	return false
}

func (w *Worker) full(env *Env) bool { return env.Rec != nil && env.Rec.Full() }

// violation records a broken invariant.
func (w *Worker) violation(env *Env, inv Invariant, key trace.OrderKey, other int, text string) {
	w.emit(env, trace.InvariantBroken, 0, key, int64(inv), int64(other), []byte(text))
}

// lockOrder returns the lock indexes of a critical section, in the order
// they are taken.
func (w *Worker) lockOrder() [2]int {
	if w.cfg.Locks == 2 && w.cfg.Opposite && w.Role == shm.RoleConsumer {
		return [2]int{1, 0}
	}
	return [2]int{0, 1}
}

// Lock returns the worker's lock i in seg: the run's, or its own with
// lock_scope = "per-process".
func (w *Worker) Lock(seg *shm.Segment, i int) shm.Lock { return lockOf(w.cfg, seg, w.Slot, i) }

// Wrote returns the JSON text of the board this worker encoded last and
// the board it encodes, until its next read (nil when it has not encoded
// one since its last read, or with the ring protocol). The checker of an
// in-process run uses them instead of decoding the same text again.
func (w *Worker) Wrote() ([]byte, *shm.Board) {
	if len(w.json) == 0 {
		return nil, nil
	}
	return w.json, &w.board
}

// Step does the worker's next operation and says what comes after it.
func (w *Worker) Step(env *Env) Outcome {
	switch w.op {
	case OpAcquire:
		return w.publish(env, w.acquire(env))
	case OpRead:
		if w.cfg.Protocol == ProtoRing {
			return w.publish(env, w.ringRead(env))
		}
		return w.publish(env, w.read(env))
	case OpWrite:
		if w.cfg.Protocol == ProtoRing {
			return w.publish(env, w.ringWrite(env))
		}
		return w.publish(env, w.write(env))
	case OpFlip:
		return w.publish(env, w.flip(env))
	case OpRelease:
		return w.publish(env, w.release(env))
	}
	return w.publish(env, Outcome{Next: NextExit})
}

// publish shows the worker's next operation and state in its slot, where the
// scheduler and the screen read them, and returns out.
func (w *Worker) publish(env *Env, out Outcome) Outcome {
	sl := env.Seg.Slot(w.Slot)
	sl.SetOp(uint32(w.op))
	sl.SetHolds(w.held)
	switch out.Next {
	case NextRun:
		sl.SetState(uint32(StateReady))
	case NextSleep:
		sl.SetWakeAt(env.time() + int64(out.Sleep))
		sl.SetState(uint32(StateSleeping))
	case NextBlock:
		sl.SetState(uint32(StateBlocked))
	case NextWait:
		sl.SetWaiting(int(out.On), uint32(out.Seen))
		sl.SetState(uint32(StateWaiting))
	case NextExit, NextDie:
		sl.SetState(uint32(StateExited))
	}
	if out.Next != NextBlock {
		sl.SetBlockedOn(0)
	}
	if out.Next != NextWait {
		sl.SetWaiting(0, 0)
	}
	return out
}

// begin starts a critical section when the worker is between sections: it
// decides what the section does, or that the worker leaves.
func (w *Worker) begin(env *Env) (Outcome, bool) {
	seg := env.Seg
	sl := seg.Slot(w.Slot)
	exit := seg.HasFlag(shm.FlagExit) || sl.ExitRequested()
	switch w.Role {
	case shm.RoleProducer:
		if exit || seg.HasFlag(shm.FlagDrain) || int(sl.Created()) >= seg.Ledger(w.ID-1).Cap() {
			return w.exit(), false // told to go, or the ledger can follow no more orders
		}
		w.tx = txAdd
	case shm.RoleConsumer:
		switch {
		case w.cur != 0:
			w.tx = txFinish
		case exit:
			return w.exit(), false
		case seg.HasFlag(shm.FlagShutdown):
			// A stopping kitchen takes no new orders: wait to be let go.
			return Outcome{Next: NextWait, On: WaitExit}, false
		default:
			w.tx = txTake
		}
	}
	w.lockStep = 0
	return Outcome{}, true
}

func (w *Worker) exit() Outcome {
	w.op = OpExit
	return Outcome{Next: NextExit}
}

// acquire takes the next lock of the section (or, with the lock off, records
// that the section runs unprotected).
func (w *Worker) acquire(env *Env) Outcome {
	if w.lockStep == 0 && w.held == 0 && w.skipped == 0 && !w.contended {
		if out, ok := w.begin(env); !ok {
			return out
		}
	}
	i := w.lockOrder()[w.lockStep]
	sl := env.Seg.Slot(w.Slot)
	if !env.Seg.HasFlag(shm.FlagLockOn) && w.Slot != shm.SystemSlot {
		w.skipped |= 1 << i
		env.Seg.BeginUnprotected()
		w.emit(env, trace.LockSkipped, i, 0, 0, 0, nil)
		return w.acquired(env)
	}
	ok, seen := w.Lock(env.Seg, i).TryLock(env.PID)
	if !w.contended {
		// Recorded once tried: a worker that takes the lock again right
		// after it let it go leaves it free no longer than without a
		// trace (else others take it over in that moment, and every such
		// handover costs both the cache).
		w.emit(env, trace.LockAttempted, i, 0, 0, 0, nil)
	}
	if !ok {
		if !w.contended {
			w.contended = true
			w.waitFrom = env.time()
			w.emit(env, trace.LockContended, i, 0, int64(shm.LockOwner(seen)), 0, nil)
		}
		sl.SetBlockedOn(i + 1)
		return Outcome{Next: NextBlock, On: uint8(i), Seen: seen}
	}
	wait := int64(0)
	if w.contended {
		wait = env.time() - w.waitFrom
		if wait <= 0 {
			wait = 1
		}
	}
	w.contended = false
	sl.CountAcquire(wait)
	w.held |= 1 << i
	if w.full(env) {
		w.heldFrom[i] = env.time() // for the release's event: how long it held the lock
	}
	w.emit(env, trace.LockAcquired, i, 0, wait, 0, nil)
	return w.acquired(env)
}

// acquired moves on once lock step lockStep is done.
func (w *Worker) acquired(env *Env) Outcome {
	w.lockStep++
	if w.lockStep < w.cfg.Locks {
		return Outcome{Next: NextRun}
	}
	w.op = OpRead
	return Outcome{Next: NextRun}
}

// release lets go of the next lock, last taken first.
func (w *Worker) release(env *Env) Outcome {
	order := w.lockOrder()
	i := order[w.lockStep-1]
	switch {
	case w.skipped&(1<<i) != 0:
		w.skipped &^= 1 << i
		env.Seg.EndUnprotected()
		w.emit(env, trace.LockSkipped, i, 0, 1, 0, nil)
	case w.held&(1<<i) != 0:
		w.held &^= 1 << i
		// Recorded (and numbered) before the lock is free: the next
		// holder's lock-acquired always comes after it in the trace.
		if w.full(env) { // how long it held the lock: a clock read only a trace needs
			w.emit(env, trace.LockReleased, i, 0, env.time()-w.heldFrom[i], 0, nil)
		}
		w.Lock(env.Seg, i).Unlock()
	}
	w.lockStep--
	if w.lockStep > 0 {
		return Outcome{Next: NextRun}
	}
	return w.afterSection(env)
}

// afterSection decides what the worker does once a section is over.
func (w *Worker) afterSection(env *Env) Outcome {
	w.op = OpAcquire
	if w.retrying {
		w.retrying = false
		return w.sleep(env, RetryPause, trace.SleepRetry)
	}
	tx := w.tx
	w.tx = txNone
	switch tx {
	case txAdd:
		if !w.changed {
			// The window was full: wait for room.
			return w.waitOn(env, WaitSpace)
		}
		return w.sleep(env, w.draw(w.cfg.Think), trace.SleepThink)
	case txTake:
		if w.cur == 0 {
			if env.Seg.HasFlag(shm.FlagShutdown) {
				return Outcome{Next: NextWait, On: WaitExit}
			}
			return w.waitOn(env, WaitOrders)
		}
		return w.sleep(env, w.draw(w.cfg.Prep), trace.SleepPrep)
	case txFinish:
		return Outcome{Next: NextRun}
	case txCancel, txRequeue, txInspect:
		w.op = OpNone
		return Outcome{Next: NextExit}
	}
	return Outcome{Next: NextRun}
}

// noteVersions notes the queue's and the window's versions before the
// section reads the data: a wait that follows waits for a change made
// after that read. (Noted any later, a change made between the read and
// then would be missed, and the worker would wait for an order that is
// already there: a lost wake-up.)
func (w *Worker) noteVersions(env *Env) {
	w.queueSeen, w.spaceSeen = env.Seg.Queue().Version(), env.Seg.Space().Version()
}

// waitOn returns the outcome of waiting for word to change since the
// section read the data.
func (w *Worker) waitOn(env *Env, word int) Outcome {
	v := w.spaceSeen
	if word == WaitOrders {
		v = w.queueSeen
	}
	w.emit(env, trace.Waited, 0, 0, int64(word), 0, nil)
	return Outcome{Next: NextWait, On: uint8(word), Seen: uint64(v)}
}

// sleep returns the outcome of sleeping d (nothing when d is 0).
func (w *Worker) sleep(env *Env, d time.Duration, reason int64) Outcome {
	if d <= 0 {
		return Outcome{Next: NextRun}
	}
	w.emit(env, trace.Slept, 0, 0, int64(d), reason, nil)
	return Outcome{Next: NextSleep, Sleep: d}
}

// draw picks a duration from r, or 0 in fast mode.
func (w *Worker) draw(r Range) time.Duration {
	if w.cfg.Fast || r.Max <= 0 {
		return 0
	}
	if r.Max <= r.Min {
		return r.Min
	}
	return r.Min + time.Duration(w.rng.Int64N(int64(r.Max-r.Min)+1))
}

// timestamp returns the order timestamp for now: wall-clock Unix seconds in
// free mode, the fixed epoch plus virtual time in stepped mode.
func (w *Worker) timestamp(env *Env) float64 {
	ns := env.time()
	if w.cfg.Mode == ModeStepped {
		ns += SteppedEpoch * 1e9
	} else {
		ns += env.Seg.StartNano()
	}
	// Microsecond precision, like Python's time.time().
	return float64(ns/1000) / 1e6
}
