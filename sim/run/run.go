package run

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// Options say what to run and how.
type Options struct {
	Config      sim.Config
	ScenarioSrc []byte     // the scenario file, for the trace header
	Policy      sim.Policy // stepped mode
	Schedule    []string   // with PolicyScript
	Driver      string     // "process" (default) or "inproc"
	TracePath   string     // "" for no trace file
	Exe         string     // the binary that runs workers (default: this one)
	Version     string     // comanda's version, for the trace header

	// Stepped runs: Paused runs wait for StepOnce or Pick before each step
	// (a manual policy always does); StepDelay slows a run that steps by
	// itself down to a pace people can follow; Interventions repeat a
	// recorded run's stops, lock switches and kills at the same steps.
	Paused        bool
	StepDelay     time.Duration
	Interventions []Intervention
	// ThenPolicy, with a script schedule, goes on with this policy once the
	// script has run out, paused, instead of ending the run: the script
	// replays a recorded run up to a step, and a person takes over there.
	ThenPolicy sim.Policy

	// NoChecks turns off free mode's invariant checks (stats-drift,
	// order-lost, deadlock), to measure what they cost. The workers' own
	// checks (lost-update, torn-write, double-processing) stay.
	NoChecks bool

	// Log receives the controller's messages for people: shutdown phases,
	// deaths, recoveries ("3/9 stopping 2 waiter(s)"), in language Lang
	// (English by default). May be nil.
	Log  func(m Message)
	Lang i18n.Lang
	// OnEvent receives every event of the run, decoded, in order, on the
	// drainer's goroutine. May be nil.
	OnEvent func(e *trace.Event)
}

// An Intervention is something done to a stepped run from outside, after
// a given step: "stop", "lock-on", "lock-off" or "kill" (of Slot).
type Intervention struct {
	AfterStep uint64
	Kind      string
	Slot      int
}

// A Run is one run of the restaurant: its segment, its workers and its
// controller. Start returns it running; Wait returns its summary.
type Run struct {
	opts  Options
	cfg   *sim.Config
	seg   *shm.Segment
	file  *shm.File // nil with the in-process driver
	drv   driver
	ctl   *ctlRecorder
	drn   *drainer
	tw    *trace.Writer
	tf    *os.File
	start time.Time
	runID [16]byte

	stopOnce  sync.Once
	stopCh    chan struct{} // graceful stop requested
	killCh    chan struct{} // immediate stop requested
	killOnce  sync.Once
	doneCh    chan struct{}
	drainCh   chan struct{} // closed when the drainer goroutine is gone
	drainStop chan struct{} // closed to stop it

	segMu      sync.RWMutex // the mapping goes away at the end: readers from outside hold this
	mu         sync.Mutex
	violations []Violation
	vcount     map[string]int
	events     atomic.Uint64
	workers    []WorkerEnd
	cancelled  map[trace.OrderKey]bool
	checker    *sim.Checker
	phase      atomic.Int32
	steps      atomic.Uint64
	stopReason sim.StopReason
	runErr     error
	summary    *Summary
	sysPID     int
	pids       [shm.MaxWorkers]atomic.Int64
	restarts   [shm.MaxWorkers]int
	alive      [shm.MaxWorkers]bool // touched by the controller's loop only
	requeued   atomic.Int64
	sys        *sim.Worker
	recMu      sync.Mutex
	recs       [shm.MaxWorkers]*ringRecorder // in-process workers' recorders
	machine    *sim.Machine
	cycle      []int    // free mode: the circle of waits seen at the last check
	cycleWords []uint64 // and the lock words then
	cmds       chan command
	// calls counts the stops, kills and commands waiting for the stepped
	// loop, which looks at its channels only when there are some (a
	// select at every step would cost more than the step).
	calls      atomic.Int32
	toStepped  chan chan error
	traceErr   error
	stepped    atomic.Bool // stepped mode (a free run may switch to it)
	tookOver   atomic.Bool // a ThenPolicy run has replayed its script
	stuckSince time.Time   // free mode: since when every worker waits in vain (zero: not stuck)
	stuckSaid  bool        // the log has said so
}

// Violation is a broken invariant as the summary lists it.
type Violation struct {
	Kind   string `json:"kind"`
	Step   uint64 `json:"step"`
	Worker string `json:"worker,omitempty"`
	Order  string `json:"order,omitempty"`
	Detail string `json:"detail"`
}

