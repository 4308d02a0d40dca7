package sim

import (
	"encoding/binary"
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
	var held []shm.Lock
	for i := 0; i < cfg.Locks; i++ {
		lock := lockOf(cfg, seg, slot, i)
		lock.Forget(slot) // it may have died asleep on the lock
		v := lock.Load()
		if pid == 0 || shm.LockOwner(v) != pid {
			continue
		}
		if !lock.TakeOver(v, sysPID) {
			continue // somebody else recovered it first
		}
		locks = append(locks, i)
		held = append(held, lock)
		if rec != nil {
			rec.Record(&trace.Event{Step: step, Time: now, Kind: trace.LockOwnerDied, Worker: trace.System,
				Lock: uint8(i), Arg: int64(pid), Arg2: int64(slot)})
			rec.Record(&trace.Event{Step: step, Time: now, Kind: trace.InvariantBroken, Worker: trace.System,
				Arg: int64(InvLockOwnerDied), Arg2: int64(slot),
				Data: []byte(OwnerDiedText(cfg, slot, pid, i, -1))})
		}
	}
	key := trace.OrderKey(sl.Order())
	if len(held) > 0 || !seg.HasFlag(shm.FlagLockOn) {
		// It died inside its critical section: its commit may or may not
		// have happened. The region (which only we can touch now) says.
		key = repair(cfg, seg, slot, key, rec, now, step)
	}
	for _, lock := range held {
		lock.Unlock()
		lock.WakeAll()
	}
	sl.Reset()
	return key, locks
}

// repair settles the accounts of a worker that died between its commit and
// its counts: a producer whose order is in the region is counted as having
// created it; a kitchen whose order is already done (in the region, or gone
// from the ring) is counted as having finished it. It returns the order to
// put back in the queue (0: none).
func repair(cfg *Config, seg *shm.Segment, slot int, key trace.OrderKey, rec Recorder, now int64, step uint64) trace.OrderKey {
	if cfg.Protocol == ProtoRing {
		return repairRing(cfg, seg, slot, key, rec, now, step)
	}
	var dec shm.BoardDecoder
	var b shm.Board
	if ReadBoard(cfg, seg.Data(), &dec, &b) != nil {
		return key // torn: nothing can be read; the next reader reports it
	}
	find := func(k trace.OrderKey) *shm.Order {
		for i := range b.Orders {
			if orderKey(&b.Orders[i]) == k {
				return &b.Orders[i]
			}
		}
		return nil
	}
	sl := seg.Slot(slot)
	note := func(kind trace.Kind, k trace.OrderKey) {
		if rec != nil {
			rec.Record(&trace.Event{Step: step, Time: now, Kind: kind, Worker: uint8(slot), Order: k})
		}
	}
	role, id := cfg.SlotRole(slot)
	if n := sl.PendingN(); role == shm.RoleProducer && n != 0 && !countedCreated(sl, n) {
		if k := trace.MakeOrderKey(id, n); find(k) != nil {
			sl.AddCreated()
			note(trace.OrderCreated, k)
		}
	}
	if key == 0 || role != shm.RoleConsumer {
		return 0
	}
	o := find(key)
	switch {
	case o != nil && o.Status == shm.StatusDone && o.Consumer == id:
		if !countedDone(seg, key) {
			seg.Ledger(key.Producer() - 1).Complete(key.N())
			sl.AddCompleted()
			note(trace.OrderDone, key)
		}
		return 0
	case o != nil && o.Status == shm.StatusInPrep && o.Consumer == id:
		return key
	}
	return 0 // its take never happened
}

// countedCreated reports whether a producer that died creating its n-th
// order got as far as counting it (its commit counts before it clears
// PendingN: a death in between must not count it twice).
func countedCreated(sl shm.Slot, n int) bool { return sl.Created() >= uint64(n) }

