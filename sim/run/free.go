package run

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// freeLoop is the controller of a free run: it supervises the workers
// (restarting the dead), injects faults, checks the invariants, fires the
// timer, and carries out the graceful stop.
func (r *Run) freeLoop() {
	// The controller's own clock: the timer and the faults "after" a time
	// are this precise; it wakes the controller 40 times a second.
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	lastCheck := time.Now()
	for {
		select {
		case ex := <-r.drv.exits():
			r.onExit(ex, false)
		case <-r.stopCh:
			r.shutdownFree()
			return
		case <-r.killCh:
			r.killAll()
			r.finish("killed", nil)
			return
		case reply := <-r.toStepped:
			if err := r.switchToStepped(); err != nil {
				reply <- err
				continue
			}
			reply <- nil
			r.steppedLoop()
			return
		case <-tick.C:
			elapsed := time.Since(r.start)
			if r.cfg.Duration > 0 && elapsed >= r.cfg.Duration {
				r.record(trace.TimerFired, -1, int64(r.cfg.Duration), 0, nil)
				r.logf("run.timeup", r.cfg.Duration)
				r.shutdownFree()
				return
			}
			r.injectAfterFaults(elapsed)
			if !r.opts.NoChecks && time.Since(lastCheck) >= checkEvery {
				r.checkFree()
				r.checkStuck()
				lastCheck = time.Now()
				if r.deadlocked() {
					r.killAll()
					r.finish(sim.StopDeadlock, nil)
					return
				}
			}
		}
	}
}

// SwitchToStepped turns a free run into a stepped one, paused: from the
// next step boundary of each worker on, workers step only when told to
// (StepOnce, Pick), and the virtual clock starts from the time the run has
// been going. The person at the keyboard becomes the scheduler.
func (r *Run) SwitchToStepped() error {
	if r.stepped.Load() {
		return nil
	}
	if r.opts.Driver == "inproc" {
		return fmt.Errorf("switching to stepped mode needs the process driver")
	}
	reply := make(chan error, 1)
	select {
	case r.toStepped <- reply:
	case <-r.doneCh:
		return fmt.Errorf("the run is over")
	}
	return <-reply
}

// switchToStepped parks every worker at its next step boundary.
func (r *Run) switchToStepped() error {
	if r.phase.Load() != int32(sim.PhaseRunning) {
		return fmt.Errorf("the run is stopping")
	}
	r.seg.SetClock(int64(time.Since(r.start)))
	r.seg.SetFlag(shm.FlagStepped, true)
	deadline := time.Now().Add(3 * time.Second)
	for {
		parked := true
		for i := 0; i < r.cfg.Workers(); i++ {
			if r.alive[i] && !r.seg.Slot(i).Parked() && sim.State(r.seg.Slot(i).State()) != sim.StateExited {
				parked = false
			}
		}
		if parked {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the workers did not stop within 3 s")
		}
		select {
		case ex := <-r.drv.exits():
			r.onExit(ex, false)
		case <-time.After(time.Millisecond):
		}
	}
	r.cfg.Mode = sim.ModeStepped
	r.stepped.Store(true)
	r.opts.Paused = true
	r.logf("run.stepped", time.Since(r.start).Round(time.Millisecond))
	return nil
}

// checkEvery is how often free mode checks the invariants.
const checkEvery = 50 * time.Millisecond

// injectAfterFaults kills the workers whose "after" fault is due.
func (r *Run) injectAfterFaults(elapsed time.Duration) {
	for i := range r.cfg.Faults {
		f := &r.cfg.Faults[i]
		if f.When != "after" || f.Count <= 0 || elapsed < f.After || !r.alive[f.Slot] {
			continue
		}
		f.Count--
		r.record(trace.FaultInjected, -1, sim.FaultKill, int64(f.Slot), []byte("killed by the scenario's fault"))
		r.logf("run.fault", r.cfg.WorkerName(f.Slot), r.PID(f.Slot))
		r.drv.kill(f.Slot)
	}
}

