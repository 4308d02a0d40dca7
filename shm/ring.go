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

// A RingWriter appends records to a Ring for the ring's one writer. What
// it appends stays invisible to the reader until Publish: a worker
// publishes a critical section's events with one store, and the reader's
// core is not asked for the head's cache line at every event.
type RingWriter struct {
	ring       Ring
	head, tail uint64 // where the next record goes; the reader's tail as last read
	pos        int    // where the next record goes in the ring's bytes: head modulo their length
}

// Writer returns a writer that appends after the records already there.
func (r Ring) Writer() RingWriter {
	w := RingWriter{ring: r, head: atomic.LoadUint64(r.head), tail: atomic.LoadUint64(r.tail)}
	if len(r.buf) > 0 {
		w.pos = int(w.head % uint64(len(r.buf)))
	}
	return w
}

// Fits reports whether a record with a body of n bytes can ever fit.
func (w *RingWriter) Fits(n int) bool { return align8(ringRecHeader+n)*2 <= len(w.ring.buf) }

// TryAppend appends one record, unpublished. It returns false, writing
// nothing, when the ring has no room now: the caller publishes what it
// appended, waits for the reader, and retries.
func (w *RingWriter) TryAppend(seq uint64, body []byte) bool {
	room, ok := w.Room(len(body))
	if ok {
		w.Commit(seq, copy(room, body))
	}
	return ok
}

// Room returns the space, at least max bytes long, where the body of the
// next record goes, so that it can be encoded in place; Commit appends the
// record. It returns false when the ring has no room for such a record now
// (see TryAppend).
func (w *RingWriter) Room(max int) ([]byte, bool) {
	buf := w.ring.buf
	need := align8(ringRecHeader + max)
	pad := 0
	if w.pos+need > len(buf) {
		pad = len(buf) - w.pos // the record starts again at offset 0
	}
	if w.head+uint64(pad+need)-w.tail > uint64(len(buf)) {
		w.tail = atomic.LoadUint64(w.ring.tail)
		if w.head+uint64(pad+need)-w.tail > uint64(len(buf)) {
			return nil, false
		}
	}
	if pad > 0 {
		binary.LittleEndian.PutUint32(buf[w.pos:], ringPad)
		w.head += uint64(pad)
		w.pos = 0
	}
	return buf[w.pos+ringRecHeader : w.pos+need], true
}

// Commit appends, unpublished, the record whose body is the first n bytes
// of the space Room returned.
func (w *RingWriter) Commit(seq uint64, n int) {
	rec := w.ring.buf[w.pos:]
	binary.LittleEndian.PutUint32(rec[0:], uint32(n))
	binary.LittleEndian.PutUint64(rec[8:], seq)
	size := align8(ringRecHeader + n)
	w.head += uint64(size)
	if w.pos += size; w.pos == len(w.ring.buf) {
		w.pos = 0
	}
}

// Publish makes the records appended so far visible to the reader.
func (w *RingWriter) Publish() {
	if atomic.LoadUint64(w.ring.head) != w.head {
		atomic.StoreUint64(w.ring.head, w.head) // publishes the bytes appended
	}
}

// A RingReader reads a Ring's records, in order, for the ring's one reader.
// The room of the records it consumed goes back to the writer at Release.
type RingReader struct {
	ring       Ring
	head, tail uint64 // the writer's head as last read; the next record to read
}

// Reader returns a reader that starts at the oldest unread record.
func (r Ring) Reader() RingReader {
	return RingReader{ring: r, head: atomic.LoadUint64(r.head), tail: atomic.LoadUint64(r.tail)}
}

// Peek returns the oldest unread record without consuming it.
func (r *RingReader) Peek() (seq uint64, body []byte, ok bool) {
	buf := r.ring.buf
	size := uint64(len(buf))
	if size == 0 {
		return 0, nil, false
	}
	for {
		if r.tail >= r.head {
			r.head = atomic.LoadUint64(r.ring.head)
			if r.tail >= r.head {
				return 0, nil, false
			}
		}
		pos := r.tail % size
		n := binary.LittleEndian.Uint32(buf[pos:])
		if n == ringPad {
			r.tail += size - pos
			continue
		}
		if uint64(n) > size-pos-ringRecHeader {
			// Only a worker writing garbage over its own ring gets here;
			// drop the rest rather than read out of bounds.
			r.tail = r.head
			r.Release()
			return 0, nil, false
		}
		seq = binary.LittleEndian.Uint64(buf[pos+8:])
		return seq, buf[pos+ringRecHeader : pos+ringRecHeader+uint64(n)], true
	}
}

// Advance consumes the record Peek returned.
func (r *RingReader) Advance() {
	buf := r.ring.buf
	n := binary.LittleEndian.Uint32(buf[r.tail%uint64(len(buf)):])
	r.tail += uint64(align8(ringRecHeader + int(n)))
}

// Release gives the room of the records consumed so far back to the writer.
func (r *RingReader) Release() {
	if atomic.LoadUint64(r.ring.tail) != r.tail {
		atomic.StoreUint64(r.ring.tail, r.tail)
	}
}
