package shm

import (
	"sync/atomic"
	"unsafe"
)

// A Ledger is the ground truth about one producer's orders: for its n-th
// order, how many times a consumer took it and how many times one finished
// it. Consumers update it with atomic operations outside the data region, so
// no race on the orders can corrupt it, and the end-of-run accounting (and
// the double-processing check) can tell a duplicated or lost order from a
// counted one. Each order takes a byte: taken (2 bits, saturating at 3),
// completed (2 bits, saturating at 3), a "reported lost" bit, set by whoever
// first reports the order lost so that nobody reports it again, and a
// "cancelled" bit, set by the graceful stop.
type Ledger struct {
	b   []byte
	s   *Segment
	off int
	per int
}

// LedgerBytes returns the bytes a ledger of n orders needs.
func LedgerBytes(n int) int { return ((n + 3) / 4) * 4 }

// Cap returns how many orders the ledger can follow.
func (l Ledger) Cap() int { return l.per }

func (l Ledger) word(n int) (*uint32, uint) {
	i := n - 1
	p := (*uint32)(unsafe.Pointer(&l.b[(i/4)*4]))
	return p, uint(i%4) * 8
}

// Entry is what the ledger knows of one order.
type Entry struct {
	Taken, Completed int
	Lost             bool // somebody reported it lost
	Cancelled        bool // the graceful stop cancelled it
}

// Get returns order n's entry (n is 1-based; out of range gives zero).
func (l Ledger) Get(n int) Entry {
	if n < 1 || n > l.per {
		return Entry{}
	}
	p, sh := l.word(n)
	v := atomic.LoadUint32(p) >> sh
	return Entry{Taken: int(v & 3), Completed: int(v >> 2 & 3), Lost: v&16 != 0, Cancelled: v&32 != 0}
}

// add changes one 2-bit counter of order n by delta (saturating at 0 and 3)
// and returns its new value.
func (l Ledger) add(n int, field uint, delta int) int {
	if n < 1 || n > l.per {
		return 0
	}
	p, sh := l.word(n)
	sh += field
	for {
		old := atomic.LoadUint32(p)
		c := int(old >> sh & 3)
		nc := c + delta
		if nc < 0 {
			nc = 0
		}
		if nc > 3 {
			nc = 3
		}
		nw := old&^(3<<sh) | uint32(nc)<<sh
		if atomic.CompareAndSwapUint32(p, old, nw) {
			return nc
		}
	}
}

// Take counts one more taking of order n and returns how many takings it has
// now (2 or more: two consumers took the same order).
func (l Ledger) Take(n int) int { return l.add(n, 0, 1) }

// Untake forgets one taking of order n (its consumer died; it is requeued).
func (l Ledger) Untake(n int) { l.add(n, 0, -1) }

// Complete counts one more completion of order n and returns how many it has
// now (2 or more: the order was cooked twice).
func (l Ledger) Complete(n int) int { return l.add(n, 2, 1) }

// MarkLost sets order n's "reported lost" bit and reports whether it was
// this call that set it (false: somebody reported it first).
func (l Ledger) MarkLost(n int) bool { return l.mark(n, 16) }

// MarkCancelled sets order n's "cancelled" bit.
func (l Ledger) MarkCancelled(n int) { l.mark(n, 32) }

// mark sets a bit of order n's entry and reports whether it was not set.
func (l Ledger) mark(n int, bit uint32) bool {
	if n < 1 || n > l.per {
		return false
	}
	p, sh := l.word(n)
	for {
		old := atomic.LoadUint32(p)
		if old>>sh&bit != 0 {
			return false
		}
		if atomic.CompareAndSwapUint32(p, old, old|bit<<sh) {
			return true
		}
	}
}
