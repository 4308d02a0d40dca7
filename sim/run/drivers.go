package run

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
)

// A driver starts, stops and steps the workers of a run: real processes
// over the segment file, or goroutines and direct calls over memory.
type driver interface {
	// start starts the worker for slot and returns once it is attached.
	start(slot, incarnation int) (pid int, err error)
	// kill stops the worker at once, as SIGKILL does.
	kill(slot int)
	// terminate asks the worker to leave at its next safe point.
	terminate(slot int)
	// exits delivers every worker's end, once.
	exits() <-chan exitInfo
	// Step runs one step of the worker in slot (stepped mode).
	Step(slot int, now int64, step uint64) error
	// close releases what the driver holds; every worker is gone by then.
	close()
}

// exitInfo is how a worker ended.
type exitInfo struct {
	slot, pid int
	status    int // exit code, or minus the signal that killed it
}

// procDriver runs each worker as a separate OS process: this same binary,
// re-executed as `comanda worker`.
type procDriver struct {
	exe  string
	file *shm.File
	ch   chan exitInfo

	mu    sync.Mutex
	procs [shm.MaxWorkers]*os.Process
	pipes [shm.MaxWorkers]*os.File
	dead  [shm.MaxWorkers]atomic.Bool
}

func newProcDriver(exe string, file *shm.File) *procDriver {
	return &procDriver{exe: exe, file: file, ch: make(chan exitInfo, 2*shm.MaxWorkers)}
}

// attachTimeout is how long a new worker process has to map the segment.
const attachTimeout = 10 * time.Second

func (d *procDriver) start(slot, incarnation int) (int, error) {
	sl := d.file.Seg.Slot(slot)
	sl.SetIncarnation(incarnation)
	cmd := exec.Command(d.exe, "worker", "--segment", d.file.Path, "--slot", strconv.Itoa(slot))
	// The pipe's read end goes to the worker; the controller keeps the
	// write end. When the controller dies, however it dies, the kernel
	// closes it, and the worker reads EOF: the one signal that works on
	// every system.
	r, w, err := os.Pipe()
	if err != nil {
		return 0, fmt.Errorf("start %s: %w", sl.Role(), err)
	}
	cmd.Stderr = os.Stderr
	detach(cmd)
	passPipe(cmd, r)
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return 0, fmt.Errorf("start worker: %w", err)
	}
	r.Close()
	pid := cmd.Process.Pid
	d.mu.Lock()
	d.procs[slot], d.pipes[slot] = cmd.Process, w
	d.mu.Unlock()
	d.dead[slot].Store(false)
	go func() {
		cmd.Wait()
		d.dead[slot].Store(true)
		d.mu.Lock()
		if d.pipes[slot] == w {
			w.Close()
			d.pipes[slot] = nil
		}
		d.mu.Unlock()
		d.ch <- exitInfo{slot: slot, pid: pid, status: exitStatus(cmd.ProcessState)}
	}()
	deadline := time.Now().Add(attachTimeout)
	for sl.PID() != pid {
		if d.dead[slot].Load() {
			return pid, fmt.Errorf("worker %d (PID %d) exited before attaching to the segment", slot, pid)
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return pid, fmt.Errorf("worker %d (PID %d) did not attach within %s", slot, pid, attachTimeout)
		}
		time.Sleep(200 * time.Microsecond)
	}
	return pid, nil
}

func (d *procDriver) proc(slot int) *os.Process {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.procs[slot]
}

func (d *procDriver) kill(slot int) {
	if p := d.proc(slot); p != nil && !d.dead[slot].Load() {
		p.Kill()
	}
}

func (d *procDriver) terminate(slot int) {
	d.file.Seg.Slot(slot).RequestExit(true)
	if p := d.proc(slot); p != nil && !d.dead[slot].Load() {
		terminate(p)
	}
}

func (d *procDriver) exits() <-chan exitInfo { return d.ch }

// Step grants the worker one step through its turn word and waits until it
// says the step is done (or dies trying).
func (d *procDriver) Step(slot int, now int64, step uint64) error {
	seg := d.file.Seg
	// A worker just started (a replacement, on a loaded machine) may not
	// yet wait for its turn: it notes the turn word when it starts to, so
	// a turn given before then would go unseen, and both sides would wait
	// for ever. It says so by parking.
	for !seg.Slot(slot).Parked() {
		if d.dead[slot].Load() {
			return nil
		}
		time.Sleep(50 * time.Microsecond)
	}
	done := seg.TurnDone()
	want := atomic.LoadUint32(done) + 1
	turn := seg.Slot(slot).TurnWord()
	atomic.AddUint32(turn, 1)
	shm.Wake32(turn, 1)
	for {
		v := atomic.LoadUint32(done)
		if v == want {
			return nil
		}
		if d.dead[slot].Load() {
			return nil // it died during its step: the run loop sees the exit
		}
		shm.Wait32(done, v, 20*time.Millisecond)
	}
}

