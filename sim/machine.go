package sim

import (
	"fmt"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// A Stepper makes the worker in a slot take exactly one step. The process
// driver grants the step through the turn word and waits for it to be done;
// the in-process driver calls Worker.Step. When Step returns, the worker's
// slot shows its new state.
type Stepper interface {
	Step(slot int, now int64, step uint64) error
}

// LocalWorkers is a Stepper whose workers live in this process, between
// steps while the machine runs: the checker then takes the board a worker
// wrote instead of decoding the same text again.
type LocalWorkers interface {
	Worker(slot int) *Worker // nil: none running in slot
}

// Phase is where a run is in its life.
type Phase int

// The phases. A graceful stop goes through them in order; the numbers
// 1–6 are the original's nine shutdown steps that happen inside the run
// (7–9 are the controller's: reap, report, remove the segment).
const (
	PhaseRunning       Phase = 0
	PhaseMarked        Phase = 1 // the shutdown flag is set
	PhaseNoNewOrders   Phase = 2 // consumers take no new orders
	PhaseStopProducers Phase = 3 // producers leave
	PhaseCancel        Phase = 4 // pending orders are cancelled
	PhaseDrain         Phase = 5 // orders in preparation finish
	PhaseStopConsumers Phase = 6 // consumers leave
	PhaseDone          Phase = 7 // every worker is gone: the controller takes over
)

// StopReason says why a stepped run ended.
type StopReason string

// The reasons.
const (
	StopNone     StopReason = ""
	StopGraceful StopReason = "stopped"      // the graceful stop finished
	StopMaxSteps StopReason = "max-steps"    // the step budget ran out
	StopScript   StopReason = "schedule-end" // a script schedule ran out
	StopDeadlock StopReason = "deadlock"     // nobody can run and somebody waits
	StopIdle     StopReason = "idle"         // nobody can ever run again
	StopError    StopReason = "error"        // a schedule error or a driver failure
)

// A Machine runs a stepped run: it surveys the workers, asks the scheduler
// for the next one, has the Stepper run its step, advances the virtual
// clock, checks the invariants and walks the graceful stop. It does no I/O:
// the Stepper is the only way out, and the same machine drives real
// processes and in-process workers alike.
type Machine struct {
	Cfg     *Config
	Seg     *shm.Segment
	Sched   *Scheduler
	Sys     *Worker
	Checker *Checker
	Rec     Recorder
	Exec    Stepper
	SysPID  int
	// NoChecks turns the invariant checks after every step off (for
	// measuring what they cost).
	NoChecks bool

	phase      Phase
	stop       StopReason
	err        error
	steps      uint64
	inPrep     int // orders in preparation last reported in the drain phase
	drainStart int64
	stopAsked  bool
	faults     []faultState
	requeues   []requeue
	holdSystem bool // a requeue waits for a worker step
	cancelled  int
	slotList   []int    // 0 … Workers()-1
	surveyed   Runnable // step's survey, its lists reused from step to step
}

type requeue struct {
	key  trace.OrderKey
	slot int
}

type faultState struct {
	Fault
	done int
}

// NewMachine returns a machine ready to take the first step.
func NewMachine(cfg *Config, seg *shm.Segment, sched *Scheduler, exec Stepper, rec Recorder, sysPID int) *Machine {
	m := &Machine{Cfg: cfg, Seg: seg, Sched: sched, Exec: exec, Rec: rec, SysPID: sysPID,
		Sys: NewSystem(cfg), Checker: NewChecker(cfg)}
	m.Sys.op = OpNone
	if lw, ok := exec.(LocalWorkers); ok {
		m.Checker.Written = func(slot int) ([]byte, *shm.Board) {
			w := m.Sys
			if slot != shm.SystemSlot {
				if slot < 0 || slot >= cfg.Workers() {
					return nil, nil
				}
				w = lw.Worker(slot)
			}
			if w == nil {
				return nil, nil
			}
			return w.Wrote()
		}
	}
	for _, f := range cfg.Faults {
		m.faults = append(m.faults, faultState{Fault: f})
	}
	return m
}

// Now returns the virtual clock.
func (m *Machine) Now() int64 { return m.Seg.Clock() }

// Steps returns how many steps were taken.
func (m *Machine) Steps() uint64 { return m.steps }

// Phase returns the run's phase.
func (m *Machine) Phase() Phase { return m.phase }

// Stopped returns why the run ended, or StopNone while it goes on.
func (m *Machine) Stopped() (StopReason, error) { return m.stop, m.err }

// RequestStop starts the graceful stop at the next step.
func (m *Machine) RequestStop() { m.stopAsked = true }

// Survey returns what each worker can do now.
func (m *Machine) Survey() Runnable {
	return Survey(m.Cfg, m.Seg, m.slots(), m.Now())
}

// slots lists the worker slots (made once: callers do not change it).
func (m *Machine) slots() []int {
	if len(m.slotList) != m.Cfg.Workers() {
		m.slotList = make([]int, m.Cfg.Workers())
		for i := range m.slotList {
			m.slotList[i] = i
		}
	}
	return m.slotList
}

// Offered returns the workers a manual scheduler may pick now: the ready
// ones, and sleepers (picking one fast-forwards the clock to its wake-up).
func (m *Machine) Offered() []int {
	r := m.Survey()
	return append(append([]int(nil), r.Ready...), r.Sleeping...)
}

// Step takes one step, chosen by the scheduler. With the manual policy it
// does nothing unless the system worker has a step to take; use StepWorker.
// It reports whether the run goes on.
func (m *Machine) Step() bool {
	return m.step(-1)
}

// StepWorker takes one step of the worker in slot (the manual policy: the
// person at the keyboard is the scheduler). It reports whether the run goes
// on; an error says why slot cannot run now.
func (m *Machine) StepWorker(slot int) (bool, error) {
	if slot < 0 || slot >= m.Cfg.Workers() {
		return true, fmt.Errorf("there is no worker %d", slot+1)
	}
	switch slotState(m.Cfg, m.Seg, slot, m.Now()) {
	case StateReady, StateSleeping:
	case StateBlocked:
		return true, fmt.Errorf("%s is waiting for the lock, held by %s", m.Cfg.WorkerName(slot), m.holderName(slot))
	case StateWaiting:
		return true, fmt.Errorf("%s is waiting for %s", m.Cfg.WorkerName(slot), m.waitingFor(slot))
	case StateExited:
		return true, fmt.Errorf("%s has left", m.Cfg.WorkerName(slot))
	}
	return m.step(slot), nil
}

func (m *Machine) holderName(slot int) string {
	sl := m.Seg.Slot(slot)
	v := lockOf(m.Cfg, m.Seg, slot, sl.BlockedOn()-1).Load()
	return m.pidName(shm.LockOwner(v))
}

func (m *Machine) pidName(pid int) string {
	if pid == m.SysPID {
		return "S"
	}
	for i := 0; i < m.Cfg.Workers(); i++ {
		if m.Seg.Slot(i).PID() == pid {
			return m.Cfg.WorkerName(i)
		}
	}
	return fmt.Sprintf("PID %d", pid)
}

func (m *Machine) waitingFor(slot int) string {
	word, _ := m.Seg.Slot(slot).Waiting()
	switch word {
	case WaitOrders:
		return "an order to take"
	case WaitSpace:
		return "room in the window"
	}
	return "the end of the run"
}

// step is Step and StepWorker: pick (or take the given slot), run, check.
func (m *Machine) step(want int) bool {
	if m.stop != StopNone {
		return false
	}
	if m.Cfg.MaxSteps > 0 && m.steps >= m.Cfg.MaxSteps {
		m.end(StopMaxSteps, nil)
		return false
	}
	m.advancePhase()
	if m.stop != StopNone {
		return false
	}
	if m.Sys.Busy() {
		if st := m.sysState(); st == StateReady {
			m.runSystem()
			return m.after(shm.SystemSlot)
		}
	}
	slot := want
	for slot < 0 {
		surveyInto(&m.surveyed, m.Cfg, m.Seg, m.slots(), m.Now())
		r := m.surveyed // valid until the next survey
		if len(r.Ready)+len(r.Sleeping) == 0 {
			// Nobody can run: the system worker may, else it is a deadlock,
			// or the end.
			if m.Sys.Busy() && m.sysState() == StateSleeping {
				// The controller's own worker waits to try again (a torn
				// region it could not read): time moves on to then.
				m.Seg.SetClock(m.Seg.Slot(shm.SystemSlot).WakeAt())
			}
			if m.Sys.Busy() && m.sysState() == StateReady {
				m.runSystem()
				return m.after(shm.SystemSlot)
			}
			if len(r.Blocked) > 0 || (m.Sys.Busy() && m.sysState() == StateBlocked) {
				m.deadlock(r)
				return false
			}
			if m.phase == PhaseRunning {
				m.end(StopIdle, nil)
				return false
			}
			return m.advancePhase() // the stop goes on (exit requests wake waiters)
		}
		manual := m.Sched.Policy() == PolicyManual
		if manual && m.phase == PhaseRunning && len(r.Ready)+len(r.Sleeping) > 0 {
			return true // the person at the keyboard picks
		}
		pick := -1
		if !manual {
			pick = m.Sched.Pick(r.Ready)
		}
		if m.Sched.Policy() == PolicyScript {
			if m.Sched.ScriptDone() {
				m.end(StopScript, nil)
				return false
			}
			if err := m.scriptable(pick); err != nil {
				m.end(StopError, err)
				return false
			}
		}
		if pick >= 0 && (contains(r.Ready, pick) || contains(r.Sleeping, pick)) {
			slot = pick
			break
		}
		if len(r.Ready) > 0 {
			slot = r.Ready[0]
			break
		}
		m.Seg.SetClock(r.earliest(m.Seg)) // nobody can run before then: time jumps
	}
	// A picked sleeper is woken: time moves on to its wake-up.
	if wake := m.Seg.Slot(slot).WakeAt(); State(m.Seg.Slot(slot).State()) == StateSleeping && wake > m.Now() {
		m.Seg.SetClock(wake)
	}
	m.steps++
	step := m.Seg.NextStep()
	m.granted(slot, step)
	if err := m.Exec.Step(slot, m.Now(), step); err != nil {
		m.end(StopError, err)
		return false
	}
	m.Sched.Took(slot)
	if m.holdSystem {
		m.holdSystem = false
		m.startSystemWork()
	}
	return m.after(slot)
}

// scriptable checks that the scripted worker can take its step.
func (m *Machine) scriptable(slot int) error {
	pos := m.Sched.ScriptPos() + 1
	name := m.Cfg.WorkerName(slot)
	switch slotState(m.Cfg, m.Seg, slot, m.Now()) {
	case StateBlocked:
		return &ScheduleError{Token: pos, Name: name,
			Why: fmt.Sprintf("but %s is waiting for the lock, which %s holds", name, m.holderName(slot))}
	case StateWaiting:
		if m.phase == PhaseRunning {
			return &ScheduleError{Token: pos, Name: name, Why: fmt.Sprintf("but %s is waiting for %s", name, m.waitingFor(slot))}
		}
	case StateExited:
		return &ScheduleError{Token: pos, Name: name, Why: fmt.Sprintf("but %s has left the run", name)}
	}
	return nil
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// sysState returns what the system worker can do now.
func (m *Machine) sysState() State { return slotState(m.Cfg, m.Seg, shm.SystemSlot, m.Now()) }

// runSystem takes one step of the controller's own worker.
func (m *Machine) runSystem() {
	m.steps++
	env := &Env{Seg: m.Seg, PID: m.SysPID, Now: m.Now(), Step: m.Seg.NextStep(), Rec: m.Rec}
	m.granted(shm.SystemSlot, env.Step)
	m.Sys.Step(env)
	if !m.Sys.Busy() {
		m.cancelled += len(m.Sys.Cancelled())
		if m.Sys.NoRoom() {
			// A full ring: try again after the workers have had a step.
			m.requeues = append(m.requeues, requeue{m.Sys.requeue, m.Sys.requeueFrom})
			m.holdSystem = true
			return
		}
		m.startSystemWork()
	}
}

// startSystemWork starts the next queued section of the system worker.
func (m *Machine) startSystemWork() {
	if m.Sys.Busy() || len(m.requeues) == 0 || m.holdSystem {
		return
	}
	r := m.requeues[0]
	m.requeues = m.requeues[1:]
	m.Sys.StartRequeue(r.key, r.slot)
	m.Seg.Slot(shm.SystemSlot).SetState(uint32(StateReady))
}

// Died tells the machine that the worker in slot died and its process was
// reaped: the machine recovers any lock it held and queues its order in
// preparation to go back to the queue. The caller starts a replacement.
func (m *Machine) Died(slot, pid int) {
	key, _ := Recover(m.Cfg, m.Seg, slot, pid, m.SysPID, m.Rec, m.Now(), m.Seg.Steps())
	if key != 0 {
		m.requeues = append(m.requeues, requeue{key, slot})
		m.startSystemWork()
	}
}

// Cancelled returns how many orders the graceful stop cancelled.
func (m *Machine) Cancelled() int { return m.cancelled }

// granted records that slot gets step number step: the schedule, as the
// trace keeps it.
func (m *Machine) granted(slot int, step uint64) {
	if m.Rec == nil || !m.Rec.Full() {
		return
	}
	w := uint8(slot)
	op := Op(m.Seg.Slot(slot).Op())
	if slot == shm.SystemSlot {
		w, op = trace.System, m.Sys.op
	}
	m.Rec.Record(&trace.Event{Step: step, Time: m.Now(), Kind: trace.StepGranted, Worker: w, Arg: int64(op)})
}

// after advances the clock and checks the invariants after a step.
func (m *Machine) after(slot int) bool {
	m.Seg.SetClock(m.Now() + int64(StepCost))
	if m.NoChecks {
		return m.stop == StopNone
	}
	for _, v := range m.Checker.Check(m.Seg) {
		v.Step = m.Seg.Steps()
		m.report(v)
	}
	if m.Cfg.Duration > 0 && m.phase == PhaseRunning && m.Now() >= int64(m.Cfg.Duration) {
		m.record(trace.TimerFired, int64(m.Cfg.Duration), 0, nil)
		m.stopAsked = true
	}
	return m.stop == StopNone
}

// report records a violation the machine found.
func (m *Machine) report(v Violation) {
	if m.Rec != nil {
		m.Rec.Record(&trace.Event{Step: m.Seg.Steps(), Time: m.Now(), Kind: trace.InvariantBroken,
			Worker: trace.System, Order: v.Order, Arg: int64(v.Inv), Arg2: int64(v.Other), Data: []byte(v.Detail)})
	}
}

// record records a controller event.
func (m *Machine) record(kind trace.Kind, arg, arg2 int64, data []byte) {
	if m.Rec == nil {
		return
	}
	m.Rec.Record(&trace.Event{Step: m.Seg.Steps(), Time: m.Now(), Kind: kind, Worker: trace.System,
		Arg: arg, Arg2: arg2, Data: data})
}

func (m *Machine) deadlock(r Runnable) {
	var detail string
	for _, i := range r.Blocked {
		held := ""
		for j := 0; j < m.Cfg.Workers(); j++ {
			if m.Seg.Slot(j).Holds() != 0 {
				held += " " + m.Cfg.WorkerName(j)
			}
		}
		detail += fmt.Sprintf("%s waits for lock %d, held by %s; ", m.Cfg.WorkerName(i), m.Seg.Slot(i).BlockedOn(), m.holderName(i))
	}
	v := Violation{Inv: InvDeadlock, Step: m.Seg.Steps(), Slot: -1, Other: -1,
		Detail: "nobody can run and somebody waits: " + trimSemi(detail)}
	m.report(v)
	m.end(StopDeadlock, nil)
}

func trimSemi(s string) string {
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == ';') {
		s = s[:len(s)-1]
	}
	return s
}

func (m *Machine) end(r StopReason, err error) {
	m.stop, m.err = r, err
	m.Seg.SetFlag(shm.FlagExit, true)
}

// producersGone and consumersGone report whether every worker of a role
// left.
func (m *Machine) roleGone(role shm.Role) bool {
	for i := 0; i < m.Cfg.Workers(); i++ {
		sl := m.Seg.Slot(i)
		if sl.Role() == role && State(sl.State()) != StateExited {
			return false
		}
	}
	return true
}

// inPreparation counts the orders consumers hold.
func (m *Machine) inPreparation() int {
	n := 0
	for i := m.Cfg.Producers; i < m.Cfg.Workers(); i++ {
		if m.Seg.Slot(i).Order() != 0 {
			n++
		}
	}
	return n
}

// advancePhase walks the graceful stop, one phase as soon as the previous
// one is complete. It reports whether the run goes on.
func (m *Machine) advancePhase() bool {
	for {
		switch m.phase {
		case PhaseRunning:
			if !m.stopAsked {
				return true
			}
			m.phase = PhaseMarked
			m.Seg.SetFlag(shm.FlagShutdown, true)
			m.record(trace.ShutdownPhase, int64(PhaseMarked), 0, nil)
			m.phase = PhaseNoNewOrders
			m.record(trace.ShutdownPhase, int64(PhaseNoNewOrders), 0, nil)
			m.phase = PhaseStopProducers
			for i := 0; i < m.Cfg.Producers; i++ {
				m.Seg.Slot(i).RequestExit(true)
			}
			m.record(trace.ShutdownPhase, int64(PhaseStopProducers), int64(m.Cfg.Producers), nil)
		case PhaseStopProducers:
			if !m.roleGone(shm.RoleProducer) {
				return true
			}
			m.phase = PhaseCancel
			m.Sys.StartCancel()
			m.Seg.Slot(shm.SystemSlot).SetState(uint32(StateReady))
			m.record(trace.ShutdownPhase, int64(PhaseCancel), 0, nil)
		case PhaseCancel:
			if m.Sys.Busy() {
				return true
			}
			m.phase = PhaseDrain
			m.drainStart = m.Now()
			m.inPrep = m.inPreparation()
			m.record(trace.ShutdownPhase, int64(PhaseDrain), int64(m.inPrep), nil)
		case PhaseDrain:
			n := m.inPreparation()
			if n != m.inPrep {
				m.inPrep = n
				m.record(trace.ShutdownPhase, int64(PhaseDrain), int64(n), nil)
			}
			timedOut := m.Cfg.Drain > 0 && m.Now()-m.drainStart >= int64(m.Cfg.Drain)
			if n > 0 && !timedOut {
				return true
			}
			m.phase = PhaseStopConsumers
			for i := m.Cfg.Producers; i < m.Cfg.Workers(); i++ {
				m.Seg.Slot(i).RequestExit(true)
			}
			m.record(trace.ShutdownPhase, int64(PhaseStopConsumers), int64(m.Cfg.Consumers), nil)
		case PhaseStopConsumers:
			if !m.roleGone(shm.RoleConsumer) {
				return true
			}
			m.phase = PhaseDone
			m.end(StopGraceful, nil)
			return false
		default:
			return false
		}
	}
}

// Due returns the slots an "after" fault says to kill now, and marks them
// done.
func (m *Machine) Due() []int {
	var kill []int
	for i := range m.faults {
		f := &m.faults[i]
		if f.done >= f.Count || f.Slot >= m.Cfg.Workers() {
			continue
		}
		sl := m.Seg.Slot(f.Slot)
		if State(sl.State()) == StateExited {
			continue
		}
		switch f.When {
		case "after":
			// ("holding-lock" faults are the worker's own: it dies in the
			// middle of its write, see Slot.DieHolding.)
			if m.Now() >= int64(f.After) {
				f.done++
				kill = append(kill, f.Slot)
			}
		}
	}
	return kill
}

// Duration is a helper for printing virtual times.
func Duration(ns int64) time.Duration { return time.Duration(ns) }
