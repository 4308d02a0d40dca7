package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/comanda/comanda/shm"
)

// Policy names how stepped mode picks the next worker.
type Policy string

// The policies.
const (
	PolicyRandom     Policy = "random"      // seeded: the same seed gives the same run
	PolicyRoundRobin Policy = "round-robin" // each runnable worker in turn
	PolicyScript     Policy = "script"      // the scenario's schedule, e.g. "P1 P1 C1 P2"
	PolicyManual     Policy = "manual"      // the person at the keyboard picks
)

// Runnable lists what each worker can do now, as stepped mode sees it.
type Runnable struct {
	Ready    []int // slots that can take a step now
	Sleeping []int // slots asleep until their wake-up time
	Blocked  []int // slots waiting for a lock somebody holds
	Waiting  []int // slots waiting for an order, for room, or to be let go
	Exited   []int
}

// Sleepers' earliest wake-up, or -1.
func (r *Runnable) earliest(seg *shm.Segment) int64 {
	t := int64(-1)
	for _, i := range r.Sleeping {
		if w := seg.Slot(i).WakeAt(); t < 0 || w < t {
			t = w
		}
	}
	return t
}

// Survey reads the slots of the workers in slots and sorts them by what they
// can do at virtual time now.
func Survey(cfg *Config, seg *shm.Segment, slots []int, now int64) Runnable {
	var r Runnable
	surveyInto(&r, cfg, seg, slots, now)
	return r
}

// surveyInto is Survey into r, whose lists are emptied and reused (the
// machine surveys before every step: this spares it the allocations).
func surveyInto(r *Runnable, cfg *Config, seg *shm.Segment, slots []int, now int64) {
	r.Ready, r.Sleeping, r.Blocked = r.Ready[:0], r.Sleeping[:0], r.Blocked[:0]
	r.Waiting, r.Exited = r.Waiting[:0], r.Exited[:0]
	for _, i := range slots {
		switch slotState(cfg, seg, i, now) {
		case StateReady:
			r.Ready = append(r.Ready, i)
		case StateSleeping:
			r.Sleeping = append(r.Sleeping, i)
		case StateBlocked:
			r.Blocked = append(r.Blocked, i)
		case StateWaiting:
			r.Waiting = append(r.Waiting, i)
		case StateExited:
			r.Exited = append(r.Exited, i)
		}
	}
}

// slotState says what worker i can do at time now: its published state,
// except that a sleeper whose time has come, a blocked worker whose lock is
// free, and a waiter whose word changed are ready.
func slotState(cfg *Config, seg *shm.Segment, i int, now int64) State {
	sl := seg.Slot(i)
	st := State(sl.State())
	switch st {
	case StateSleeping:
		if sl.WakeAt() <= now {
			return StateReady
		}
	case StateBlocked:
		if shm.LockOwner(lockOf(cfg, seg, i, sl.BlockedOn()-1).Load()) == 0 {
			return StateReady
		}
	case StateWaiting:
		word, val := sl.Waiting()
		switch word {
		case WaitOrders:
			if seg.Queue().Version() != val {
				return StateReady
			}
		case WaitSpace:
			if seg.Space().Version() != val {
				return StateReady
			}
		}
		if sl.ExitRequested() || seg.HasFlag(shm.FlagExit) {
			return StateReady
		}
	case StateNew:
		return StateReady
	}
	return st
}

// lockOf returns lock i as worker slot sees it.
func lockOf(cfg *Config, seg *shm.Segment, slot, i int) shm.Lock {
	if i < 0 {
		i = 0
	}
	if cfg.LockScope == ScopePerProcess && slot != shm.SystemSlot {
		return seg.Slot(slot).PrivateLock(i)
	}
	return seg.Lock(i)
}

// A Scheduler picks the next worker in stepped mode.
type Scheduler struct {
	cfg    *Config
	policy Policy
	rng    *rand.Rand
	last   int
	script []int  // slots, from the schedule
	pos    int    // next token of the script
	then   Policy // when the script runs out: go on with this policy ("" ends the run)
}

// ScheduleError reports a schedule that names a worker that does not exist
// or cannot run.
type ScheduleError struct {
	Token int    // 1-based position in the schedule
	Name  string // the worker it names
	Why   string
}