// WorkerEnd is how one worker process ended.
type WorkerEnd struct {
	Role string `json:"role"`
	ID   int    `json:"id"`
	PID  int    `json:"pid"`
	Exit string `json:"exit"` // "0", "killed", "terminated", "exit 3"
}

// Fairness is one worker's share of the lock.
type Fairness struct {
	Worker       string  `json:"worker"`
	Acquisitions uint64  `json:"acquisitions"`
	Contended    uint64  `json:"contended"`
	WaitTotalMs  float64 `json:"wait_total_ms"`
	WaitMaxMs    float64 `json:"wait_max_ms"`
	Served       uint64  `json:"served"` // orders created (producers) or finished (consumers)
}

// Summary is what a run reports at its end (the JSON of `run --headless
// --json`; its fields are a contract that graders rely on).
type Summary struct {
	Scenario   string         `json:"scenario"`
	Seed       uint64         `json:"seed"`
	Mode       string         `json:"mode"`
	Protocol   string         `json:"protocol"`
	Lock       string         `json:"lock"`
	Driver     string         `json:"driver"`
	Producers  int            `json:"producers"`
	Consumers  int            `json:"consumers"`
	DurationS  float64        `json:"duration_s"`
	Steps      uint64         `json:"steps"`
	Stop       string         `json:"stop"`
	Orders     sim.Orders     `json:"orders"`
	Throughput float64        `json:"throughput_per_s"`
	Violations []Violation    `json:"violations"`
	Counts     map[string]int `json:"violation_counts"`
	Workers    []WorkerEnd    `json:"workers"`
	Fairness   []Fairness     `json:"fairness"`
	Trace      string         `json:"trace"`
	Events     uint64         `json:"events"`
	// Peak resident memory in KiB of the controller and of the largest
	// worker process (0 where the system does not say).
	RSSControllerKB int64  `json:"rss_controller_kb"`
	RSSWorkerKB     int64  `json:"rss_worker_kb"`
	Error           string `json:"error,omitempty"`
}

// maxListed is how many violations of one kind the summary lists (the
// counts say how many there were in all; the trace has every one).
const maxListed = 20

// Start creates the segment, starts the workers and the controller, and
// returns the run in progress.
func Start(opts Options) (*Run, error) {
	cfg := opts.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Driver == "" {
		opts.Driver = "process"
	}
	cfg.Trace = opts.TracePath != "" || opts.OnEvent != nil
	if cfg.Mode == sim.ModeStepped && cfg.MaxSteps == 0 {
		cfg.MaxSteps = 100000
	}
	r := &Run{opts: opts, cfg: &cfg, stopCh: make(chan struct{}), killCh: make(chan struct{}),
		doneCh: make(chan struct{}), drainCh: make(chan struct{}), drainStop: make(chan struct{}), vcount: map[string]int{}, cmds: make(chan command), toStepped: make(chan chan error),
		cancelled: map[trace.OrderKey]bool{}, runID: shm.NewRunID()}
	r.checker = sim.NewChecker(r.cfg)
	if err := r.setup(); err != nil {
		r.cleanup()
		return nil, err
	}
	return r, nil
}

