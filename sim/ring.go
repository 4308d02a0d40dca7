package sim

import (
	"encoding/binary"
	"fmt"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// This file holds the body of a critical section over the ring protocol:
// the textbook bounded buffer (see shm.RingDataSize). A section reads the
// indexes (and the slot it needs) in one step and writes what changes in
// the next; a producer that finds the ring full, or a kitchen that finds it
// empty, leaves its section and waits.

// RingError says why a ring region is not a state anybody committed.
type RingError struct{ Head, Tail, Slots, Want int }

func (e *RingError) Error() string {
	return fmt.Sprintf("ring indexes out of range: head %d, tail %d, %d slots (expected %d)", e.Head, e.Tail, e.Slots, e.Want)
}

// ringCheck reads and checks the ring's indexes.
func ringCheck(cfg *Config, region []byte) (head, tail, slots int, err error) {
	head, tail, slots = shm.RingIndexes(region)
	if slots != cfg.Capacity+1 || head < 0 || head >= slots || tail < 0 || tail >= slots {
		return 0, 0, 0, &RingError{Head: head, Tail: tail, Slots: slots, Want: cfg.Capacity + 1}
	}
	return head, tail, slots, nil
}

// piece is part of a ring write: bytes for a region offset.
type piece struct {
	off  int
	from int // in w.out
	n    int
}

// put queues bytes b for region offset off.
func (w *Worker) put(off int, b []byte) {
	w.pieces = append(w.pieces, piece{off: off, from: len(w.out), n: len(b)})
	w.out = append(w.out, b...)
}

// ringKey returns the key of a ring order.
func ringKey(o shm.RingOrder) trace.OrderKey { return trace.MakeOrderKey(o.Producer, o.N) }

// ringRead reads the ring and prepares the section's write.
func (w *Worker) ringRead(env *Env) Outcome {
	w.noteVersions(env)
	region := env.Seg.Data()
	w.readStamp = env.Seg.LoadWriteStamp()
	w.emit(env, trace.MemRead, 0, 0, 0, shm.RingHeader, nil)
	head, tail, slots, err := ringCheck(w.cfg, region)
	if err != nil {
		w.failures++
		w.emit(env, trace.ReadFailed, 0, 0, int64(w.failures), 0, []byte(err.Error()))
		if w.failures == 1 {
			w.violation(env, InvTornWrite, 0, -1, fmt.Sprintf("%s read a ring that makes no sense: %v", w.name(), err))
		}
		w.op = OpRelease
		w.retrying = true
		return Outcome{Next: NextRun}
	}
	w.failures = 0
	w.out, w.pieces = w.out[:0], w.pieces[:0]
	w.changed = false
	w.commit = commitInfo{}
	var b [shm.RingSlotSize]byte
	var num [8]byte
	switch w.tx {
	case txAdd:
		if (head+1)%slots == tail {
			break // full: the producer waits for room
		}
		n := int(env.Seg.Slot(w.Slot).Created()) + 1
		o := shm.RingOrder{ID: shm.OrderID(w.ID, n), Timestamp: w.timestamp(env), Producer: w.ID, Consumer: -1,
			Table: 1 + w.rng.IntN(w.cfg.Tables), Item: w.rng.IntN(len(w.cfg.Menu)), Status: shm.StatusPending, N: n}
		env.Seg.Slot(w.Slot).SetPendingN(n)
		// The order first, the index that publishes it last: a producer
		// that dies in between leaves nothing half visible (see
		// repairRing).
		created, _ := shm.RingTotals(region)
		shm.PutRingOrder(b[:], o)
		w.put(shm.RingSlotOffset(head), b[:])
		binary.LittleEndian.PutUint64(num[:], uint64(created+1))
		w.put(shm.RingCreated, num[:8])
		binary.LittleEndian.PutUint32(num[:], uint32((head+1)%slots))
		w.put(shm.RingHead, num[:4])
		w.commit.kind, w.commit.key = trace.OrderCreated, ringKey(o)
	case txTake:
		if env.Seg.HasFlag(shm.FlagShutdown) || head == tail {
			break // a stopping kitchen takes nothing; an empty ring has nothing
		}
		o := shm.GetRingOrder(region[shm.RingSlotOffset(tail):])
		o.Status, o.Consumer = shm.StatusInPrep, w.ID
		shm.PutRingOrder(b[:], o)
		w.put(shm.RingPrepOffset(w.ID), b[:])
		binary.LittleEndian.PutUint32(num[:], uint32((tail+1)%slots))
		w.put(shm.RingTail, num[:4]) // last: the take is done when the tail moves
		w.commit = commitInfo{kind: trace.OrderTaken, key: ringKey(o), arg: int64(w.ID)}
		w.curID, w.curProducer = o.ID, o.Producer
		env.Seg.Slot(w.Slot).SetOrder(uint64(ringKey(o)))
	case txFinish:
		_, processed := shm.RingTotals(region)
		binary.LittleEndian.PutUint64(num[:], uint64(processed+1))
		w.put(shm.RingProcessed, num[:8])
		w.put(shm.RingPrepOffset(w.ID), b[:]) // last: the kitchen is free again, the order done
		w.commit = commitInfo{kind: trace.OrderDone, key: w.cur, arg: int64(w.ID)}
	case txCancel:
		w.cancelled = w.cancelled[:0]
		for i := tail; i != head; i = (i + 1) % slots {
			w.cancelled = append(w.cancelled, ringKey(shm.GetRingOrder(region[shm.RingSlotOffset(i):])))
		}
		if len(w.cancelled) == 0 {
			break
		}
		binary.LittleEndian.PutUint32(num[:], uint32(head))
		w.put(shm.RingTail, num[:4])
		w.commit = commitInfo{kind: trace.OrderCancelled}
	case txRequeue:
		c := w.requeueFrom - w.cfg.Producers + 1
		if c < 1 || c > shm.RingKitchens {
			break
		}
		if (head+1)%slots == tail {
			w.noRoom = true // full: try again when a kitchen has taken an order
			break
		}
		o := shm.GetRingOrder(region[shm.RingPrepOffset(c):])
		if ringKey(o) != w.requeue || o.Status != shm.StatusInPrep {
			break
		}
		o.Status, o.Consumer = shm.StatusPending, -1
		front := (tail - 1 + slots) % slots
		binary.LittleEndian.PutUint32(num[:], uint32(front))
		w.put(shm.RingTail, num[:4])
		shm.PutRingOrder(b[:], o)
		w.put(shm.RingSlotOffset(front), b[:])
		var empty [shm.RingSlotSize]byte
		w.put(shm.RingPrepOffset(c), empty[:])
		w.commit = commitInfo{kind: trace.OrderRequeued, key: w.requeue, arg2: int64(w.requeueFrom)}
	}
	if w.commit.kind == 0 {
		w.op = OpRelease
		return Outcome{Next: NextRun}
	}
	w.changed = true
	w.op = OpWrite
	return Outcome{Next: NextRun}
}

// ringWrite writes the prepared pieces, in one step.
func (w *Worker) ringWrite(env *Env) Outcome {
	region := env.Seg.Data()
	sl := env.Seg.Slot(w.Slot)
	die := sl.DieHolding() > 0
	if w.full(env) {
		var d trace.DeltaWriter
		d.Reset(w.delta[:0])
		for _, p := range w.sortedPieces() {
			d.Literal(p.off, w.out[p.from:p.from+p.n])
		}
		w.delta = d.Bytes()
		lo, hi := w.pieceSpan()
		w.emit(env, trace.MemWritten, 0, 0, int64(lo), int64(hi-lo), w.delta)
	}
	for i, p := range w.pieces {
		if die && i > 0 {
			// The fault: the worker dies after the first piece of its
			// write, holding the lock (the ring is left half updated).
			sl.SetDieHolding(sl.DieHolding() - 1)
			w.emit(env, trace.FaultInjected, 0, 0, FaultKill, int64(w.Slot),
				[]byte(fmt.Sprintf("%s dies in the middle of its write, holding the lock", w.name())))
			return Outcome{Next: NextDie}
		}
		copy(region[p.off:], w.out[p.from:p.from+p.n])
	}
	w.commitWrite(env)
	w.op = OpRelease
	return Outcome{Next: NextRun}
}

// sortedPieces returns the pieces in offset order (a delta lists its hunks
// that way); there are at most four.
func (w *Worker) sortedPieces() []piece {
	ps := append(w.sorted[:0], w.pieces...)
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].off < ps[j-1].off; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	w.sorted = ps
	return ps
}

