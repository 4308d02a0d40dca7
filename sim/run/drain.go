package run

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// ringRecorder is a worker's recorder: it encodes each event and appends it
// to the worker's ring in the segment, where the controller drains it. It
// never drops an event: when the ring is full it waits for the controller.
//
// In free mode it holds a critical section's events back until the section
// ends (see hold): they keep the sequence numbers they took when they
// happened, and go out together with one store (flush), so that the
// controller's core does not pull the ring's head away from the lock
// holder at every event.
type ringRecorder struct {
	seg     *shm.Segment
	slot    shm.Slot
	ring    shm.RingWriter
	full    bool
	gone    <-chan struct{}
	hold    bool // publish at flush, not after each event
	pending bool // the slot's pending word is set
}

func newRingRecorder(seg *shm.Segment, slot int, full bool, gone <-chan struct{}) *ringRecorder {
	return &ringRecorder{seg: seg, slot: seg.Slot(slot), ring: seg.Ring(slot).Writer(), full: full, gone: gone}
}

func (r *ringRecorder) Full() bool { return r.full }

// reserve takes the next sequence number. The slot's pending word holds a
// lower bound of the numbers this worker has taken but not yet published,
// so the controller never writes a later event before them.
func (r *ringRecorder) reserve() uint64 {
	if !r.pending {
		r.slot.SetPending(r.seg.Seq() + 1)
		r.pending = true
	}
	return r.seg.NextSeq()
}

// Record numbers the event and appends it to the ring; it is published at
// once, or with hold at the next flush.
func (r *ringRecorder) Record(e *trace.Event) {
	e.Seq = r.reserve()
	r.put(e)
	if !r.hold {
		r.flush()
	}
}

// flush publishes the events appended so far.
func (r *ringRecorder) flush() {
	r.ring.Publish()
	if r.pending {
		r.slot.SetPending(0)
		r.pending = false
	}
}