// setup makes the segment, the trace and the workers.
func (r *Run) setup() error {
	cfg := r.cfg
	g := cfg.Geometry()
	r.start = time.Now()
	switch r.opts.Driver {
	case "process":
		dir := shm.Dir()
		if gone, _ := shm.Reclaim(dir); len(gone) > 0 {
			r.logf("run.leftovers", len(gone))
		}
		f, err := shm.Create(dir, g, r.runID)
		if err != nil {
			return err
		}
		r.file, r.seg, r.sysPID = f, f.Seg, os.Getpid()
		exe := r.opts.Exe
		if exe == "" {
			if exe, err = os.Executable(); err != nil {
				return fmt.Errorf("find comanda's binary: %w", err)
			}
		}
		r.drv = newProcDriver(exe, f)
	case "inproc":
		seg, err := shm.Format(shm.NewMemory(g.Size()), g, r.runID, FakePID(shm.SystemSlot), r.start.UnixNano())
		if err != nil {
			return err
		}
		r.seg, r.sysPID = seg, FakePID(shm.SystemSlot)
		r.drv = newInprocDriver(seg, cfg, r.recorderFor, r.start)
	default:
		return fmt.Errorf("unknown driver %q; expected process or inproc", r.opts.Driver)
	}
	cfgJSON, err := cfg.Encode()
	if err != nil {
		return err
	}
	if err := r.seg.SetConfig(cfgJSON); err != nil {
		return err
	}
	r.seg.SetFlag(shm.FlagLockOn, cfg.LockOn)
	r.seg.SetFlag(shm.FlagTrace, cfg.Trace)
	r.seg.SetFlag(shm.FlagStepped, cfg.Mode == sim.ModeStepped)
	r.stepped.Store(cfg.Mode == sim.ModeStepped)
	for i := 0; i < cfg.Workers(); i++ {
		role, id := cfg.SlotRole(i)
		r.seg.Slot(i).Init(role, id)
	}
	for _, f := range cfg.Faults {
		if f.When == "holding-lock" && f.Slot < cfg.Workers() {
			sl := r.seg.Slot(f.Slot)
			sl.SetDieHolding(sl.DieHolding() + f.Count)
		}
	}
	sim.InitData(cfg, r.seg.Data())
	r.seg.Slot(shm.SystemSlot).SetPID(r.sysPID)
	r.sys = sim.NewSystem(cfg)
	r.ctl = &ctlRecorder{seg: r.seg, full: cfg.Trace}
	r.drn = &drainer{seg: r.seg, ctl: r.ctl, slots: cfg.Workers(), out: r.sink}
	if r.opts.TracePath != "" {
		if err := r.openTrace(); err != nil {
			return err
		}
	}
	r.record(trace.RunStarted, -1, int64(r.sysPID), 0, nil)
	go r.drainLoop()
	for i := 0; i < cfg.Workers(); i++ {
		if err := r.startWorker(i, 0); err != nil {
			return err
		}
	}
	if cfg.Mode == sim.ModeStepped {
		go r.steppedLoop()
	} else {
		go r.freeLoop()
	}
	return nil
}

// recorderFor returns the recorder of slot's in-process worker: its ring,
// exactly as a worker process would use it. A fresh one for a new worker
// (a dead one's held events die with it, as they would in a process).
func (r *Run) recorderFor(slot int, fresh bool) sim.Recorder {
	r.recMu.Lock()
	defer r.recMu.Unlock()
	if r.recs[slot] == nil || fresh {
		r.recs[slot] = newRingRecorder(r.seg, slot, r.cfg.Trace, nil)
	}
	return r.recs[slot]
}

// openTrace creates the trace file and writes its header.
func (r *Run) openTrace() error {
	f, err := os.Create(r.opts.TracePath)
	if err != nil {
		return fmt.Errorf("create trace: %w", err)
	}
	cfgJSON, _ := r.cfg.Encode()
	var workers []trace.WorkerInfo
	for i := 0; i < r.cfg.Workers(); i++ {
		role, _ := r.cfg.SlotRole(i)
		workers = append(workers, trace.WorkerInfo{Slot: i, Name: r.cfg.WorkerName(i), Role: role.String()})
	}
	data := r.seg.Data()
	end := len(data)
	for end > 0 && data[end-1] == 0 {
		end--
	}
	h := trace.Header{
		Format: 1, Binary: r.opts.Version, RunID: hex.EncodeToString(r.runID[:]),
		Scenario: r.cfg.Scenario, ScenarioSrc: string(r.opts.ScenarioSrc), Config: cfgJSON,
		Seed: r.cfg.Seed, Mode: string(r.cfg.Mode), Driver: r.opts.Driver, Workers: workers,
		Started: r.start, DataSize: len(data), DataInit: append([]byte(nil), data[:end]...),
	}
	w, err := trace.NewWriter(f, h)
	if err != nil {
		f.Close()
		os.Remove(r.opts.TracePath)
		return err
	}
	r.tw, r.tf = w, f
	return nil
}