// pieceSpan returns the region span the pieces cover.
func (w *Worker) pieceSpan() (lo, hi int) {
	lo, hi = -1, 0
	for _, p := range w.pieces {
		if lo < 0 || p.off < lo {
			lo = p.off
		}
		hi = max(hi, p.off+p.n)
	}
	return max(lo, 0), hi
}

// ringBoard turns a ring region into a board: the queued orders in queue
// order, then the orders in the kitchens, and the counters.
func ringBoard(cfg *Config, region []byte, b *shm.Board) error {
	head, tail, slots, err := ringCheck(cfg, region)
	if err != nil {
		return err
	}
	b.Orders = b.Orders[:0]
	add := func(o shm.RingOrder) {
		item := "?"
		if o.Item >= 0 && o.Item < len(cfg.Menu) {
			item = cfg.Menu[o.Item]
		}
		b.Orders = append(b.Orders, shm.Order{ID: o.ID, Table: o.Table, Item: item, Timestamp: o.Timestamp,
			Status: o.Status, Producer: o.Producer, Consumer: o.Consumer})
	}
	queued := 0
	for i := tail; i != head; i = (i + 1) % slots {
		add(shm.GetRingOrder(region[shm.RingSlotOffset(i):]))
		queued++
	}
	for c := 1; c <= min(cfg.Consumers, shm.RingKitchens); c++ {
		if o := shm.GetRingOrder(region[shm.RingPrepOffset(c):]); o.Status != shm.StatusNone {
			add(o)
		}
	}
	created, processed := shm.RingTotals(region)
	b.Stats = shm.Stats{Created: created, Processed: processed, Queued: int64(queued)}
	return nil
}

// ReadBoard reads the orders and stats a data region holds, whatever its
// protocol, decoding JSON with dec.
func ReadBoard(cfg *Config, region []byte, dec *shm.BoardDecoder, b *shm.Board) error {
	if cfg.Protocol == ProtoRing {
		return ringBoard(cfg, region, b)
	}
	raw, err := BoardBytes(cfg, region)
	if err != nil {
		return err
	}
	return dec.Decode(raw, b)
}