func (d *procDriver) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, w := range d.pipes {
		if w != nil {
			w.Close()
			d.pipes[i] = nil
		}
	}
}

// inprocDriver runs the same workers without processes: in stepped mode it
// calls Worker.Step directly, in free mode each worker is a goroutine. A
// "PID" is a made-up number per slot, so the lock words look the same.
type inprocDriver struct {
	seg     *shm.Segment
	cfg     *sim.Config
	rec     func(slot int, fresh bool) sim.Recorder
	start0  time.Time
	stepped bool
	ch      chan exitInfo

	mu      sync.Mutex
	workers [shm.MaxWorkers]*sim.Worker
	gone    [shm.MaxWorkers]chan struct{}
}

// FakePID returns the made-up process id of slot in the in-process driver.
func FakePID(slot int) int { return sim.FakePID(slot) }

func newInprocDriver(seg *shm.Segment, cfg *sim.Config, rec func(int, bool) sim.Recorder, start time.Time) *inprocDriver {
	return &inprocDriver{seg: seg, cfg: cfg, rec: rec, start0: start,
		stepped: cfg.Mode == sim.ModeStepped, ch: make(chan exitInfo, 4*shm.MaxWorkers)}
}

func (d *inprocDriver) start(slot, incarnation int) (int, error) {
	sl := d.seg.Slot(slot)
	sl.SetIncarnation(incarnation)
	w := sim.NewWorker(d.cfg, slot, incarnation)
	gone := make(chan struct{})
	d.mu.Lock()
	d.workers[slot], d.gone[slot] = w, gone
	d.mu.Unlock()
	pid := FakePID(slot)
	sl.SetPID(pid)
	sl.SetState(uint32(sim.StateReady))
	if d.stepped {
		return pid, nil
	}
	rec := d.rec(slot, true)
	b := &body{w: w, seg: d.seg, slot: slot, pid: pid, rec: rec, start: d.start0, spin: spinFor(d.cfg),
		gone: gone}
	if rr, ok := rec.(*ringRecorder); ok {
		rr.hold = d.cfg.Trace && d.cfg.WritePace == 0
		b.ring = rr
	}
	go func() {
		status := 0
		if b.runFree() != endExited {
			status = -9
		}
		d.ch <- exitInfo{slot: slot, pid: pid, status: status}
	}()
	return pid, nil
}

func (d *inprocDriver) kill(slot int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.gone[slot] == nil {
		return
	}
	close(d.gone[slot])
	d.gone[slot] = nil
	if d.stepped {
		d.workers[slot] = nil
		d.ch <- exitInfo{slot: slot, pid: FakePID(slot), status: -9}
	}
}

func (d *inprocDriver) terminate(slot int) {
	d.seg.Slot(slot).RequestExit(true)
	if !d.stepped {
		return
	}
	// A stepped in-process worker only moves when stepped: told to leave
	// between steps, it simply leaves.
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.workers[slot] != nil {
		d.workers[slot], d.gone[slot] = nil, nil
		d.ch <- exitInfo{slot: slot, pid: FakePID(slot), status: 0}
	}
}

func (d *inprocDriver) exits() <-chan exitInfo { return d.ch }

// Step runs one step of the worker in slot, here and now.
func (d *inprocDriver) Step(slot int, now int64, step uint64) error {
	d.mu.Lock()
	w := d.workers[slot]
	d.mu.Unlock()
	if w == nil {
		return fmt.Errorf("worker %d is not running", slot)
	}
	env := sim.Env{Seg: d.seg, PID: FakePID(slot), Now: now, Step: step, Rec: d.rec(slot, false)}
	out := w.Step(&env)
	switch out.Next {
	case sim.NextDie:
		d.kill(slot)
	case sim.NextExit:
		d.mu.Lock()
		d.workers[slot], d.gone[slot] = nil, nil
		d.mu.Unlock()
		d.ch <- exitInfo{slot: slot, pid: FakePID(slot), status: 0}
	}
	return nil
}

// Worker returns the worker in slot, when the run was stepped from its
// start (its workers move only when Step moves them), else nil: the
// machine's checker then reads the boards they wrote (sim.LocalWorkers).
func (d *inprocDriver) Worker(slot int) *sim.Worker {
	if !d.stepped {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.workers[slot]
}

func (d *inprocDriver) close() {}