// KillWorker kills the worker in slot on the spot (the TUI's fault key).
// Its supervisor recovers what it held and starts a replacement.
func (r *Run) KillWorker(slot int) {
	if slot < 0 || slot >= r.cfg.Workers() {
		return
	}
	if r.stepped.Load() {
		r.send(command{kind: cmdKill, slot: slot})
		return
	}
	r.segMu.RLock()
	defer r.segMu.RUnlock()
	r.record(trace.FaultInjected, -1, sim.FaultKillByHand, int64(slot), []byte("killed from the keyboard"))
	r.drv.kill(slot)
}

// onExit handles a worker's end: record it, recover what it held, put its
// order back in the queue, and start a replacement unless the run is
// stopping or the worker left as told.
func (r *Run) onExit(ex exitInfo, stopping bool) {
	r.alive[ex.slot] = false
	r.noteExit(ex)
	r.drn.forget(ex.slot)
	name := r.cfg.WorkerName(ex.slot)
	if ex.status == 0 {
		return // it left as its program said (told to, or done): not a death
	}
	key, locks := sim.Recover(r.cfg, r.seg, ex.slot, ex.pid, r.sysPID, r.ctl, r.now(), r.seg.Steps())
	r.logf("run.workerended", name, ex.pid, describeExit(ex.status))
	for _, l := range locks {
		r.logf("run.recovered", name, l+1)
	}
	if key != 0 {
		r.requeue(key, ex.slot)
	}
	if stopping || r.restarts[ex.slot] >= maxRestarts {
		return
	}
	r.restarts[ex.slot]++
	if err := r.startWorker(ex.slot, r.restarts[ex.slot]); err != nil {
		r.logf("run.norestart", name, err)
		return
	}
	r.logf("run.restarted", name, r.PID(ex.slot))
}

// maxRestarts bounds restarts per slot, so a worker that cannot start does
// not loop forever.
const maxRestarts = 1000

// requeue puts order k, which the dead consumer in slot had in
// preparation, back in the queue.
func (r *Run) requeue(k trace.OrderKey, slot int) {
	for {
		r.sys.StartRequeue(k, slot)
		r.systemSection(nil)
		if !r.sys.NoRoom() || r.killed() {
			break
		}
		time.Sleep(time.Millisecond) // a full ring: let the kitchens take some
	}
	r.requeued.Add(1)
	r.logf("run.requeued", k, r.cfg.WorkerName(slot))
}

// systemSection runs the system worker's current section to its end,
// taking the lock like everybody else. before, if not nil, runs before each
// step (the checker reads the board while the section holds the lock).
func (r *Run) systemSection(before func(op sim.Op)) {
	b := &body{w: r.sys, seg: r.seg, slot: shm.SystemSlot, pid: r.sysPID, rec: r.ctl, spin: spinFor(r.cfg),
		start: r.start, gone: r.killCh, stuck: r.deadlocked}
	env := sim.Env{Seg: r.seg, PID: r.sysPID, Rec: r.ctl}
	for r.sys.Busy() {
		if before != nil {
			before(r.sys.Op())
		}
		if _, more := b.stepOnce(&env); !more {
			r.sys.Abandon(&env) // killed, or the workers deadlocked: let go of what it holds
			return
		}
	}
}

