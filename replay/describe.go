package replay

import (
	"fmt"
	"strings"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// Describe says in plain words what event i did, in language l: "P1 takes
// lock 1", "C2 finishes order 10003".
func (r *Replay) Describe(l i18n.Lang, i int) string {
	return Describe(l, r.cfg, r.pidNames(i), &r.events[i])
}

// pidNames maps the PIDs of the workers started before event i to their
// names (to name a lock's holder).
func (r *Replay) pidNames(i int) func(int64) string {
	return func(pid int64) string {
		for j := i; j >= 0; j-- {
			e := &r.events[j]
			if e.Kind == trace.WorkerStarted && e.Arg == pid {
				return r.WorkerName(e.Worker)
			}
		}
		if pid == int64(sim.FakePID(shm.SystemSlot)) || pid == int64(r.controllerPID()) {
			return "S"
		}
		return fmt.Sprintf("PID %d", pid)
	}
}

func (r *Replay) controllerPID() int {
	if len(r.events) > 0 && r.events[0].Kind == trace.RunStarted {
		return int(r.events[0].Arg)
	}
	return -1
}

// Describe says in plain words what e did. holder names a PID (the holder
// of a lock); it may be nil.
func Describe(l i18n.Lang, cfg *sim.Config, holder func(int64) string, e *trace.Event) string {
	who := i18n.T(l, "ev.system")
	if e.Worker != trace.System {
		who = cfg.WorkerName(int(e.Worker))
	}
	name := func(pid int64) string {
		if holder != nil {
			return holder(pid)
		}
		return fmt.Sprintf("PID %d", pid)
	}
	lock := int(e.Lock) + 1
	T := func(key string, args ...any) string { return i18n.T(l, key, args...) }
	switch e.Kind {
	case trace.RunStarted:
		return T("ev.run-started")
	case trace.RunEnded:
		return T("ev.run-ended")
	case trace.WorkerStarted:
		if e.Arg2 > 0 {
			return T("ev.worker-restarted", who, e.Arg)
		}
		return T("ev.worker-started", who, e.Arg)
	case trace.WorkerExited:
		return T("ev.worker-exited", who, exitWords(e.Arg2))
	case trace.LockAttempted:
		return T("ev.lock-attempt", who, lock)
	case trace.LockAcquired:
		if e.Arg > 0 {
			return T("ev.lock-acquired-wait", who, lock, time.Duration(e.Arg).Round(time.Microsecond))
		}
		return T("ev.lock-acquired", who, lock)
	case trace.LockContended:
		return T("ev.lock-contended", who, lock, name(e.Arg))
	case trace.LockReleased:
		return T("ev.lock-released", who, lock)
	case trace.LockSkipped:
		if e.Arg == 0 {
			return T("ev.lock-skipped-in", who)
		}
		return T("ev.lock-skipped-out", who)
	case trace.LockOwnerDied:
		return T("ev.lock-owner-died", who, cfg.WorkerName(int(e.Arg2)), lock)
	case trace.MemRead:
		return T("ev.mem-read", who, e.Arg2)
	case trace.MemWritten:
		return T("ev.mem-write", who, e.Arg2, e.Arg)
	case trace.OrderCreated:
		return T("ev.order-created", who, e.Order)
	case trace.OrderTaken:
		return T("ev.order-taken", who, e.Order)
	case trace.OrderDone:
		return T("ev.order-done", who, e.Order)
	case trace.OrderCancelled:
		return T("ev.order-cancelled", e.Order)
	case trace.OrderRequeued:
		return T("ev.order-requeued", e.Order)
	case trace.OrderDropped:
		return T("ev.order-dropped", e.Order, shm.Status(e.Arg))
	case trace.Slept:
		d := time.Duration(e.Arg).Round(time.Millisecond)
		switch e.Arg2 {
		case trace.SleepThink:
			return T("ev.sleep-think", who, d)
		case trace.SleepPrep:
			return T("ev.sleep-prep", who, d)
		case trace.SleepRetry:
			return T("ev.sleep-retry", who, d)
		case trace.SleepPace:
			return T("ev.sleep-pace", who, time.Duration(e.Arg))
		}
		return T("ev.sleep", who, d)
	case trace.Waited:
		if e.Arg == sim.WaitSpace {
			return T("ev.wait-space", who)
		}
		return T("ev.wait-orders", who)
	case trace.InvariantBroken:
		who := ""
		if e.Worker != trace.System {
			who = cfg.WorkerName(int(e.Worker))
		}
		order := ""
		if e.Order != 0 {
			order = e.Order.String()
		}
		return T("ev.violation", sim.Invariant(e.Arg), ViolationText(l, sim.Invariant(e.Arg).String(), who, order, string(e.Data)))
	case trace.ShutdownPhase:
		return T("ev.shutdown", e.Arg)
	case trace.TimerFired:
		return T("ev.timer", time.Duration(e.Arg))
	case trace.LockSwitched:
		if e.Arg != 0 {
			return T("ev.lock-on")
		}
		return T("ev.lock-off")
	case trace.FaultInjected:
		return T("ev.fault", string(e.Data))
	case trace.ReadFailed:
		return T("ev.read-failed", who, e.Arg, strings.TrimPrefix(string(e.Data), "board: "))
	case trace.StepGranted:
		return T("ev.step", e.Step, who)
	}
	return e.Kind.String()
}

// exitWords says how a process ended.
func exitWords(status int64) string {
	switch {
	case status == 0:
		return "0"
	case status == -9:
		return "SIGKILL"
	case status == -15:
		return "SIGTERM"
	case status < 0:
		return fmt.Sprintf("signal %d", -status)
	}
	return fmt.Sprintf("exit %d", status)
}

// ViolationText says what a violation of invariant kind is, in language
// l: in English the checker's own words (detail), which name the writers,
// the orders and the bytes; in another language what the invariant means,
// who broke it and which order, from the catalogue.
func ViolationText(l i18n.Lang, kind, worker, order, detail string) string {
	if l == i18n.EN {
		return detail
	}
	text := i18n.T(l, "inv."+kind)
	if worker != "" {
		text = worker + ": " + text
	}
	if order != "" {
		text += " (" + i18n.T(l, "inv.order", order) + ")"
	}
	return text
}
