package sim

import (
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// The controller has a worker of its own, in the last slot (shm.SystemSlot):
// it takes the lock like everybody else to cancel pending orders at a
// graceful stop, to put a dead consumer's order back in the queue, and to
// read the board consistently for checks. Its sections are ordinary steps,
// so in stepped mode they are scheduled and traced like any other.

// NewSystem returns the controller's system worker.
func NewSystem(cfg *Config) *Worker { return NewWorker(cfg, shm.SystemSlot, 0) }

// StartCancel begins a section that cancels every pending order.
func (w *Worker) StartCancel() { w.startSystem(txCancel) }

// StartRequeue begins a section that puts order k, which the consumer in
// slot from had in preparation when it died, back in the queue.
func (w *Worker) StartRequeue(k trace.OrderKey, from int) {
	w.requeue, w.requeueFrom = k, from
	w.startSystem(txRequeue)
}

// StartInspect begins a section that only reads the board under the lock.
func (w *Worker) StartInspect() { w.startSystem(txInspect) }

func (w *Worker) startSystem(t tx) {
	w.tx = t
	w.noRoom = false
	w.op = OpAcquire
	w.lockStep = 0
	w.failures = 0
}

// Abandon ends the current system section where it stands, releasing the
// locks it holds (the section could not finish: the run is being killed,
// or the workers deadlocked).
func (w *Worker) Abandon(env *Env) {
	for i := 0; i < 2; i++ {
		if w.held&(1<<i) != 0 {
			w.Lock(env.Seg, i).Unlock()
		}
	}
	w.held, w.skipped, w.contended, w.lockStep = 0, 0, false, 0
	w.tx, w.op = txNone, OpNone
}

// NoRoom reports whether the last requeue found no room (a full ring): it
// must be tried again later.
func (w *Worker) NoRoom() bool { return w.noRoom }

// Busy reports whether a system section is still under way.
func (w *Worker) Busy() bool { return w.op != OpNone && w.op != OpExit }

// Cancelled returns the orders the last cancel section cancelled.
func (w *Worker) Cancelled() []trace.OrderKey { return w.cancelled }

// Board returns the board the worker last read.
func (w *Worker) Board() *shm.Board { return &w.board }
