package sim

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// This file holds the body of a critical section over the JSON protocols
// (seed and shadow): read the board, change it, write it back.

// ReadRetries is how many times a failed read is tried, 100 ms apart, as in
// the original.
const (
	ReadRetries = 3
	RetryPause  = 100 * time.Millisecond
)

// blob returns the committed JSON of the region.
func (w *Worker) blob(region []byte) ([]byte, error) {
	if w.cfg.Protocol == ProtoShadow {
		return shm.ShadowBlob(region)
	}
	return shm.SeedBlob(region)
}

// read loads the board and prepares the write the section makes.
func (w *Worker) read(env *Env) Outcome {
	w.noteVersions(env)
	w.json = w.json[:0] // what it wrote last is no longer its board (see Wrote)
	region := env.Seg.Data()
	w.readStamp = env.Seg.LoadWriteStamp()
	w.readUnpro = env.Seg.Unprotected()
	w.emit(env, trace.MemRead, 0, 0, 0, int64(w.readLength(region)), nil)
	raw, err := w.blob(region)
	if err == nil {
		err = w.dec.Decode(raw, &w.board)
		w.readAt = cap(region) - cap(raw) // where the text read starts in the region
	}
	if err != nil {
		w.failures++
		w.emit(env, trace.ReadFailed, 0, 0, int64(w.failures), 0, []byte(err.Error()))
		if w.failures == 1 {
			w.violation(env, InvTornWrite, 0, -1, fmt.Sprintf("%s read a data region that does not decode: %v", w.name(), err))
		}
		if w.failures < ReadRetries {
			// As the original did: give the lock back, wait 100 ms, and
			// try the whole section again.
			w.op = OpRelease
			w.retrying = true
			return Outcome{Next: NextRun}
		}
		if !w.rollBack(region) {
			// The original's fallback: an empty structure, which the next
			// write makes the new content of the segment. Everything is
			// wiped.
			w.board.Orders = w.board.Orders[:0]
			w.board.Stats = shm.Stats{}
		}
	}
	w.failures = 0
	w.change(env)
	if !w.changed {
		w.op = OpRelease
		return Outcome{Next: NextRun}
	}
	w.encode(env)
	w.op = OpWrite
	return Outcome{Next: NextRun}
}

// rollBack is the shadow protocol's way out of a committed copy that does
// not decode (only possible with the lock off): the other copy holds the
// state before the last commit. It reports whether that copy decoded.
func (w *Worker) rollBack(region []byte) bool {
	if w.cfg.Protocol != ProtoShadow {
		return false
	}
	off := shm.ShadowCopyOffset(1 - shm.ShadowActive(region))
	raw, err := shm.SeedBlob(region[off : off+shm.ShadowCopy])
	return err == nil && w.dec.Decode(raw, &w.board) == nil
}

// readLength returns how many bytes a read of the region covers.
func (w *Worker) readLength(region []byte) int {
	raw, err := w.blob(region)
	if err != nil {
		return 4
	}
	return len(raw) + 4
}