// countedDone reports whether the ledger already has order k finished (a
// kitchen that died after its commit counted the finish, before it let go
// of the order: counting it again would make it "cooked twice").
func countedDone(seg *shm.Segment, k trace.OrderKey) bool {
	return seg.Ledger(k.Producer()-1).Get(k.N()).Completed > 0
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

// WaitCycle looks for workers waiting for each other in a circle: each is
// blocked on a lock the next one holds, so none can ever go on (a deadlock
// in free mode, read from the slots). It returns the slots of the circle,
// in order, and the lock word each waits on, or nil.
func WaitCycle(cfg *Config, seg *shm.Segment) (slots []int, words []uint64) {
	n := cfg.Workers()
	next := make([]int, n) // the worker each one waits for, or -1
	word := make([]uint64, n)
	for i := 0; i < n; i++ {
		next[i] = -1
		sl := seg.Slot(i)
		if State(sl.State()) != StateBlocked || sl.BlockedOn() == 0 {
			continue
		}
		v := lockOf(cfg, seg, i, sl.BlockedOn()-1).Load()
		owner := shm.LockOwner(v)
		for j := 0; j < n; j++ {
			if owner != 0 && seg.Slot(j).PID() == owner && j != i {
				next[i], word[i] = j, v
			}
		}
	}
	for start := 0; start < n; start++ {
		// Follow the waits from start; a circle comes back to a worker
		// already on the path.
		seen := map[int]int{}
		var path []int
		for i := start; i >= 0; i = next[i] {
			if at, ok := seen[i]; ok {
				cycle := path[at:]
				for _, s := range cycle {
					words = append(words, word[s])
				}
				return cycle, words
			}
			seen[i] = len(path)
			path = append(path, i)
		}
	}
	return nil, nil
}

// CycleText describes a circle of waits in words.
func CycleText(cfg *Config, seg *shm.Segment, cycle []int) string {
	s := "nobody can go on: "
	for k, i := range cycle {
		j := cycle[(k+1)%len(cycle)]
		if k > 0 {
			s += "; "
		}
		s += fmt.Sprintf("%s waits for lock %d, which %s holds", cfg.WorkerName(i), seg.Slot(i).BlockedOn(), cfg.WorkerName(j))
	}
	return s
}

// repairRing settles a ring after a worker died inside its critical
// section, half through its write. Each write publishes itself with its
// last store (the head for an added order, the tail for a taken one, the
// cleared kitchen entry for a finished one), so the region says how far it
// got: a write that did not publish is rolled back, one that did is
// counted. The ring's counters are then set from the workers' own counts,
// which the repair has just made right (the lock is ours: nobody moves).
func repairRing(cfg *Config, seg *shm.Segment, slot int, key trace.OrderKey, rec Recorder, now int64, step uint64) trace.OrderKey {
	region := seg.Data()
	head, tail, slots, err := ringCheck(cfg, region)
	if err != nil {
		return key
	}
	queued := func(k trace.OrderKey) bool {
		for i := tail; i != head; i = (i + 1) % slots {
			if ringKey(shm.GetRingOrder(region[shm.RingSlotOffset(i):])) == k {
				return true
			}
		}
		return false
	}
	note := func(kind trace.Kind, k trace.OrderKey) {
		if rec != nil {
			rec.Record(&trace.Event{Step: step, Time: now, Kind: kind, Worker: uint8(slot), Order: k})
		}
	}
	sl := seg.Slot(slot)
	role, id := cfg.SlotRole(slot)
	out := trace.OrderKey(0)
	switch role {
	case shm.RoleProducer:
		if n := sl.PendingN(); n != 0 && !countedCreated(sl, n) && queued(trace.MakeOrderKey(id, n)) {
			sl.AddCreated() // the head moved: the order is in the queue
			note(trace.OrderCreated, trace.MakeOrderKey(id, n))
		}
	case shm.RoleConsumer:
		if key == 0 || id > shm.RingKitchens {
			break
		}
		entry := region[shm.RingPrepOffset(id):]
		o := shm.GetRingOrder(entry)
		inPrep := o.Status == shm.StatusInPrep && ringKey(o) == key
		switch {
		case inPrep && queued(key):
			clear(entry[:shm.RingSlotSize]) // the tail did not move: no take
		case inPrep:
			out = key // taken, not finished: back to the queue
		case !queued(key) && !countedDone(seg, key):
			// Neither in the kitchen nor queued: its finish was published.
			seg.Ledger(key.Producer() - 1).Complete(key.N())
			sl.AddCompleted()
			note(trace.OrderDone, key)
		}
	}
	t := SumCounts(cfg, seg)
	var num [8]byte
	binary.LittleEndian.PutUint64(num[:], t.Created)
	copy(region[shm.RingCreated:], num[:])
	binary.LittleEndian.PutUint64(num[:], t.Completed)
	copy(region[shm.RingProcessed:], num[:])
	return out
}
