package run

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
)

// A body is one worker's life in free mode: a worker process runs one, the
// in-process driver runs one per goroutine. It steps the worker as fast as
// the worker's outcomes allow, and carries out those outcomes with real
// time: sleeping, waiting on the lock word (a futex on Linux), waiting for
// an order or for room.
type body struct {
	w    *sim.Worker
	seg  *shm.Segment
	slot int
	pid  int
	rec  sim.Recorder
	ring *ringRecorder // rec, when it is a worker's ring (nil for the controller)
	// uncounted is how many steps were taken but not yet added to the
	// segment's step counter (free mode without a full trace).
	uncounted uint64
	start     time.Time

	// gone is closed when the worker must stop at once: its controller died
	// or the in-process driver killed it.
	gone <-chan struct{}
	// nudge wakes a sleeping worker early (an exit request).
	nudge <-chan struct{}
	// stuck, if set, is asked while waiting for a lock: true gives up (the
	// controller's own worker, when the workers deadlocked).
	stuck func() bool
	// spin is how long it watches a held lock before it yields (spinFor).
	spin int
}

// spinFor returns how long a worker of cfg watches a held lock: briefly when
// the workers outnumber the cores (see shm.SpinShort).
func spinFor(cfg *sim.Config) int {
	if cfg.Workers() > runtime.NumCPU() {
		return shm.SpinShort
	}
	return shm.SpinLong
}

// ending says how a body ended.
type ending int

const (
	endExited ending = iota // the worker left as its program said
	endGone                 // told to stop at once
	endDie                  // a fault: the worker dies where it stands
)

// runFree steps the worker until it leaves.
func (b *body) runFree() ending {
	env := sim.Env{Seg: b.seg, PID: b.pid, Rec: b.rec}
	defer b.countSteps()
	for {
		if b.seg.HasFlag(shm.FlagStepped) {
			// The run switched to stepped mode: from now on this worker
			// steps when the controller says.
			b.countSteps()
			return b.runStepped()
		}
		if end, more := b.stepOnce(&env); !more {
			return end
		}
	}
}

// stepBatch is how many steps a worker takes before it adds them to the
// segment's step counter, when nothing needs each step's number.
const stepBatch = 64

// countSteps adds the steps not yet counted to the segment's counter.
func (b *body) countSteps() {
	if b.uncounted > 0 {
		b.seg.AddSteps(b.uncounted)
		b.uncounted = 0
	}
}

// stepOnce takes one step and carries out its outcome (sleeping, waiting).
// It reports false, with how the worker ended, when the worker is done.
func (b *body) stepOnce(env *sim.Env) (ending, bool) {
	select {
	case <-b.gone:
		return endGone, false
	default:
	}
	if env.Clock == nil {
		env.Clock = func() int64 { return int64(time.Since(b.start)) }
	}
	env.Fresh = false
	if b.rec != nil && b.rec.Full() {
		// A full trace numbers every step's events: take the number now.
		env.Step, env.StepOf = b.seg.NextStep(), nil
	} else {
		// Count the step in a batch; number it only if it records an
		// event (a violation, say): the count so far, to within a batch.
		env.Step = 0
		if env.StepOf == nil {
			env.StepOf = func() uint64 { return b.seg.Steps() + 1 }
		}
		if b.uncounted++; b.uncounted == stepBatch {
			b.countSteps()
		}
	}
	out := b.w.Step(env)
	if b.ring != nil && b.ring.hold && (!b.w.Holds() || out.Next == sim.NextDie) {
		b.ring.flush() // the section is over: publish what it held back
	}
	ok := true
	switch out.Next {
	case sim.NextSleep:
		ok = b.sleep(out.Sleep)
	case sim.NextBlock:
		ok = b.waitLock(env, out)
	case sim.NextWait:
		ok = b.waitWord(out)
	case sim.NextDie:
		return endDie, false
	case sim.NextExit:
		return endExited, false
	}
	if !ok {
		return endGone, false
	}
	return endExited, true
}