// change applies the section's change to the board and says what the write
// will commit.
func (w *Worker) change(env *Env) {
	b := &w.board
	w.changed = false
	w.commit = commitInfo{}
	// w.src[k] says which order of the read the k-th order is, while it is
	// unchanged (-1 once changed): the encoder copies those.
	w.src = w.src[:0]
	for i := range b.Orders {
		w.src = append(w.src, i)
	}
	switch w.tx {
	case txAdd:
		if w.cfg.Protocol == ProtoShadow && len(b.Orders) >= w.cfg.Capacity {
			if !w.makeRoom() {
				return // full of unfinished orders: the producer waits
			}
		}
		n := int(env.Seg.Slot(w.Slot).Created()) + 1
		if w.order.ID == 0 || w.order.ID != shm.OrderID(w.ID, n) {
			w.order = shm.Order{
				ID:       shm.OrderID(w.ID, n),
				Table:    1 + w.rng.IntN(w.cfg.Tables),
				Item:     w.cfg.Menu[w.rng.IntN(len(w.cfg.Menu))],
				Status:   shm.StatusPending,
				Producer: w.ID,
				Consumer: -1,
			}
		}
		w.order.Timestamp = w.timestamp(env)
		env.Seg.Slot(w.Slot).SetPendingN(n) // in case it dies before counting it
		b.Orders = append(b.Orders, w.order)
		w.src = append(w.src, -1)
		b.Stats.Created++
		w.commit.kind, w.commit.key = trace.OrderCreated, trace.MakeOrderKey(w.ID, n)
	case txTake:
		if env.Seg.HasFlag(shm.FlagShutdown) {
			return // a stopping kitchen takes no new orders
		}
		for i := range b.Orders {
			o := &b.Orders[i]
			if o.Status == shm.StatusPending {
				w.src[i] = changed(w.src[i])
				o.Status = shm.StatusInPrep
				o.Consumer = w.ID
				key := orderKey(o)
				w.commit = commitInfo{kind: trace.OrderTaken, key: key, arg: int64(w.ID)}
				w.curID, w.curProducer = o.ID, o.Producer
				// Before the write: if it dies after it, its order is found
				// and put back in the queue.
				env.Seg.Slot(w.Slot).SetOrder(uint64(key))
				break
			}
		}
		if w.commit.kind == 0 {
			return // nothing to take
		}
	case txFinish:
		for i := range b.Orders {
			o := &b.Orders[i]
			if o.ID == w.curID && o.Producer == w.curProducer {
				w.src[i] = changed(w.src[i])
				o.Status = shm.StatusDone
				break
			}
		}
		// The kitchen did cook it, found or not: the original counts it.
		b.Stats.Processed++
		w.commit = commitInfo{kind: trace.OrderDone, key: w.cur, arg: int64(w.ID)}
	case txCancel:
		w.cancelled = w.cancelled[:0]
		for i := range b.Orders {
			o := &b.Orders[i]
			if o.Status == shm.StatusPending {
				w.src[i] = changed(w.src[i])
				o.Status = shm.StatusCancelled
				w.cancelled = append(w.cancelled, orderKey(o))
			}
		}
		if len(w.cancelled) == 0 {
			return
		}
		w.commit = commitInfo{kind: trace.OrderCancelled}
	case txRequeue:
		for i := range b.Orders {
			o := &b.Orders[i]
			if orderKey(o) == w.requeue && o.Status == shm.StatusInPrep {
				w.src[i] = changed(w.src[i])
				o.Status = shm.StatusPending
				o.Consumer = -1
				w.commit = commitInfo{kind: trace.OrderRequeued, key: w.requeue, arg2: int64(w.requeueFrom)}
				break
			}
		}
		if w.commit.kind == 0 {
			return // not in the window any more: nothing to put back
		}
	case txInspect:
		return
	}
	b.Stats.Queued = countPending(b)
	w.changed = true
}

// changed marks a read order as changed by this section (see
// shm.BoardDecoder.AppendMapped).
func changed(src int) int {
	if src >= 0 {
		return -src - 2
	}
	return src
}

// makeRoom drops the oldest finished order from a full shadow window and
// reports whether it could.
func (w *Worker) makeRoom() bool {
	b := &w.board
	for i, o := range b.Orders {
		if o.Status == shm.StatusDone || o.Status == shm.StatusCancelled {
			w.commit.drops = append(w.commit.drops[:0], dropped{orderKey(&o), o.Status})
			b.Orders = append(b.Orders[:i], b.Orders[i+1:]...)
			w.src = append(w.src[:i], w.src[i+1:]...)
			return true
		}
	}
	return false
}

func countPending(b *shm.Board) int64 {
	n := int64(0)
	for i := range b.Orders {
		if b.Orders[i].Status == shm.StatusPending {
			n++
		}
	}
	return n
}

// orderKey returns the key of an order read from the board.
func orderKey(o *shm.Order) trace.OrderKey {
	n, ok := shm.OrderSeq(o.ID, o.Producer)
	if !ok {
		return 0
	}
	return trace.MakeOrderKey(o.Producer, n)
}

// encode prepares the bytes of the write: the JSON frame, trimmed as the
// original trimmed it for the seed protocol.
func (w *Worker) encode(env *Env) {
	drops := w.commit.drops
	// The frame is the length header, then the JSON, encoded in place.
	// Orders the section did not change are copied from what was read
	// instead of being formatted again.
	frame := append(w.out[:0], make([]byte, shm.FrameHeader)...)
	frame, spans := w.dec.AppendMapped(frame, &w.board, w.src, w.spans[:0])
	if w.cfg.Protocol == ProtoSeed {
		// The original: over BUFFER_SIZE-100 bytes, keep the newest 50
		// orders, whatever their state.
		for len(frame)-shm.FrameHeader > shm.SeedTrimAt && len(w.board.Orders) > w.cfg.Capacity {
			cut := len(w.board.Orders) - w.cfg.Capacity
			if len(frame)-shm.FrameHeader > shm.SeedFrameMax && cut == 0 {
				cut = 1
			}
			for _, o := range w.board.Orders[:cut] {
				drops = append(drops, dropped{orderKey(&o), o.Status})
			}
			w.board.Orders = append(w.board.Orders[:0], w.board.Orders[cut:]...)
			w.src = append(w.src[:0], w.src[cut:]...)
			frame, spans = w.dec.AppendMapped(frame[:shm.FrameHeader], &w.board, w.src, spans[:0])
		}
	}
	shm.SealFrame(frame)
	w.spans = spans
	w.out = frame
	w.json = frame[shm.FrameHeader:] // the JSON (see Wrote)
	w.commit.drops = drops
	w.written = 0
	w.outOff = 0
	if w.cfg.Protocol == ProtoShadow {
		w.flipTo = 1 - shm.ShadowActive(env.Seg.Data())
		w.outOff = shm.ShadowCopyOffset(w.flipTo)
	}
}

