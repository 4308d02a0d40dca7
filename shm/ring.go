package shm

import (
	"encoding/binary"
	"sync/atomic"
)

// A Ring carries one worker's events to the controller: a single-producer,
// single-consumer byte ring in the segment. The worker appends records and
// publishes the new head; the controller reads them in order and publishes
// the new tail. Because the ring lives in shared memory, the events a worker
// recorded survive it being killed: the controller still drains them.
//
// Each record is [u32 length][u32 reserved][u64 seq][body], padded to 8
// bytes; a record never wraps: when it does not fit before the end, a
// padding marker fills the rest and the record starts again at offset 0.
// head and tail count bytes since the start, so head-tail is the fill.
type Ring struct {
	buf        []byte
	head, tail *uint64
}

const (
	ringRecHeader = 16
	ringPad       = 0xFFFFFFFF
)

func align8(n int) int { return (n + 7) &^ 7 }

// Cap returns the ring's size in bytes (0: the run records no events).
func (r Ring) Cap() int { return len(r.buf) }

// Fits reports whether a record with a body of n bytes can ever fit.
func (r Ring) Fits(n int) bool { return align8(ringRecHeader+n)*2 <= len(r.buf) }

// TryPut appends one record. It returns false, writing nothing, when the
// ring has no room now (the caller waits for the controller and retries).
func (r Ring) TryPut(seq uint64, body []byte) bool {
	size := uint64(len(r.buf))
	need := uint64(align8(ringRecHeader + len(body)))
	head := atomic.LoadUint64(r.head)
	tail := atomic.LoadUint64(r.tail)
	pos := head % size
	pad := uint64(0)
	if pos+need > size {
		pad = size - pos
	}
	if head+pad+need-tail > size {
		return false
	}
	if pad > 0 {
		binary.LittleEndian.PutUint32(r.buf[pos:], ringPad)
		head += pad
		pos = 0
	}
	rec := r.buf[pos : pos+need]
	binary.LittleEndian.PutUint32(rec[0:], uint32(len(body)))
	binary.LittleEndian.PutUint64(rec[8:], seq)
	copy(rec[ringRecHeader:], body)
	atomic.StoreUint64(r.head, head+need) // publishes the bytes above
	return true
}

// Peek returns the oldest unread record without consuming it.
func (r Ring) Peek() (seq uint64, body []byte, ok bool) {
	size := uint64(len(r.buf))
	if size == 0 {
		return 0, nil, false
	}
	for {
		head := atomic.LoadUint64(r.head)
		tail := atomic.LoadUint64(r.tail)
		if tail >= head {
			return 0, nil, false
		}
		pos := tail % size
		n := binary.LittleEndian.Uint32(r.buf[pos:])
		if n == ringPad {
			atomic.StoreUint64(r.tail, tail+size-pos)
			continue
		}
		if uint64(n) > size-pos-ringRecHeader {
			// Only a worker writing garbage over its own ring gets here;
			// drop the rest rather than read out of bounds.
			atomic.StoreUint64(r.tail, head)
			return 0, nil, false
		}
		seq = binary.LittleEndian.Uint64(r.buf[pos+8:])
		return seq, r.buf[pos+ringRecHeader : pos+ringRecHeader+uint64(n)], true
	}
}

// Advance consumes the record Peek returned.
func (r Ring) Advance() {
	size := uint64(len(r.buf))
	tail := atomic.LoadUint64(r.tail)
	pos := tail % size
	n := binary.LittleEndian.Uint32(r.buf[pos:])
	atomic.StoreUint64(r.tail, tail+uint64(align8(ringRecHeader+int(n))))
}
