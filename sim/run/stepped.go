package run

import (
	"errors"
	"fmt"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// steppedLoop is the controller of a stepped run: a sim.Machine decides
// every step; the driver carries it out. Deaths (faults) and exits are
// handled right after the step that caused them, before the next step, so
// that a stepped run is the same every time.
func (r *Run) steppedLoop() {
	sched, err := sim.NewScheduler(r.cfg, r.opts.Policy, r.opts.Schedule)
	if err != nil {
		r.seg.SetFlag(shm.FlagExit, true)
		r.killAll()
		r.finish(sim.StopError, err)
		return
	}
	m := sim.NewMachine(r.cfg, r.seg, sched, r.drv, r.ctl, r.sysPID)
	r.machine = m
	stopAsked := false
	for {
		select {
		case <-r.killCh:
			r.killAll()
			r.finish("killed", nil)
			return
		case <-r.stopCh:
			if !stopAsked {
				m.RequestStop()
				stopAsked = true
			}
		default:
		}
		for _, slot := range m.Due() {
			r.record(trace.FaultInjected, -1, sim.FaultKill, int64(slot), []byte("killed by the scenario's fault"))
			r.drv.kill(slot)
			r.awaitExit(slot, m)
		}
		var more bool
		if sched.Policy() == sim.PolicyManual {
			more = r.manualStep(m)
		} else {
			more = m.Step()
		}
		r.steps.Store(m.Steps())
		r.phase.Store(int32(m.Phase()))
		for i := 0; i < r.cfg.Workers(); i++ {
			if r.alive[i] && sim.State(r.seg.Slot(i).State()) == sim.StateExited {
				r.awaitExit(i, m)
			}
		}
		if !more {
			break
		}
	}
	reason, err := m.Stopped()
	if reason == sim.StopMaxSteps {
		r.logf("stopped after %d steps (max_steps)", m.Steps())
	}
	r.seg.SetFlag(shm.FlagExit, true)
	r.endStepped()
	r.finish(reason, err)
}

// awaitExit waits for the worker in slot to end (it left, died or was
// killed) and handles it: a death is recovered and the worker restarted
// while the run is not stopping.
func (r *Run) awaitExit(slot int, m *sim.Machine) {
	deadline := time.After(10 * time.Second)
	for r.alive[slot] {
		select {
		case ex := <-r.drv.exits():
			r.alive[ex.slot] = false
			r.noteExit(ex)
			r.drn.forget(ex.slot)
			if ex.status == 0 {
				continue
			}
			m.Died(ex.slot, ex.pid)
			r.logf("%s (PID %d) ended: %s", r.cfg.WorkerName(ex.slot), ex.pid, describeExit(ex.status))
			if m.Phase() == sim.PhaseRunning && r.restarts[ex.slot] < maxRestarts {
				r.restarts[ex.slot]++
				if err := r.startWorker(ex.slot, r.restarts[ex.slot]); err != nil {
					r.logf("could not restart %s: %v", r.cfg.WorkerName(ex.slot), err)
				}
			}
		case <-deadline:
			r.logf("%s did not end within 10 s: killing it", r.cfg.WorkerName(slot))
			r.drv.kill(slot)
			deadline = time.After(10 * time.Second)
		}
	}
}

// endStepped lets the workers still there go (they see the exit flag at
// their next turn) and reaps them.
func (r *Run) endStepped() {
	var left []int
	for i := 0; i < r.cfg.Workers(); i++ {
		if r.alive[i] {
			left = append(left, i)
			r.drv.terminate(i)
			shm.Wake32(r.seg.Slot(i).TurnWord(), 1)
		}
	}
	grace := time.After(2 * time.Second)
	for r.anyAlive(left) {
		select {
		case ex := <-r.drv.exits():
			r.alive[ex.slot] = false
			r.noteExit(ex)
		case <-grace:
			for _, i := range left {
				if r.alive[i] {
					r.drv.kill(i)
				}
			}
			grace = time.After(10 * time.Second)
		}
	}
}

// ErrNotManual is returned by Pick when the run is not scheduled by hand.
var ErrNotManual = errors.New("this run is not scheduled by hand")

// A pick is a request from the person at the keyboard.
type pick struct {
	slot  int
	reply chan error
}

// Pick makes the worker in slot take the next step of a manual stepped run
// (the person at the keyboard is the scheduler). It returns why the worker
// cannot run, if it cannot.
func (r *Run) Pick(slot int) error {
	if r.cfg.Mode != sim.ModeStepped || r.opts.Policy != sim.PolicyManual {
		return ErrNotManual
	}
	p := pick{slot: slot, reply: make(chan error, 1)}
	select {
	case r.picks <- p:
	case <-r.doneCh:
		return fmt.Errorf("the run is over")
	}
	return <-p.reply
}

// manualStep waits for a pick and carries it out. The system worker's
// steps (a stop's cancellations, a requeue) need no pick.
func (r *Run) manualStep(m *sim.Machine) bool {
	before := m.Steps()
	if more := m.Step(); !more {
		return false
	}
	if m.Steps() != before || m.Phase() != sim.PhaseRunning {
		return true // the system worker took a step, or the stop runs by itself
	}
	select {
	case p := <-r.picks:
		more, err := m.StepWorker(p.slot)
		p.reply <- err
		return more
	case <-r.stopCh:
		m.RequestStop()
		return true
	case <-r.killCh:
		return true
	}
}