// write writes the prepared bytes, in one step or, with a write pace, one
// chunk per step.
func (w *Worker) write(env *Env) Outcome {
	region := env.Seg.Data()
	n := len(w.out) - w.written
	sl := env.Seg.Slot(w.Slot)
	die := w.written == 0 && sl.DieHolding() > 0
	if (die || w.cfg.WritePace > 0) && n > WriteChunk {
		n = WriteChunk
	}
	off := w.outOff + w.written
	src := w.out[w.written : w.written+n]
	if w.full(env) {
		if delta, ok := w.knownDelta(env, region, off, n); ok {
			w.emit(env, trace.MemWritten, 0, 0, int64(off), int64(n), delta)
		} else {
			w.emitWrite(env, off, region[off:off+n], src)
		}
	}
	copy(region[off:off+n], src)
	w.written += n
	if die {
		// The fault the scenario asked for: the worker dies in the middle
		// of its write, holding the lock.
		sl.SetDieHolding(sl.DieHolding() - 1)
		sl.SetWriting(w.written < len(w.out))
		w.emit(env, trace.FaultInjected, 0, 0, FaultKill, int64(w.Slot),
			[]byte(fmt.Sprintf("%s dies in the middle of its write (%d of %d bytes written), holding the lock", w.name(), w.written, len(w.out))))
		return Outcome{Next: NextDie}
	}
	if w.written < len(w.out) {
		env.Seg.Slot(w.Slot).SetWriting(true)
		return w.sleep(env, w.cfg.WritePace, trace.SleepPace)
	}
	env.Seg.Slot(w.Slot).SetWriting(false)
	if w.cfg.Protocol == ProtoShadow {
		w.op = OpFlip
		return Outcome{Next: NextRun}
	}
	w.commitWrite(env)
	w.op = OpRelease
	return Outcome{Next: NextRun}
}

// knownDelta describes a whole-frame write without searching: the writer
// knows which pieces of its new text are orders it read, copied unchanged
// (the encoder's spans), so each is a copy from where it was read. That
// holds only if the text read is still there as it was read: certain when
// nobody could write since (see alone), else checked (with the lock off
// it may not be).
func (w *Worker) knownDelta(env *Env, region []byte, off, n int) ([]byte, bool) {
	text := w.dec.Text()
	if w.written != 0 || n != len(w.out) || w.readAt < 4 || w.readAt+len(text) > len(region) {
		return nil, false
	}
	if !w.alone(env) && string(region[w.readAt:w.readAt+len(text)]) != string(text) {
		return nil, false
	}
	var d trace.DeltaWriter
	d.Reset(w.delta[:0])
	lit := func(at int, b []byte) {
		// Bytes already there cost nothing (the prefix of the list, often).
		if len(b) <= 64 && string(region[at:at+len(b)]) == string(b) {
			return
		}
		d.Literal(at, b)
	}
	lit(off, w.out[:4]) // the length header
	last := len(w.spans) - 1
	for k, sp := range w.spans {
		at := off + 4 + sp.Off
		switch {
		case sp.Src >= 0:
			d.Copy(at, sp.Len, w.readAt+sp.Src)
		case k == last: // the stats (see shm.BoardDecoder.AppendMapped)
			tailDelta(&d, at, w.out[4+sp.Off:], text, w.readAt)
		default:
			lit(at, w.out[4+sp.Off:4+sp.Off+sp.Len])
		}
	}
	w.delta = d.Bytes()
	return w.delta, true
}

// tailDelta describes the new text's tail, written at region offset at (the
// stats after the last order: a write changes a few digits of them), as
// copies of the read text's tail, text at region offset from, wherever the
// two agree when lined up at their ends, and literals where they do not.
func tailDelta(d *trace.DeltaWriter, at int, tail, text []byte, from int) {
	const minCopy = 8 // a shorter copy costs about as much as its bytes
	n := min(len(tail), len(text))
	skip := len(tail) - n // leading bytes with no counterpart
	old, src := text[len(text)-n:], from+len(text)-n
	lit := 0 // where the pending literal starts (in tail)
	for i := 0; i < n; {
		j := i + equalRun(tail[skip+i:], old[i:])
		if j-i >= minCopy {
			d.Literal(at+lit, tail[lit:skip+i])
			d.Copy(at+skip+i, j-i, src+i)
			lit = skip + j
		}
		i = j + 1
	}
	d.Literal(at+lit, tail[lit:])
}