// sink receives each event of the run once, in order (on the drainer's
// goroutine).
func (r *Run) sink(seq uint64, body []byte) {
	r.events.Add(1)
	if r.tw != nil && r.traceErr == nil {
		if err := r.tw.WriteRaw(seq, body); err != nil {
			r.traceErr = err
		}
	}
	if len(body) == 0 {
		return
	}
	kind := trace.Kind(body[0])
	if kind != trace.InvariantBroken && r.opts.OnEvent == nil && kind != trace.OrderCancelled {
		return
	}
	var e trace.Event
	if trace.DecodeEvent(body, &e) != nil {
		return
	}
	switch kind {
	case trace.InvariantBroken:
		r.noteViolation(&e)
	case trace.OrderCancelled:
		r.mu.Lock()
		r.cancelled[e.Order] = true
		r.mu.Unlock()
	}
	if r.opts.OnEvent != nil {
		e.Data = append([]byte(nil), e.Data...)
		r.opts.OnEvent(&e)
	}
}

// noteViolation adds a violation to the summary's list.
func (r *Run) noteViolation(e *trace.Event) {
	inv := sim.Invariant(e.Arg)
	name := inv.String()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.vcount[name]++
	if r.vcount[name] > maxListed {
		return
	}
	v := Violation{Kind: name, Step: e.Step, Detail: string(e.Data)}
	if e.Worker != trace.System {
		v.Worker = r.cfg.WorkerName(int(e.Worker))
	}
	if e.Order != 0 {
		v.Order = e.Order.String()
	}
	r.violations = append(r.violations, v)
	if r.opts.Log != nil && r.vcount[name] <= 3 {
		r.logf("run.violation", name, e.Step, e.Data)
	}
}

// drainLoop moves events from the rings to the trace until the run ends.
func (r *Run) drainLoop() {
	defer close(r.drainCh)
	idle := time.Millisecond
	for {
		select {
		case <-r.drainStop:
			return
		default:
		}
		if r.drn.drain() > 0 {
			idle = 100 * time.Microsecond
			continue
		}
		time.Sleep(idle)
		if idle < 5*time.Millisecond {
			idle *= 2
		}
	}
}

// record records a controller event.
func (r *Run) record(kind trace.Kind, worker int, arg, arg2 int64, data []byte) {
	w := trace.System
	if worker >= 0 {
		w = uint8(worker)
	}
	r.ctl.Record(&trace.Event{Step: r.seg.Steps(), Time: r.now(), Kind: kind, Worker: w,
		Arg: arg, Arg2: arg2, Data: data})
}

// now returns the run's time: virtual in stepped mode.
func (r *Run) now() int64 {
	if r.stepped.Load() {
		return r.seg.Clock()
	}
	return int64(time.Since(r.start))
}

// logf sends the message of catalogue key to the log, in the run's
// language.
func (r *Run) logf(key string, args ...any) {
	if r.opts.Log != nil {
		r.opts.Log(Message{Key: key, Text: i18n.T(r.opts.Lang, key, args...)})
	}
}

// A Message is one line of the run's log for people: its catalogue key
// ("run.…", which says what kind of message it is) and its text in the
// run's language.
type Message struct {
	Key, Text string
}

// names writes a list of workers for a message ("P1 P2", or "nobody").
func (r *Run) names(list []string) string {
	if len(list) == 0 {
		return i18n.T(r.opts.Lang, "run.nobody")
	}
	return strings.Join(list, " ")
}

// startWorker starts the worker of slot and records it.
func (r *Run) startWorker(slot, incarnation int) error {
	sl := r.seg.Slot(slot)
	sl.Reset()
	sl.RequestExit(false)
	sl.SetState(uint32(sim.StateNew))
	sl.SetOp(uint32(sim.OpAcquire)) // every worker starts by taking the lock
	// The ring is not emptied: what a dead worker published there is still
	// to be drained into the trace, and the replacement appends after it.
	pid, err := r.drv.start(slot, incarnation)
	if err != nil {
		return err
	}
	r.pids[slot].Store(int64(pid))
	r.alive[slot] = true
	r.record(trace.WorkerStarted, slot, int64(pid), int64(incarnation), nil)
	return nil
}

// Stop asks for a graceful stop: the original's nine steps.
func (r *Run) Stop() {
	r.stopOnce.Do(func() {
		r.calls.Add(1)
		close(r.stopCh)
	})
}