// put encodes the event into the ring, waiting for room if need be.
func (r *ringRecorder) put(e *trace.Event) {
	size := trace.MaxEventSize(len(e.Data))
	if !r.ring.Fits(size) {
		// Cannot happen with the sizes we use; never block forever.
		e.Data = nil
		size = trace.MaxEventSize(0)
	}
	for i := 0; ; i++ {
		if room, ok := r.ring.Room(size); ok {
			r.ring.Commit(e.Seq, trace.PutEvent(room, e))
			return
		}
		// The controller frees room only by writing out what it can see
		// and may write: publish, and say that nothing before this event
		// waits (else a section whose own events fill the ring would wait
		// for itself).
		r.ring.Publish()
		r.slot.SetPending(e.Seq)
		select {
		case <-r.gone:
			return
		default:
		}
		if i < 100 {
			continue
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// ctlRecorder records the controller's own events (and, in the in-process
// stepped driver, nothing else goes through it but the system worker's).
// They wait in a queue that the drainer merges with the rings.
type ctlRecorder struct {
	seg   *shm.Segment
	full  bool
	mu    sync.Mutex
	queue [][]byte // encoded bodies, in sequence order
	seqs  []uint64
}

func (c *ctlRecorder) Full() bool { return c.full }

func (c *ctlRecorder) Record(e *trace.Event) {
	if !c.full && !essentialKind(e.Kind) {
		return
	}
	c.mu.Lock()
	pending := c.seg.ControllerPending()
	atomic.StoreUint64(pending, c.seg.Seq()+1)
	e.Seq = c.seg.NextSeq()
	c.queue = append(c.queue, trace.AppendEvent(nil, e))
	c.seqs = append(c.seqs, e.Seq)
	atomic.StoreUint64(pending, 0)
	c.mu.Unlock()
}

// essentialKind reports whether the controller records kind without a full
// trace: what the summary and the supervisor need.
func essentialKind(k trace.Kind) bool {
	switch k {
	case trace.InvariantBroken, trace.ReadFailed, trace.WorkerStarted, trace.WorkerExited,
		trace.LockOwnerDied, trace.OrderRequeued, trace.OrderCancelled, trace.ShutdownPhase,
		trace.TimerFired, trace.RunStarted, trace.RunEnded, trace.FaultInjected, trace.LockSwitched:
		return true
	}
	return false
}

// take removes the queued events with seq below horizon.
func (c *ctlRecorder) peek() (uint64, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		return 0, nil, false
	}
	return c.seqs[0], c.queue[0], true
}

func (c *ctlRecorder) advance() {
	c.mu.Lock()
	c.queue[0] = nil
	c.queue, c.seqs = c.queue[1:], c.seqs[1:]
	c.mu.Unlock()
}

// A sink receives the run's events in sequence order, once each.
type sink func(seq uint64, body []byte)

// drainer merges the workers' rings and the controller's queue into one
// stream ordered by sequence number, and hands it to the sink. It emits an
// event only when no worker can still publish an earlier one (see
// ringRecorder.Record).
type drainer struct {
	seg   *shm.Segment
	ctl   *ctlRecorder
	slots int
	out   sink
	mu    sync.Mutex       // one drain at a time
	rings []shm.RingReader // the workers' rings, looked up once
}

// drain emits everything that can be emitted now and returns how many.
func (d *drainer) drain() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	// Read the counter before the pending words: an event whose number is
	// taken after this read is beyond the horizon anyway, and one taken
	// before it had its pending word set before the number was taken.
	horizon := d.seg.Seq() + 1
	for i := 0; i < d.slots; i++ {
		if p := d.seg.Slot(i).Pending(); p != 0 && p < horizon {
			horizon = p
		}
	}
	if p := atomic.LoadUint64(d.seg.ControllerPending()); p != 0 && p < horizon {
		horizon = p
	}
	if d.rings == nil {
		for i := 0; i < d.slots; i++ {
			d.rings = append(d.rings, d.seg.Ring(i).Reader())
		}
	}
	n := 0
	for {
		// The source (a worker's ring, or -1: the controller's queue) whose
		// next event has the lowest number, and the lowest next number of
		// the others (or the horizon): the first source's events below it
		// go out in one run, without looking at the others again.
		best, bestSeq, below := -2, uint64(0), horizon
		var bestBody []byte
		for src := -1; src < d.slots; src++ {
			seq, body, ok := d.peek(src)
			switch {
			case !ok:
			case best == -2 || seq < bestSeq:
				if best != -2 {
					below = min(below, bestSeq)
				}
				best, bestSeq, bestBody = src, seq, body
			default:
				below = min(below, seq)
			}
		}
		if best == -2 || bestSeq >= horizon {
			return n
		}
		for ok := true; ok && bestSeq < below; bestSeq, bestBody, ok = d.peek(best) {
			d.out(bestSeq, bestBody)
			if best == -1 {
				d.ctl.advance()
			} else {
				d.rings[best].Advance()
			}
			n++
		}
		if best >= 0 {
			d.rings[best].Release()
		}
	}
}

// peek returns the next event of source src: a worker's ring, or -1, the
// controller's queue.
func (d *drainer) peek(src int) (uint64, []byte, bool) {
	if src < 0 {
		return d.ctl.peek()
	}
	return d.rings[src].Peek()
}

// drainAll empties everything, ignoring the horizon: for the end of a run,
// when no worker is left to publish (and a dead worker's half-recorded
// event is lost with it).
func (d *drainer) drainAll() {
	for i := 0; i < d.slots; i++ {
		d.seg.Slot(i).SetPending(0)
	}
	atomic.StoreUint64(d.seg.ControllerPending(), 0)
	for d.drain() > 0 {
	}
}

// forget drops the horizon of a dead worker, whose pending event will never
// come.
func (d *drainer) forget(slot int) { d.seg.Slot(slot).SetPending(0) }

var _ sim.Recorder = (*ringRecorder)(nil)
var _ sim.Recorder = (*ctlRecorder)(nil)