// equalRun returns how many leading bytes a and b have in common, comparing
// eight at a time.
func equalRun(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// alone reports whether nobody else can have written the data region since
// this worker read it: it holds the one lock everybody takes (not a
// per-process lock, not skipped), and no section ran with the lock skipped
// at any moment since the read (a class can switch the lock off at any
// time).
func (w *Worker) alone(env *Env) bool {
	return w.held != 0 && w.skipped == 0 && w.cfg.LockScope != ScopePerProcess &&
		shm.NoneUnprotected(w.readUnpro) && env.Seg.Unprotected() == w.readUnpro
}

// emitWrite records a write of new over old at region offset off.
func (w *Worker) emitWrite(env *Env, off int, old, new []byte) {
	w.delta = trace.Diff(w.delta[:0], off, old, new)
	w.emit(env, trace.MemWritten, 0, 0, int64(off), int64(len(new)), w.delta)
}

// flip commits the shadow copy just written.
func (w *Worker) flip(env *Env) Outcome {
	region := env.Seg.Data()
	if w.full(env) {
		w.flipWord = [4]byte{byte(w.flipTo)}
		w.emitWrite(env, 0, region[0:4], w.flipWord[:])
	}
	shm.ShadowFlip(region, w.flipTo)
	w.commitWrite(env)
	w.op = OpRelease
	return Outcome{Next: NextRun}
}

// commitWrite makes the section's change count: the private counts, the
// ledger, the write stamp and the events. The private counts and the ledger
// come before the stamp, so a checker that sees the stamp unchanged across
// its reads never sees the board ahead of the counts for long.
func (w *Worker) commitWrite(env *Env) {
	sl := env.Seg.Slot(w.Slot)
	c := w.commit
	switch c.kind {
	case trace.OrderCreated:
		sl.AddCreated()
		sl.SetPendingN(0)
	case trace.OrderTaken:
		w.cur = c.key
		sl.AddTaken()
		if n := env.Seg.Ledger(c.key.Producer() - 1).Take(c.key.N()); n >= 2 {
			w.violation(env, InvDoubleProcessing, c.key, -1,
				fmt.Sprintf("%s took order %s, which another consumer had already taken", w.name(), c.key))
		}
	case trace.OrderDone:
		sl.AddCompleted()
		if n := env.Seg.Ledger(c.key.Producer() - 1).Complete(c.key.N()); n >= 2 {
			w.violation(env, InvDoubleProcessing, c.key, -1,
				fmt.Sprintf("%s finished order %s, which was already finished: it was cooked twice", w.name(), c.key))
		}
		w.cur, w.curID, w.curProducer = 0, 0, 0
		sl.SetOrder(0)
	case trace.OrderRequeued:
		env.Seg.Ledger(c.key.Producer() - 1).Untake(c.key.N())
	}
	prev := env.Seg.CommitWrite(w.traceSlot())
	if prev != w.readStamp {
		other := int(prev.Writer())
		w.violation(env, InvLostUpdate, c.key, other, fmt.Sprintf(
			"%s wrote over write #%d by %s, which it never read (it read the region as of write #%d): %s's change is lost",
			w.name(), prev.N(), w.cfg.WorkerName(other), w.readStamp.N(), w.cfg.WorkerName(other)))
	}
	switch c.kind {
	case trace.OrderCancelled:
		for _, k := range w.cancelled {
			env.Seg.Ledger(k.Producer() - 1).MarkCancelled(k.N())
			w.emit(env, trace.OrderCancelled, 0, k, 0, 0, nil)
		}
	case 0:
	default:
		w.emit(env, c.kind, 0, c.key, c.arg, c.arg2, nil)
	}
	for _, d := range c.drops {
		w.emit(env, trace.OrderDropped, 0, d.key, int64(d.status), 0, nil)
		if d.status == shm.StatusPending && env.Seg.Ledger(d.key.Producer()-1).MarkLost(d.key.N()) {
			w.violation(env, InvOrderLost, d.key, -1, fmt.Sprintf(
				"order %s was still pending when %s cut the list to the newest %d orders: it is gone",
				d.key, w.name(), w.cfg.Capacity))
		}
	}
	switch c.kind {
	case trace.OrderCreated, trace.OrderRequeued:
		env.Seg.Queue().Bump()
	}
	if len(c.drops) > 0 || c.kind == trace.OrderDone || c.kind == trace.OrderCancelled {
		env.Seg.Space().Bump()
	}
}