// Kill stops at once: every worker is killed, and the run still reaps them,
// writes its trace and removes its segment.
func (r *Run) Kill() {
	r.killOnce.Do(func() {
		r.calls.Add(1)
		close(r.killCh)
	})
}

// Done is closed when the run is over and its summary is ready.
func (r *Run) Done() <-chan struct{} { return r.doneCh }

// Wait waits for the end of the run and returns its summary.
func (r *Run) Wait() *Summary {
	<-r.doneCh
	return r.summary
}

// ReadSegment calls fn with the run's shared memory (the screen reads the
// slots). After the run it is a copy of the segment as the run left it.
// fn must not keep seg.
func (r *Run) ReadSegment(fn func(seg *shm.Segment)) {
	r.segMu.RLock()
	defer r.segMu.RUnlock()
	fn(r.seg)
}

// SegmentPath returns the segment file's path ("" in-process).
func (r *Run) SegmentPath() string {
	if r.file == nil {
		return ""
	}
	return r.file.Path
}

// Config returns the run's configuration.
func (r *Run) Config() *sim.Config { return r.cfg }

// PID returns the process id of the worker in slot.
func (r *Run) PID(slot int) int { return int(r.pids[slot].Load()) }

// ToggleLock switches the lock on or off while the run goes on (in stepped
// mode, between two steps).
func (r *Run) ToggleLock(on bool) {
	if r.stepped.Load() {
		r.send(command{kind: cmdLock, on: on})
		return
	}
	r.segMu.RLock()
	defer r.segMu.RUnlock()
	r.switchLock(on)
}

// switchLock switches the lock and records it.
func (r *Run) switchLock(on bool) {
	r.seg.SetFlag(shm.FlagLockOn, on)
	v := int64(0)
	if on {
		v = 1
	}
	r.record(trace.LockSwitched, -1, v, 0, nil)
	r.logf("run.lockswitch", i18n.T(r.opts.Lang, map[bool]string{true: "run.on", false: "run.off"}[on]))
}

// Progress is a glance at a run in progress.
type Progress struct {
	Elapsed   time.Duration
	Steps     uint64
	Created   uint64
	Completed uint64
	Queued    int
	InPrep    int
	Cancelled int
	Violation int
	Events    uint64 // events recorded so far
	Phase     sim.Phase
}

// Progress reads the counts as they are now.
func (r *Run) Progress() Progress {
	r.segMu.RLock()
	defer r.segMu.RUnlock()
	t := sim.SumCounts(r.cfg, r.seg)
	p := Progress{Elapsed: time.Duration(r.now()), Steps: r.seg.Steps(), Events: r.events.Load(),
		Created: t.Created, Completed: t.Completed, Phase: sim.Phase(r.phase.Load())}
	for i := r.cfg.Producers; i < r.cfg.Workers(); i++ {
		if r.seg.Slot(i).Order() != 0 {
			p.InPrep++
		}
	}
	p.Queued = int(t.Created) - int(t.Taken) + int(r.requeued.Load())
	r.mu.Lock()
	p.Cancelled = len(r.cancelled)
	for _, n := range r.vcount {
		p.Violation += n
	}
	r.mu.Unlock()
	if p.Queued < p.Cancelled {
		p.Queued = 0
	} else {
		p.Queued -= p.Cancelled
	}
	return p
}

// finish ends the run: the last events, the accounting, the trace footer,
// and the segment file's removal (steps 7–9 of the graceful stop).
func (r *Run) finish(reason sim.StopReason, runErr error) {
	r.stopReason, r.runErr = reason, runErr
	r.drv.close()
	close(r.drainStop) // from here on this goroutine drains
	<-r.drainCh
	r.phase.Store(int32(sim.PhaseDone))
	r.record(trace.ShutdownPhase, -1, 7, int64(len(r.workers)), nil)
	r.drn.drainAll()
	board := r.finalBoard()
	orders := sim.Account(r.cfg, r.seg, board)
	s := r.buildSummary(orders)
	r.record(trace.ShutdownPhase, -1, 8, int64(orders.Created), nil)
	js, _ := json.Marshal(s)
	r.record(trace.RunEnded, -1, 0, 0, js)
	r.drn.drainAll()
	s.Events = r.events.Load()
	if r.tw != nil {
		if err := r.tw.Close(); err != nil && r.traceErr == nil {
			r.traceErr = err
		}
		if err := r.tf.Close(); err != nil && r.traceErr == nil {
			r.traceErr = err
		}
		if r.traceErr != nil {
			s.Error = joinErr(s.Error, "trace: "+r.traceErr.Error())
		}
	}
	r.logf("run.end", orders.Created, orders.Completed, orders.Cancelled, orders.Lost)
	r.cleanup()
	r.summary = s
	close(r.doneCh)
}

