package replay

import (
	"slices"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// Activity is what a worker is doing at a moment of the run, as the
// timeline shows it.
type Activity uint8

// The activities.
const (
	ActNotStarted  Activity = iota
	ActRunning              // taking steps
	ActWaitingLock          // tried to take a lock somebody holds
	ActHolding              // inside its critical section, holding the lock
	ActUnprotected          // inside its critical section with the lock off: nothing keeps others out
	ActSleeping             // thinking or preparing an order
	ActWaiting              // waiting for an order, for room, or to be let go
	ActExited               // gone
)

var actNames = [...]string{"not started", "running", "waiting for lock", "holding lock", "unprotected", "sleeping", "waiting", "exited"}

// String returns the activity's name.
func (a Activity) String() string {
	if int(a) < len(actNames) {
		return actNames[a]
	}
	return "?"
}

// Worker is one worker at a moment of the run.
type Worker struct {
	Slot        int
	Name        string // "P1", "C2"
	Role        string // "producer", "consumer"
	PID         int
	Incarnation int
	Activity    Activity
	Op          string             // what its last step did ("acquire", "read", …)
	Holds       [shm.MaxLocks]bool // locks held
	Unprotected [shm.MaxLocks]bool // sections entered with that lock off
	WaitsFor    int                // the lock it waits for, or -1
	WakeAt      int64              // when it wakes, if sleeping
	Order       trace.OrderKey
	Steps       int
	Created     int // orders it created (producers)
	Taken       int // orders it took (consumers)
	Completed   int // orders it finished (consumers)
	Acquired    int // lock acquisitions
	Contended   int // acquisitions that had to wait
	WaitTotal   int64
	WaitMax     int64
	ExitStatus  int // with ActExited: exit code, or minus the signal
}

// Lock is one lock at a moment of the run.
type Lock struct {
	Owner        int   // slot of the holder, or -1
	Waiters      []int // slots waiting for it, in the order they started
	Acquisitions int
	Contentions  int
}

// OrderStatus is an order's true state, from the events (not from what the
// data region says, which a race may have garbled).
type OrderStatus uint8

// The statuses.
const (
	OrderNone      OrderStatus = iota
	OrderPending               // created, in the queue
	OrderInPrep                // a kitchen has it
	OrderDone                  // finished
	OrderCancelled             // cancelled by the graceful stop
	OrderLost                  // gone from memory without being finished
)

var orderNames = [...]string{"none", "pending", "in preparation", "done", "cancelled", "lost"}

// String returns the status's name.
func (o OrderStatus) String() string {
	if int(o) < len(orderNames) {
		return orderNames[o]
	}
	return "?"
}

// Write is the last write to the data region: who, where, and the hunks.
type Write struct {
	Worker int // slot, or trace.System
	Event  int // index of its event
	Off    int
	Len    int
	Delta  []byte // the encoded delta, as in the trace
}

// Counts are the run's totals from the events.
type Counts struct {
	Created, Taken, Completed, Cancelled, Requeued, Lost, Dropped int
}

// State is the run at one moment: after a number of events. Everything in
// it is a value; the replay may hand the same State to several readers.
type State struct {
	Event   int    // events applied (0: before the first)
	Seq     uint64 // sequence number of the last event applied
	Step    uint64 // step of the last event applied
	Time    int64  // ns since the start (virtual in stepped mode)
	Phase   int    // graceful stop phase (0: running)
	InPrep  int    // orders in preparation the stop waits for (phase 5)
	LockOn  bool
	Workers []Worker
	Locks   []Lock
	Counts  Counts
	Memory  []byte // the data region
	Last    *Write // the last write, nil before the first
	Ended   bool   // the run-ended event was applied
	Summary []byte // its summary JSON
	Tally   [6]int // orders by true status (index: OrderStatus; OrderNone unused)

	orders [][]uint8 // true status per producer, per order number (index n-1)
	cfg    *sim.Config
}

// Clone returns a deep copy of s.
func (s *State) Clone() *State { return s.clone() }

// clone returns a deep copy of s.
func (s *State) clone() *State {
	c := *s
	c.Workers = slices.Clone(s.Workers)
	c.Locks = make([]Lock, len(s.Locks))
	for i, l := range s.Locks {
		c.Locks[i] = l
		c.Locks[i].Waiters = slices.Clone(l.Waiters)
	}
	c.Memory = slices.Clone(s.Memory)
	c.orders = make([][]uint8, len(s.orders))
	for i, o := range s.orders {
		c.orders[i] = slices.Clone(o)
	}
	if s.Last != nil {
		w := *s.Last
		c.Last = &w
	}
	return &c
}

// OrderStatus returns the true status of order k.
func (s *State) OrderStatus(k trace.OrderKey) OrderStatus {
	p, n := k.Producer()-1, k.N()-1
	if p < 0 || p >= len(s.orders) || n < 0 || n >= len(s.orders[p]) {
		return OrderNone
	}
	return OrderStatus(s.orders[p][n])
}

// Orders calls fn for every order created so far, producer by producer.
func (s *State) Orders(fn func(k trace.OrderKey, st OrderStatus)) {
	for p, list := range s.orders {
		for n, st := range list {
			fn(trace.MakeOrderKey(p+1, n+1), OrderStatus(st))
		}
	}
}

// Board decodes the data region as it is at this moment: the orders and
// stats that a process reading the memory now would see.
func (s *State) Board() (*shm.Board, error) {
	var d shm.BoardDecoder
	var b shm.Board
	if err := sim.ReadBoard(s.cfg, s.Memory, &d, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// newState returns the state before the first event.
func newState(cfg *sim.Config, h trace.Header) *State {
	s := &State{cfg: cfg, LockOn: cfg.LockOn, Memory: make([]byte, h.DataSize)}
	copy(s.Memory, h.DataInit)
	for i := 0; i < cfg.Workers(); i++ {
		role, _ := cfg.SlotRole(i)
		s.Workers = append(s.Workers, Worker{Slot: i, Name: cfg.WorkerName(i), Role: role.String(), WaitsFor: -1})
	}
	for i := 0; i < cfg.Locks; i++ {
		s.Locks = append(s.Locks, Lock{Owner: -1})
	}
	s.orders = make([][]uint8, cfg.Producers)
	return s
}

// setOrder records order k's true status.
func (s *State) setOrder(k trace.OrderKey, st OrderStatus) {
	p, n := k.Producer()-1, k.N()-1
	if p < 0 || p >= len(s.orders) || n < 0 || n > 1<<26 {
		return
	}
	for len(s.orders[p]) <= n {
		s.orders[p] = append(s.orders[p], uint8(OrderNone))
	}
	if old := s.orders[p][n]; old != uint8(OrderNone) && int(old) < len(s.Tally) {
		s.Tally[old]--
	}
	s.orders[p][n] = uint8(st)
	if st != OrderNone && int(st) < len(s.Tally) {
		s.Tally[st]++
	}
}

// worker returns the worker of slot w, or nil (the controller, or a slot
// the run does not have).
func (s *State) worker(w uint8) *Worker {
	if int(w) < len(s.Workers) {
		return &s.Workers[w]
	}
	return nil
}

func (s *State) lock(i uint8) *Lock {
	if int(i) < len(s.Locks) {
		return &s.Locks[i]
	}
	return nil
}

// settle sets a worker's activity from what it holds, after a lock event.
func (w *Worker) settle() {
	for i, h := range w.Holds {
		if h {
			w.Activity = ActHolding
			return
		}
		if w.Unprotected[i] {
			w.Activity = ActUnprotected
			return
		}
	}
	w.Activity = ActRunning
}

// apply advances the state by one event, the event at index i.
func (s *State) apply(i int, e *trace.Event) {
	s.Event = i + 1
	s.Seq, s.Step, s.Time = e.Seq, e.Step, e.Time
	w := s.worker(e.Worker)
	if w != nil && e.Kind != trace.WorkerExited && e.Kind != trace.WorkerStarted && e.Kind != trace.InvariantBroken {
		if w.Activity == ActSleeping || w.Activity == ActWaiting || w.Activity == ActNotStarted {
			w.settle()
		}
	}
	switch e.Kind {
	case trace.WorkerStarted:
		if w != nil && w.Activity != ActNotStarted && w.Activity != ActExited {
			// The worker's first events came before the controller's note
			// that it started (it starts as soon as it is spawned).
			w.PID, w.Incarnation = int(e.Arg), int(e.Arg2)
		} else if w != nil {
			*w = Worker{Slot: w.Slot, Name: w.Name, Role: w.Role, PID: int(e.Arg), Incarnation: int(e.Arg2),
				Activity: ActRunning, WaitsFor: -1, Steps: w.Steps, Created: w.Created, Taken: w.Taken,
				Completed: w.Completed, Acquired: w.Acquired, Contended: w.Contended, WaitTotal: w.WaitTotal, WaitMax: w.WaitMax}
		}
	case trace.WorkerExited:
		if w != nil {
			w.Activity, w.ExitStatus, w.WaitsFor = ActExited, int(e.Arg2), -1
			w.Holds, w.Unprotected = [shm.MaxLocks]bool{}, [shm.MaxLocks]bool{}
			for li := range s.Locks {
				s.Locks[li].Waiters = slices.DeleteFunc(s.Locks[li].Waiters, func(x int) bool { return x == w.Slot })
			}
		}
	case trace.StepGranted:
		if w != nil {
			w.Steps++
			w.Op = sim.Op(e.Arg).String()
		}
	case trace.LockAttempted:
		if w != nil {
			w.Op = "acquire"
		}
	case trace.LockContended:
		if w != nil {
			w.Activity, w.WaitsFor = ActWaitingLock, int(e.Lock)
			if l := s.lock(e.Lock); l != nil && !slices.Contains(l.Waiters, w.Slot) {
				l.Waiters = append(l.Waiters, w.Slot)
			}
		}
	case trace.LockAcquired:
		if l := s.lock(e.Lock); l != nil {
			l.Owner = int(e.Worker)
			l.Acquisitions++
			if e.Arg > 0 {
				l.Contentions++
			}
			l.Waiters = slices.DeleteFunc(l.Waiters, func(x int) bool { return x == int(e.Worker) })
		}
		if w != nil {
			w.Holds[e.Lock%shm.MaxLocks] = true
			w.WaitsFor = -1
			w.Acquired++
			if e.Arg > 0 {
				w.Contended++
				w.WaitTotal += e.Arg
				w.WaitMax = max(w.WaitMax, e.Arg)
			}
			w.Op = "acquire"
			w.settle()
		}
	case trace.LockReleased:
		if l := s.lock(e.Lock); l != nil && l.Owner == int(e.Worker) {
			l.Owner = -1
		}
		if w != nil {
			w.Holds[e.Lock%shm.MaxLocks] = false
			w.Op = "release"
			w.settle()
		}
	case trace.LockSkipped:
		if w != nil {
			w.Unprotected[e.Lock%shm.MaxLocks] = e.Arg == 0
			if e.Arg == 0 {
				w.Op = "acquire"
			} else {
				w.Op = "release"
			}
			w.settle()
		}
	case trace.LockOwnerDied:
		if l := s.lock(e.Lock); l != nil {
			l.Owner = -1
		}
	case trace.MemRead:
		if w != nil {
			w.Op = "read"
		}
	case trace.MemWritten:
		trace.Patch(s.Memory, e.Data) // a malformed delta was refused by the reader's checks; ignore
		s.Last = &Write{Worker: int(e.Worker), Event: i, Off: int(e.Arg), Len: int(e.Arg2), Delta: e.Data}
		if w != nil {
			w.Op = "write"
		}
	case trace.OrderCreated:
		s.setOrder(e.Order, OrderPending)
		s.Counts.Created++
		if w != nil {
			w.Created++
		}
	case trace.OrderTaken:
		s.setOrder(e.Order, OrderInPrep)
		s.Counts.Taken++
		if w != nil {
			w.Taken++
			w.Order = e.Order
		}
	case trace.OrderDone:
		if s.OrderStatus(e.Order) != OrderDone {
			s.Counts.Completed++
		}
		s.setOrder(e.Order, OrderDone)
		if w != nil {
			w.Completed++
			w.Order = 0
		}
	case trace.OrderCancelled:
		s.setOrder(e.Order, OrderCancelled)
		s.Counts.Cancelled++
	case trace.OrderRequeued:
		s.setOrder(e.Order, OrderPending)
		s.Counts.Requeued++
		if d := s.worker(uint8(e.Arg2)); d != nil && d.Order == e.Order {
			d.Order = 0
		}
	case trace.OrderDropped:
		s.Counts.Dropped++
	case trace.Slept:
		if w != nil {
			w.Activity, w.WakeAt = ActSleeping, e.Time+e.Arg
		}
	case trace.Waited:
		if w != nil {
			w.Activity = ActWaiting
		}
	case trace.InvariantBroken:
		if sim.Invariant(e.Arg) == sim.InvOrderLost && e.Order != 0 {
			if st := s.OrderStatus(e.Order); st == OrderPending || st == OrderNone {
				s.setOrder(e.Order, OrderLost)
				s.Counts.Lost++
			}
		}
	case trace.ShutdownPhase:
		if e.Arg <= int64(sim.PhaseStopConsumers) {
			s.Phase = int(e.Arg)
		}
		if e.Arg == int64(sim.PhaseDrain) {
			s.InPrep = int(e.Arg2)
		}
	case trace.LockSwitched:
		s.LockOn = e.Arg != 0
	case trace.RunEnded:
		s.Ended = true
		s.Summary = e.Data
	}
}