// checkFree checks the invariants of a free run. With the lock on, it
// reads under the lock (as the system worker), so the segment holds still.
// With the lock off there is nothing to hold it still: it scans twice, a
// moment apart, and reports only what both scans found.
func (r *Run) checkFree() {
	var found []sim.Violation
	if r.seg.HasFlag(shm.FlagLockOn) && r.cfg.LockScope == sim.ScopeShared {
		if !r.underLocks(func() { found = r.checker.Scan(r.seg) }) {
			return // somebody holds a lock: look again next time
		}
	} else {
		first := r.checker.Scan(r.seg)
		if len(first) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
		second := r.checker.Scan(r.seg)
		for _, v := range first {
			for _, w := range second {
				if v.Inv == w.Inv && v.Order == w.Order && v.Detail == w.Detail {
					found = append(found, v)
					break
				}
			}
		}
	}
	r.checker.Accept(r.seg, found)
	for _, v := range found {
		r.ctl.Record(&trace.Event{Step: r.seg.Steps(), Time: r.now(), Kind: trace.InvariantBroken,
			Worker: trace.System, Order: v.Order, Arg: int64(v.Inv), Arg2: int64(v.Other), Data: []byte(v.Detail)})
	}
}

// checkStuck says so, once, when the restaurant has been stuck for a
// second: every worker waits for an order or for room, and nobody can give
// either (see sim.Stuck). The run goes on: a teacher may stop it, or kill a
// worker, whose replacement starts afresh.
func (r *Run) checkStuck() {
	room, orders, stuck := sim.Stuck(r.cfg, r.seg)
	switch {
	case !stuck:
		r.stuckSince = time.Time{}
		r.stuckSaid = false
	case r.stuckSince.IsZero():
		r.stuckSince = time.Now()
	case !r.stuckSaid && time.Since(r.stuckSince) >= time.Second:
		r.stuckSaid = true
		r.logf("run.stuck", r.names(room), r.names(orders))
	}
}

// underLocks runs fn holding every lock, if it can take them all at once
// right now; it never waits (a deadlocked run must not hang its checker).
func (r *Run) underLocks(fn func()) bool {
	var held []shm.Lock
	defer func() {
		for _, l := range held {
			l.Unlock()
		}
	}()
	for i := 0; i < r.cfg.Locks; i++ {
		l := r.seg.Lock(i)
		if ok, _ := l.TryLock(r.sysPID); !ok {
			return false
		}
		held = append(held, l)
	}
	fn()
	return true
}

// deadlocked reports a circle of workers waiting for each other's locks
// that stayed the same (same lock words) for two checks in a row, and
// records it.
func (r *Run) deadlocked() bool {
	cycle, words := sim.WaitCycle(r.cfg, r.seg)
	prev, prevWords := r.cycle, r.cycleWords
	r.cycle, r.cycleWords = cycle, words
	if cycle == nil || !slices.Equal(cycle, prev) || !slices.Equal(words, prevWords) {
		return false
	}
	detail := sim.CycleText(r.cfg, r.seg, cycle)
	r.ctl.Record(&trace.Event{Step: r.seg.Steps(), Time: r.now(), Kind: trace.InvariantBroken, Worker: trace.System,
		Arg: int64(sim.InvDeadlock), Arg2: -1, Data: []byte(detail)})
	r.logf("run.deadlock", detail)
	return true
}

// inPreparation counts the orders the kitchens hold.
func (r *Run) inPreparation() int {
	n := 0
	for i := r.cfg.Producers; i < r.cfg.Workers(); i++ {
		if r.seg.Slot(i).Order() != 0 {
			n++
		}
	}
	return n
}