func (e *ScheduleError) Error() string {
	return fmt.Sprintf("schedule step %d names %s, %s", e.Token, e.Name, e.Why)
}

// NewScheduler returns the scheduler for cfg. A script schedule is parsed
// here: an unknown worker name is an error.
func NewScheduler(cfg *Config, policy Policy, schedule []string) (*Scheduler, error) {
	s := &Scheduler{cfg: cfg, policy: policy, last: -1,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x5c4ed))}
	switch policy {
	case PolicyRandom, PolicyRoundRobin, PolicyManual:
	case PolicyScript:
		if len(schedule) == 0 {
			return nil, fmt.Errorf("sim: policy script needs a schedule")
		}
		for k, name := range schedule {
			slot := cfg.SlotOf(name)
			if slot < 0 {
				return nil, &ScheduleError{Token: k + 1, Name: name,
					Why: fmt.Sprintf("which is not a worker of this run (it has %s)", strings.Join(workerNames(cfg), " "))}
			}
			s.script = append(s.script, slot)
		}
	default:
		return nil, fmt.Errorf("sim: unknown policy %q", policy)
	}
	return s, nil
}

func workerNames(cfg *Config) []string {
	var names []string
	for i := 0; i < cfg.Workers(); i++ {
		names = append(names, cfg.WorkerName(i))
	}
	return names
}

// Reseed restarts the random policy's generator from seed (the explorer's
// random walks: the workers keep the scenario's seed, the schedule varies).
func (s *Scheduler) Reseed(seed uint64) { s.rng = rand.New(rand.NewPCG(seed, 0x5c4ed)) }

// Policy returns the scheduler's policy.
func (s *Scheduler) Policy() Policy { return s.policy }

// ScriptDone reports whether a script schedule has no steps left.
func (s *Scheduler) ScriptDone() bool { return s.policy == PolicyScript && s.pos >= len(s.script) }

// ScriptPos returns how many script steps were used.
func (s *Scheduler) ScriptPos() int { return s.pos }

// Pick chooses among the ready workers (sorted by slot). For the script
// policy it returns the scripted worker even if it is not ready, so that the
// caller can wake it (a sleeper) or report the error (see Check).
func (s *Scheduler) Pick(ready []int) int {
	switch s.policy {
	case PolicyRandom:
		if len(ready) == 0 {
			return -1
		}
		return ready[s.rng.IntN(len(ready))]
	case PolicyRoundRobin:
		if len(ready) == 0 {
			return -1
		}
		for _, i := range ready {
			if i > s.last {
				s.last = i
				return i
			}
		}
		s.last = ready[0]
		return ready[0]
	case PolicyScript:
		if s.pos >= len(s.script) {
			return -1
		}
		return s.script[s.pos]
	}
	return -1
}

// Took tells the scheduler that slot took a step (the script moves on).
func (s *Scheduler) Took(slot int) {
	if s.policy == PolicyScript && slot != shm.SystemSlot {
		s.pos++
		if s.pos >= len(s.script) && s.then != "" {
			s.policy, s.then = s.then, ""
		}
	}
}

// Then makes a script schedule go on with policy p when it runs out,
// instead of ending the run: a recorded run is replayed up to a step, and
// from there it goes on live ("take over from here").
func (s *Scheduler) Then(p Policy) {
	if s.policy == PolicyScript {
		s.then = p
	}
}

// Stuck reports whether the restaurant can never move again by itself:
// every worker still in the run waits for an order or for room in the
// window, and nothing that could give either is coming (no worker runs,
// sleeps or waits for a lock). With the lock off this happens: the window
// fills with orders a lost write left "in preparation" that no kitchen
// holds. It returns who waits for room and who for an order.
func Stuck(cfg *Config, seg *shm.Segment) (room, orders []string, stuck bool) {
	for i := 0; i < cfg.Workers(); i++ {
		switch slotState(cfg, seg, i, seg.Clock()) {
		case StateExited:
			continue
		case StateWaiting:
			word, _ := seg.Slot(i).Waiting()
			switch word {
			case WaitSpace:
				room = append(room, cfg.WorkerName(i))
				continue
			case WaitOrders:
				orders = append(orders, cfg.WorkerName(i))
				continue
			}
		}
		return nil, nil, false
	}
	return room, orders, len(room)+len(orders) > 0
}
