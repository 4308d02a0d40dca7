package sim

import (
	"fmt"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// Recover cleans up after the worker in slot died (its process was reaped,
// so the death is certain): it takes over every lock the dead process held
// (with a compare-and-swap on the exact word, so a waiter that noticed the
// death first is not overruled), records lock-owner-died, frees the lock for
// the others, and clears the slot. It returns the order the worker had in
// preparation (0: none), which the caller puts back in the queue, and the
// locks it recovered.
//
// The data region needs no repair here: with the shadow protocol the
// committed copy is intact (a half-written copy is never flipped in); with
// the seed protocol a half-done write stays torn, and the next reader finds
// it and reports torn-write, which is the lesson.
func Recover(cfg *Config, seg *shm.Segment, slot, pid, sysPID int, rec Recorder, now int64, step uint64) (trace.OrderKey, []int) {
	sl := seg.Slot(slot)
	var locks []int
	for i := 0; i < cfg.Locks; i++ {
		lock := lockOf(cfg, seg, slot, i)
		v := lock.Load()
		if pid == 0 || shm.LockOwner(v) != pid {
			continue
		}
		if !lock.TakeOver(v, sysPID) {
			continue // somebody else recovered it first
		}
		locks = append(locks, i)
		if rec != nil {
			rec.Record(&trace.Event{Step: step, Time: now, Kind: trace.LockOwnerDied, Worker: trace.System,
				Lock: uint8(i), Arg: int64(pid), Arg2: int64(slot)})
			rec.Record(&trace.Event{Step: step, Time: now, Kind: trace.InvariantBroken, Worker: trace.System,
				Arg: int64(InvLockOwnerDied), Arg2: int64(slot),
				Data: []byte(OwnerDiedText(cfg, slot, pid, i, -1))})
		}
		lock.Unlock()
		lock.WakeAll()
	}
	key := trace.OrderKey(sl.Order())
	sl.Reset()
	return key, locks
}

// The FaultInjected event's Arg: a kill the scenario asked for, or one
// from the keyboard.
const (
	FaultKill       = 1
	FaultKillByHand = 2
)

// OwnerDiedText describes a lock taken over from a dead owner, by the
// worker in slot by (-1: the controller).
func OwnerDiedText(cfg *Config, slot, pid, lock, by int) string {
	who := "the controller"
	if by >= 0 && by != shm.SystemSlot {
		who = cfg.WorkerName(by)
	}
	name := fmt.Sprintf("PID %d", pid)
	if slot >= 0 {
		name = fmt.Sprintf("%s (PID %d)", cfg.WorkerName(slot), pid)
	}
	return fmt.Sprintf("%s died holding lock %d; %s took the lock over and freed it", name, lock+1, who)
}
