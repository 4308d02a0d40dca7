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
// handled right after the step that caused them, before the next step, and
// so are the commands from the keyboard (a pick, the lock switch, a kill),
// so that a stepped run is the same every time it is replayed.
func (r *Run) steppedLoop() {
	sched, err := sim.NewScheduler(r.cfg, r.opts.Policy, r.opts.Schedule)
	if err != nil {
		r.seg.SetFlag(shm.FlagExit, true)
		r.killAll()
		r.finish(sim.StopError, err)
		return
	}
	takeOver := r.opts.ThenPolicy != "" && sched.Policy() == sim.PolicyScript
	if takeOver {
		sched.Then(r.opts.ThenPolicy)
	}
	m := sim.NewMachine(r.cfg, r.seg, sched, r.drv, r.ctl, r.sysPID)
	r.machine = m
	paused := r.opts.Paused || sched.Policy() == sim.PolicyManual
	stopAsked := false
	var held *command // a command that came in during the pause between two steps
	for {
		r.intervene(m)
		// Between two steps: orders from outside.
		var c *command
		if held != nil {
			c, held = held, nil
		} else if paused && !stopAsked && m.Phase() == sim.PhaseRunning && !sched.ScriptDone() {
			// (A finished script needs no one: the next step ends the run.)
			select {
			case <-r.killCh:
				r.killAll()
				r.finish("killed", nil)
				return
			case <-r.stopCh:
				m.RequestStop()
				stopAsked = true
			case cmd := <-r.cmds:
				c = &cmd
			}
		} else if r.calls.Load() != 0 {
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
			case cmd := <-r.cmds:
				c = &cmd
			default:
			}
		}
		pick := -1
		if c != nil {
			switch c.kind {
			case cmdPause:
				paused = c.on
				c.reply <- nil
				continue
			case cmdDelay:
				r.opts.StepDelay = c.delay
				c.reply <- nil
				continue
			case cmdLock:
				r.switchLock(c.on)
				c.reply <- nil
				continue
			case cmdKill:
				r.killStepped(m, c.slot, sim.FaultKillByHand)
				c.reply <- nil
				continue
			case cmdPick:
				pick = c.slot
			case cmdStep:
				if sched.Policy() == sim.PolicyManual {
					c.reply <- ErrNeedPick
					continue
				}
			}
		}
		for _, slot := range m.Due() {
			r.killStepped(m, slot, sim.FaultKill)
		}
		var more bool
		var err error
		if pick >= 0 {
			more, err = m.StepWorker(pick)
		} else {
			more = m.Step()
		}
		if c != nil {
			c.reply <- err
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
		if takeOver && sched.Policy() != sim.PolicyScript {
			takeOver, paused = false, true // the replayed part is over: a person takes over
			r.tookOver.Store(true)
			r.logf("run.takeover", m.Steps())
		}
		if !paused && r.opts.StepDelay > 0 && m.Phase() == sim.PhaseRunning {
			select {
			case <-time.After(r.opts.StepDelay):
			case <-r.stopCh:
			case <-r.killCh:
			case cmd := <-r.cmds:
				held = &cmd
			}
		}
	}
	reason, err := m.Stopped()
	if reason == sim.StopMaxSteps {
		r.logf("run.maxsteps", m.Steps())
	}
	if room, orders, stuck := sim.Stuck(r.cfg, r.seg); reason == sim.StopIdle && stuck {
		r.logf("run.stuckstep", m.Steps(), r.names(room), r.names(orders))
	}
	r.seg.SetFlag(shm.FlagExit, true)
	r.endStepped()
	r.finish(reason, err)
}

// intervene carries out the interventions due at this step (a replayed
// run repeats the stops, lock switches and kills of the recorded one).
func (r *Run) intervene(m *sim.Machine) {
	now := r.seg.Steps()
	for len(r.opts.Interventions) > 0 && r.opts.Interventions[0].AfterStep <= now {
		iv := r.opts.Interventions[0]
		r.opts.Interventions = r.opts.Interventions[1:]
		switch iv.Kind {
		case "stop":
			m.RequestStop()
		case "lock-on", "lock-off":
			r.switchLock(iv.Kind == "lock-on")
		case "kill":
			r.killStepped(m, iv.Slot, sim.FaultKillByHand)
		}
	}
}

// killStepped kills the worker in slot between two steps and handles its
// death before the next.
func (r *Run) killStepped(m *sim.Machine, slot int, how int64) {
	if slot < 0 || slot >= r.cfg.Workers() || !r.alive[slot] {
		return
	}
	why := "killed by the scenario's fault"
	if how == sim.FaultKillByHand {
		why = "killed from the keyboard"
	}
	r.record(trace.FaultInjected, -1, how, int64(slot), []byte(why))
	r.drv.kill(slot)
	r.awaitExit(slot, m)
}

