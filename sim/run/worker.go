package run

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
)

// WorkerMain is the life of a worker process (`comanda worker`): attach to
// the segment, take the slot, run the worker's steps, leave. It returns the
// process's exit code.
//
// A worker never outlives its controller: the controller holds the write
// end of a pipe whose read end is this process's fd 3; when the controller
// dies, however it dies, the pipe reads EOF and the worker exits at once
// (on Linux the kernel also sends SIGTERM, the parent-death signal). The
// last worker out of a dead controller's run removes the segment file.
func WorkerMain(segPath string, slot int, stderr io.Writer) int {
	// A worker allocates next to nothing once it runs: a smaller heap
	// target keeps its memory down (about 2 MB of a 15 MB peak) for
	// collections it barely needs.
	debug.SetGCPercent(50)
	f, err := shm.Open(segPath)
	if err != nil {
		fmt.Fprintf(stderr, "comanda worker: %v\n", err)
		return 3
	}
	// The mapping is never closed: the process's exit unmaps it, and a
	// signal that arrives while the process exits still finds it mapped.
	seg := f.Seg
	cfg, err := sim.DecodeConfig(seg.Config())
	if err != nil {
		fmt.Fprintf(stderr, "comanda worker: %v\n", err)
		return 3
	}
	if slot < 0 || slot >= cfg.Workers() {
		fmt.Fprintf(stderr, "comanda worker: slot %d is not in this run\n", slot)
		return 3
	}
	// Liveness first, then the PID: whoever sees our PID in the slot can
	// already check that we are alive.
	if err := f.HoldLive(slot); err != nil {
		fmt.Fprintf(stderr, "comanda worker: %v\n", err)
		return 3
	}
	gone := make(chan struct{})
	var goneOnce atomic.Bool
	leave := func() {
		if goneOnce.CompareAndSwap(false, true) {
			close(gone)
		}
	}
	// Signs that the controller is dead or dying: its pipe reached EOF, or
	// a SIGTERM came that it did not ask for (it asks in the slot first),
	// most likely the parent-death signal, which Linux may send while the
	// dying controller still holds its files.
	var orphaned atomic.Bool
	go watchController(func() {
		orphaned.Store(true)
		leave()
	})
	nudge := make(chan struct{}, 1)
	signal.Ignore(os.Interrupt) // Ctrl-C is the controller's to handle
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM)
	sl := seg.Slot(slot)
	go func() {
		terms := 0
		for range sigs {
			terms++
			if !sl.ExitRequested() {
				orphaned.Store(true)
			}
			if terms > 1 || !controllerAlive(f) {
				leave() // a second SIGTERM, or the controller is gone: at once
				continue
			}
			sl.RequestExit(true) // the first: leave at the next safe point
			select {
			case nudge <- struct{}{}:
			default:
			}
		}
	}()

	w := sim.NewWorker(cfg, slot, sl.Incarnation())
	rec := newRingRecorder(seg, slot, cfg.Trace, gone)
	// In free mode a section's events are published together when it ends;
	// a paced write is shown chunk by chunk as it happens, so it is not
	// held back.
	rec.hold = cfg.Trace && !seg.HasFlag(shm.FlagStepped) && cfg.WritePace == 0
	b := &body{w: w, seg: seg, slot: slot, pid: os.Getpid(), start: monotonicSince(seg.StartNano()), spin: spinFor(cfg),
		rec: rec, ring: rec, gone: gone, nudge: nudge}
	atomic.AddInt32(seg.Live(), 1)
	sl.SetPID(os.Getpid())

	var end ending
	if seg.HasFlag(shm.FlagStepped) {
		end = b.runStepped()
	} else {
		end = b.runFree()
	}
	if end == endDie {
		dieNow()
	}
	if atomic.AddInt32(seg.Live(), -1) == 0 && controllerDead(f, orphaned.Load()) {
		os.Remove(segPath) // the controller died: the last worker out cleans up
	}
	return 0
}

// controllerAlive reports whether the run's controller still holds its
// liveness byte.
func controllerAlive(f *shm.File) bool { return f.IsLive(shm.SystemSlot) }

// controllerDead reports whether the run's controller is gone. Once it is
// seen dying (orphaned), its liveness lock goes only when the kernel has
// closed all its files, which can be a moment later on a loaded machine:
// wait for that moment, a second at most. (Without the wait, the last
// worker out sometimes found the controller still "alive" and left the
// segment file behind: 3 runs in 30 under load.)
func controllerDead(f *shm.File, orphaned bool) bool {
	deadline := time.Now().Add(time.Second)
	for orphaned && controllerAlive(f) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return !controllerAlive(f)
}

// watchController calls leave when the pipe from the controller reaches
// EOF: the controller closed it or died. COMANDA_CONTROLLER_FD says which
// descriptor (or, on Windows, handle) the pipe is.
func watchController(leave func()) {
	fd, err := strconv.ParseUint(os.Getenv("COMANDA_CONTROLLER_FD"), 10, 64)
	if err != nil {
		return // started by hand, not by a controller
	}
	ctl := os.NewFile(uintptr(fd), "controller")
	if ctl == nil {
		return
	}
	io.Copy(io.Discard, ctl)
	leave()
}

// monotonicSince returns the run's start, given as Unix nanoseconds, as a
// time with a monotonic clock reading: time.Since of it then reads one clock
// instead of two (the wall clock and the monotonic one), and a worker reads
// the clock at every step of a traced run.
func monotonicSince(unixNano int64) time.Time {
	now := time.Now()
	return now.Add(-time.Duration(now.UnixNano() - unixNano))
}