// shutdownFree is the original's graceful stop, steps 1–6 (finish does
// 7–9): mark, stop taking orders, stop the waiters, cancel what is pending,
// let the kitchens finish what they hold, let the kitchens go.
func (r *Run) shutdownFree() {
	phase := func(p sim.Phase, count int, key string, args ...any) {
		r.phase.Store(int32(p))
		r.record(trace.ShutdownPhase, -1, int64(p), int64(count), nil)
		r.logf(key, args...)
	}
	r.seg.SetFlag(shm.FlagShutdown, true)
	phase(sim.PhaseMarked, 0, "run.phase1")
	phase(sim.PhaseNoNewOrders, 0, "run.phase2")

	producers := r.slotsOf(shm.RoleProducer)
	phase(sim.PhaseStopProducers, len(producers), "run.phase3", len(producers))
	if !r.stopSlots(producers) {
		return
	}
	phase(sim.PhaseCancel, 0, "run.phase4")
	r.sys.StartCancel()
	r.systemSection(nil)
	if r.killed() {
		r.killAll()
		r.finish("killed", nil)
		return
	}
	n := len(r.sys.Cancelled())
	r.logf("run.cancelled", n)

	inPrep := r.inPreparation()
	phase(sim.PhaseDrain, inPrep, "run.phase5", inPrep)
	deadline := time.Now().Add(r.cfg.Drain)
	trail := []int{inPrep}
	for inPrep > 0 {
		if r.cfg.Drain > 0 && time.Now().After(deadline) {
			r.logf("run.gaveup", r.cfg.Drain, inPrep)
			break
		}
		select {
		case ex := <-r.drv.exits():
			r.onExit(ex, true)
		case <-r.killCh:
			r.killAll()
			r.finish("killed", nil)
			return
		case <-time.After(50 * time.Millisecond):
		}
		if n := r.inPreparation(); n != inPrep {
			inPrep = n
			trail = append(trail, n)
			r.record(trace.ShutdownPhase, -1, int64(sim.PhaseDrain), int64(n), nil)
			r.logf("run.waiting", n, arrows(trail))
		}
	}
	consumers := r.slotsOf(shm.RoleConsumer)
	phase(sim.PhaseStopConsumers, len(consumers), "run.phase6", len(consumers))
	if !r.stopSlots(consumers) {
		return
	}
	r.logf("run.phase789")
	r.finish(sim.StopGraceful, nil)
}

// arrows prints a countdown: "3 → 2 → 1 → 0".
func arrows(ns []int) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += " → "
		}
		s += strconv.Itoa(n)
	}
	return s
}

// slotsOf lists the live slots of a role.
func (r *Run) slotsOf(role shm.Role) []int {
	var s []int
	for i := 0; i < r.cfg.Workers(); i++ {
		if rl, _ := r.cfg.SlotRole(i); rl == role && r.alive[i] {
			s = append(s, i)
		}
	}
	return s
}

// stopSlots asks the workers in slots to leave (an exit request and
// SIGTERM), waits for them for the grace time, and kills those still
// there. It reports false when a kill request ended the run meanwhile.
func (r *Run) stopSlots(slots []int) bool {
	for _, i := range slots {
		r.drv.terminate(i)
	}
	grace := time.After(r.cfg.Grace)
	killed := false
	for r.anyAlive(slots) {
		select {
		case ex := <-r.drv.exits():
			r.onExit(ex, true)
		case <-grace:
			if !killed {
				for _, i := range slots {
					if r.alive[i] {
						r.logf("run.slowleave", r.cfg.WorkerName(i), r.cfg.Grace)
						r.drv.kill(i)
					}
				}
				killed = true
			}
		case <-r.killCh:
			r.killAll()
			r.finish("killed", nil)
			return false
		}
	}
	return true
}

func (r *Run) anyAlive(slots []int) bool {
	for _, i := range slots {
		if r.alive[i] {
			return true
		}
	}
	return false
}

func (r *Run) killed() bool {
	select {
	case <-r.killCh:
		return true
	default:
		return false
	}
}

// killAll kills every worker and reaps them.
func (r *Run) killAll() {
	r.seg.SetFlag(shm.FlagExit, true)
	var all []int
	for i := 0; i < r.cfg.Workers(); i++ {
		if r.alive[i] {
			all = append(all, i)
			r.drv.kill(i)
		}
	}
	deadline := time.After(10 * time.Second)
	for r.anyAlive(all) {
		select {
		case ex := <-r.drv.exits():
			r.alive[ex.slot] = false
			r.noteExit(ex)
		case <-deadline:
			r.logf("run.notdead")
			return
		}
	}
}