// awaitExit waits for the worker in slot to end (it left, died or was
// killed) and handles it: a death is recovered and the worker restarted
// while the run is not stopping.
func (r *Run) awaitExit(slot int, m *sim.Machine) {
	deadline := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case ex := <-r.drv.exits():
			done = ex.slot == slot
			r.alive[ex.slot] = false
			r.noteExit(ex)
			r.drn.forget(ex.slot)
			if ex.status == 0 {
				continue
			}
			m.Died(ex.slot, ex.pid)
			r.logf("run.workerended", r.cfg.WorkerName(ex.slot), ex.pid, describeExit(ex.status))
			if m.Phase() == sim.PhaseRunning && r.restarts[ex.slot] < maxRestarts {
				r.restarts[ex.slot]++
				if err := r.startWorker(ex.slot, r.restarts[ex.slot]); err != nil {
					r.logf("run.norestart", r.cfg.WorkerName(ex.slot), err)
				}
			}
		case <-deadline:
			r.logf("run.slowstep", r.cfg.WorkerName(slot))
			r.drv.kill(slot)
			deadline = time.After(10 * time.Second)
		}
	}
}

// endStepped lets the workers still there go (they see the exit flag at
// their next turn) and reaps them. Their exits are recorded in slot order,
// whatever order the processes ended in, so that the trace is the same in
// every run.
func (r *Run) endStepped() {
	var left []int
	for i := 0; i < r.cfg.Workers(); i++ {
		if r.alive[i] {
			left = append(left, i)
			r.drv.terminate(i)
			shm.Wake32(r.seg.Slot(i).TurnWord(), 1)
		}
	}
	ends := map[int]exitInfo{}
	grace := time.After(2 * time.Second)
	for r.anyAlive(left) {
		select {
		case ex := <-r.drv.exits():
			r.alive[ex.slot] = false
			ends[ex.slot] = ex
		case <-grace:
			for _, i := range left {
				if r.alive[i] {
					r.drv.kill(i)
				}
			}
			grace = time.After(10 * time.Second)
		}
	}
	for _, i := range left {
		if ex, ok := ends[i]; ok {
			r.noteExit(ex)
		}
	}
}

// ErrNotStepped is returned by the step commands of a free run.
var ErrNotStepped = errors.New("this run is not stepped")

// ErrNeedPick is returned by StepOnce when a person schedules the run: say
// whom with Pick.
var ErrNeedPick = errors.New("this run is scheduled by hand: pick the worker that takes the next step")

// A command is an order from outside a stepped run, carried out between two
// steps.
type command struct {
	kind  cmdKind
	slot  int
	on    bool
	delay time.Duration
	reply chan error
}

type cmdKind int

const (
	cmdStep  cmdKind = iota // the scheduler's next step
	cmdPick                 // the next step, by the worker in slot
	cmdPause                // pause (on) or go on stepping by itself
	cmdLock                 // switch the lock
	cmdKill                 // kill the worker in slot
	cmdDelay                // set the pause between steps
)

// send hands a command to the stepped loop and waits for it to be done.
func (r *Run) send(c command) error {
	if !r.stepped.Load() {
		return ErrNotStepped
	}
	c.reply = make(chan error, 1)
	r.calls.Add(1)
	defer r.calls.Add(-1)
	select {
	case r.cmds <- c:
	case <-r.doneCh:
		return fmt.Errorf("the run is over")
	}
	select {
	case err := <-c.reply:
		return err
	case <-r.doneCh:
		return fmt.Errorf("the run is over")
	}
}

// StepOnce takes the scheduler's next step of a paused stepped run.
func (r *Run) StepOnce() error { return r.send(command{kind: cmdStep}) }

// Pick makes the worker in slot take the next step (the person at the
// keyboard is the scheduler). It returns why the worker cannot run, if it
// cannot.
func (r *Run) Pick(slot int) error { return r.send(command{kind: cmdPick, slot: slot}) }

// SetStepDelay sets the pause between two steps of a stepped run that
// steps by itself (its speed).
func (r *Run) SetStepDelay(d time.Duration) error {
	return r.send(command{kind: cmdDelay, delay: d})
}

// SetPaused pauses a stepped run (it then steps on StepOnce and Pick only)
// or lets it go on by itself.
func (r *Run) SetPaused(on bool) error { return r.send(command{kind: cmdPause, on: on}) }

// TookOver reports whether a run with a ThenPolicy has replayed its script
// and waits for the person at the keyboard.
func (r *Run) TookOver() bool { return r.tookOver.Load() }

// Stepped reports whether the run is in stepped mode (it started so, or a
// free run switched).
func (r *Run) Stepped() bool { return r.stepped.Load() }