// runStepped takes one step each time the controller grants one, until the
// worker leaves. The controller waits for each step to be done before it
// grants the next, to this worker or another, so steps never overlap.
func (b *body) runStepped() ending {
	env := sim.Env{Seg: b.seg, PID: b.pid, Rec: b.rec}
	sl := b.seg.Slot(b.slot)
	if b.ring != nil && b.ring.hold {
		b.ring.flush() // each step's events go out before the step is done
		b.ring.hold = false
	}
	turn := sl.TurnWord()
	last := atomic.LoadUint32(turn)
	if sim.State(sl.State()) == sim.StateNew {
		sl.SetState(uint32(sim.StateReady))
	}
	sl.SetParked(true)
	for {
		for atomic.LoadUint32(turn) == last {
			select {
			case <-b.gone:
				return endGone
			default:
			}
			if b.seg.HasFlag(shm.FlagExit) {
				return endExited // the run is over
			}
			shm.Wait32(turn, last, 100*time.Millisecond)
		}
		last = atomic.LoadUint32(turn)
		env.Now = b.seg.Clock()
		env.Step = b.seg.Steps()
		out := b.w.Step(&env)
		done := b.seg.TurnDone()
		if out.Next == sim.NextDie {
			return endDie // the controller sees the death instead of "done"
		}
		atomic.AddUint32(done, 1)
		shm.Wake32(done, 1)
		if out.Next == sim.NextExit {
			return endExited
		}
	}
}

// sleep sleeps d, waking early for an exit request. It reports false when
// the worker must stop at once.
func (b *body) sleep(d time.Duration) bool {
	sl := b.seg.Slot(b.slot)
	end := time.Now().Add(d)
	for {
		left := time.Until(end)
		if left <= 0 || sl.ExitRequested() || b.seg.HasFlag(shm.FlagExit|shm.FlagStepped) {
			return true
		}
		if left > exitPoll {
			left = exitPoll
		}
		t := time.NewTimer(left)
		select {
		case <-t.C:
		case <-b.nudge:
			t.Stop()
			return true
		case <-b.gone:
			t.Stop()
			return false
		}
	}
}

// exitPoll is how often a sleeping worker looks at its exit request (on
// Windows, where there is no SIGTERM to wake it, that is all it has).
const exitPoll = 50 * time.Millisecond

// yieldTries is how many times a waiter yields before it sleeps. Measured
// on 2 cores, 2+3 processes, fast runs in one interleaved series (orders/s):
// 8 tries: ring 937 000–1 119 000, shadow 77 000–86 000; 30 tries: ring
// 1 131 000–1 181 000, shadow 92 000–95 000; 100 tries: about as 30.
const yieldTries = 30

// lockPatience is how long a waiter sleeps on a lock word between looks at
// whether it should give up.
const lockPatience = 50 * time.Millisecond

// waitLock waits until the lock word changes. When it does not change for
// a while, it checks whether the owner died; a dead owner's lock is taken
// over (robust lock, like EOWNERDEAD) and freed, and the worker retries.
func (b *body) waitLock(env *sim.Env, out sim.Outcome) bool {
	lock, seen := b.w.Lock(b.seg, int(out.On)), out.Seen
	if lock.Spin(seen, b.spin) {
		return true // the word changed: try again at once
	}
	// More processes than cores: the holder may be waiting for a core.
	// Giving ours away a few times is cheaper than a sleep and a wake-up.
	for i := 0; i < yieldTries; i++ {
		shm.Yield()
		if lock.Load() != seen {
			return true
		}
	}
	// Sleep until the word changes. A holder that dies is the
	// supervisor's: it reaps the process (so the death is certain), takes
	// the lock over, settles what the dead one left, and frees the lock.
	for lock.Load() == seen {
		select {
		case <-b.gone:
			return false
		default:
		}
		if b.stuck != nil && b.stuck() {
			return false
		}
		if b.seg.HasFlag(shm.FlagStepped) && b.slot != shm.SystemSlot {
			return true // the scheduler decides from now on
		}
		lock.Sleep(seen, b.slot, lockPatience)
	}
	return true
}

// waitWord waits for an order, for room, or to be let go.
func (b *body) waitWord(out sim.Outcome) bool {
	sl := b.seg.Slot(b.slot)
	var cond *shm.Cond
	switch out.On {
	case sim.WaitOrders:
		c := b.seg.Queue()
		cond = &c
	case sim.WaitSpace:
		c := b.seg.Space()
		cond = &c
	}
	spun := 0
	for {
		select {
		case <-b.gone:
			return false
		case <-b.nudge:
			return true
		default:
		}
		if sl.ExitRequested() || b.seg.HasFlag(shm.FlagExit|shm.FlagStepped) {
			return true
		}
		if cond == nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if cond.Version() != uint32(out.Seen) {
			return true
		}
		if spun < yieldTries {
			// An order or a free slot is usually a moment away in a busy
			// kitchen: yield before paying for a sleep and a wake-up.
			spun++
			shm.Yield()
			continue
		}
		cond.Wait(uint32(out.Seen), 50*time.Millisecond)
	}
}
