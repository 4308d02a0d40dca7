package sim

import (
	"fmt"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// FakePID returns the process id a worker "has" when it runs without a
// process of its own (the in-process driver): a number per slot, so lock
// words look the same as with processes.
func FakePID(slot int) int { return 100000 + slot }

// Local is a stepped run entirely in this process and in plain memory: the
// machine, the workers and the segment, with no I/O at all. Tests and the
// schedule explorer use it; it is as fast as stepping gets.
type Local struct {
	Cfg     *Config
	Seg     *shm.Segment
	M       *Machine
	Workers []*Worker
	Rec     Recorder
	inc     []int

	lastPick int // the slot of the last worker step (-1: none since read)
}

// NewLocal prepares a local stepped run of cfg.
func NewLocal(cfg *Config, policy Policy, schedule []string, rec Recorder) (*Local, error) {
	c := *cfg
	c.Mode = ModeStepped
	if c.OrdersPerP <= 0 {
		c.OrdersPerP = 1 << 16
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	g := c.Geometry()
	g.RingSize = 0
	seg, err := shm.Format(shm.NewMemory(g.Size()), g, [16]byte{}, FakePID(shm.SystemSlot), 0)
	if err != nil {
		return nil, err
	}
	sched, err := NewScheduler(&c, policy, schedule)
	if err != nil {
		return nil, err
	}
	l := &Local{Cfg: &c, Seg: seg, Rec: rec, inc: make([]int, c.Workers()), lastPick: -1}
	seg.SetFlag(shm.FlagLockOn, c.LockOn)
	seg.SetFlag(shm.FlagStepped, true)
	seg.SetFlag(shm.FlagTrace, rec != nil && rec.Full())
	seg.Slot(shm.SystemSlot).SetPID(FakePID(shm.SystemSlot))
	for i := 0; i < c.Workers(); i++ {
		role, id := c.SlotRole(i)
		seg.Slot(i).Init(role, id)
	}
	for _, f := range c.Faults {
		if f.When == "holding-lock" && f.Slot < c.Workers() {
			sl := seg.Slot(f.Slot)
			sl.SetDieHolding(sl.DieHolding() + f.Count)
		}
	}
	InitData(&c, seg.Data())
	for i := 0; i < c.Workers(); i++ {
		l.Workers = append(l.Workers, nil)
		l.start(i)
	}
	l.M = NewMachine(&c, seg, sched, l, rec, FakePID(shm.SystemSlot))
	return l, nil
}

func (l *Local) start(slot int) {
	sl := l.Seg.Slot(slot)
	sl.Reset()
	sl.RequestExit(false)
	sl.SetIncarnation(l.inc[slot])
	sl.SetPID(FakePID(slot))
	sl.SetState(uint32(StateReady))
	sl.SetOp(uint32(OpAcquire))
	l.Workers[slot] = NewWorker(l.Cfg, slot, l.inc[slot])
	l.record(trace.WorkerStarted, slot, int64(FakePID(slot)), int64(l.inc[slot]))
}

func (l *Local) record(kind trace.Kind, slot int, arg, arg2 int64) {
	if l.Rec == nil {
		return
	}
	l.Rec.Record(&trace.Event{Step: l.Seg.Steps(), Time: l.Seg.Clock(), Kind: kind, Worker: uint8(slot), Arg: arg, Arg2: arg2})
}

// Worker returns the worker in slot (nil: none running).
func (l *Local) Worker(slot int) *Worker { return l.Workers[slot] }

// Step runs one step of the worker in slot (Local is the machine's Stepper).
func (l *Local) Step(slot int, now int64, step uint64) error {
	w := l.Workers[slot]
	if w == nil {
		return fmt.Errorf("worker %d is not running", slot)
	}
	l.lastPick = slot
	env := Env{Seg: l.Seg, PID: FakePID(slot), Now: now, Step: step, Rec: l.Rec}
	switch w.Step(&env).Next {
	case NextExit:
		l.Workers[slot] = nil
		l.record(trace.WorkerExited, slot, int64(FakePID(slot)), 0)
	case NextDie:
		l.kill(slot)
	}
	return nil
}

// kill makes the worker in slot die where it stands, recovers what it held
// and starts a replacement while the run goes on.
func (l *Local) kill(slot int) {
	l.Workers[slot] = nil
	l.record(trace.WorkerExited, slot, int64(FakePID(slot)), -9)
	l.M.Died(slot, FakePID(slot))
	if l.M.Phase() == PhaseRunning {
		l.inc[slot]++
		l.start(slot)
	}
}

// Run steps until the run ends and returns why it ended.
func (l *Local) Run() (StopReason, error) {
	for {
		for _, slot := range l.M.Due() {
			if l.Workers[slot] != nil {
				l.kill(slot)
			}
		}
		if !l.M.Step() {
			return l.M.Stopped()
		}
	}
}

// Orders returns the end-of-run accounting.
func (l *Local) Orders() Orders {
	var b *shm.Board
	var dec shm.BoardDecoder
	var board shm.Board
	if ReadBoard(l.Cfg, l.Seg.Data(), &dec, &board) == nil {
		b = &board
	}
	return Account(l.Cfg, l.Seg, b)
}