func joinErr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// cleanup removes the segment file (step 9). What the screen may still
// read is a copy of the segment as the run left it.
func (r *Run) cleanup() {
	if r.file == nil {
		return
	}
	r.segMu.Lock()
	defer r.segMu.Unlock()
	if r.seg != nil {
		r.seg = r.seg.Freeze()
	}
	r.file.Remove()
	r.file = nil
}

// finalBoard reads the board at the end (nil when it does not decode).
func (r *Run) finalBoard() *shm.Board {
	var dec shm.BoardDecoder
	var b shm.Board
	if sim.ReadBoard(r.cfg, r.seg.Data(), &dec, &b) != nil {
		return nil
	}
	return &b
}

// buildSummary puts the summary together.
func (r *Run) buildSummary(orders sim.Orders) *Summary {
	cfg := r.cfg
	elapsed := time.Duration(r.now())
	if cfg.Mode == sim.ModeFree {
		elapsed = time.Since(r.start)
	}
	lock := "on"
	switch {
	case cfg.LockScope == sim.ScopePerProcess:
		lock = "per-process"
	case !cfg.LockOn:
		lock = "off"
	}
	s := &Summary{
		Scenario: cfg.Scenario, Seed: cfg.Seed, Mode: string(cfg.Mode), Protocol: string(cfg.Protocol),
		Lock: lock, Driver: r.opts.Driver, Producers: cfg.Producers, Consumers: cfg.Consumers,
		DurationS: elapsed.Seconds(), Steps: r.seg.Steps(), Stop: string(r.stopReason), Orders: orders,
		Trace: r.opts.TracePath, Events: r.events.Load(),
	}
	if elapsed > 0 {
		s.Throughput = float64(orders.Completed) / elapsed.Seconds()
	}
	r.mu.Lock()
	s.Violations = append([]Violation{}, r.violations...)
	s.Counts = map[string]int{}
	for k, v := range r.vcount {
		s.Counts[k] = v
	}
	s.Workers = append([]WorkerEnd{}, r.workers...)
	r.mu.Unlock()
	sort.SliceStable(s.Violations, func(i, j int) bool { return s.Violations[i].Step < s.Violations[j].Step })
	for i := 0; i < cfg.Workers(); i++ {
		sl := r.seg.Slot(i)
		ls := sl.LockStats()
		served := sl.Created()
		if sl.Role() == shm.RoleConsumer {
			served = sl.Completed()
		}
		s.Fairness = append(s.Fairness, Fairness{Worker: cfg.WorkerName(i), Acquisitions: ls.Acquired,
			Contended: ls.Contended, WaitTotalMs: float64(ls.WaitTotal) / 1e6, WaitMaxMs: float64(ls.WaitMax) / 1e6,
			Served: served})
	}
	if r.runErr != nil {
		s.Error = r.runErr.Error()
	}
	s.RSSControllerKB, s.RSSWorkerKB = peakRSS()
	if r.opts.Driver == "inproc" {
		s.RSSWorkerKB = 0
	}
	return s
}

// noteExit records a worker's end in the summary's list.
func (r *Run) noteExit(ex exitInfo) {
	role, id := r.cfg.SlotRole(ex.slot)
	end := WorkerEnd{Role: role.String(), ID: id, PID: ex.pid, Exit: describeExit(ex.status)}
	r.mu.Lock()
	r.workers = append(r.workers, end)
	r.mu.Unlock()
	r.record(trace.WorkerExited, ex.slot, int64(ex.pid), int64(ex.status), nil)
}

// describeExit says how a process ended, in words.
func describeExit(status int) string {
	switch {
	case status == 0:
		return "0"
	case status == -9:
		return "killed"
	case status == -15:
		return "terminated"
	case status < 0:
		return signalName(-status)
	}
	return fmt.Sprintf("exit %d", status)
}
