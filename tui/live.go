package tui

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/comanda/comanda/trace"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// runState is where a live screen's run is.
type runState int

const (
	stateIdle     runState = iota // not started, or cleared
	stateRunning                  // going
	stateStopping                 // the graceful stop is under way
	stateEnded                    // over: its data stays until cleared
)

// stepDelays are the paces of a stepped run that goes by itself (+ and -).
var stepDelays = []time.Duration{2 * time.Second, time.Second, 500 * time.Millisecond, 200 * time.Millisecond,
	100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond, 5 * time.Millisecond, time.Millisecond}

// defaultDelay is the index in stepDelays a stepped run starts with.
const defaultDelay = 2

// liveScreen shows a run in progress, and drives it: start, stop, the
// lock, stepping and picking, kills, exports.
type liveScreen struct {
	a        *app
	p        *panels
	lay      *layout
	on       screenKind
	scen     *scenarios.Scenario // what Start runs (the parameters edit it)
	take     *runner.Options     // or: a recorded run to take over
	takeStep uint64              // the step it is taken over at
	tookOver bool                // it got there

	run       *runner.Run
	fold      *replay.Live
	cfg       *sim.Config
	tracePath string
	started   time.Time
	state     runState
	summary   *runner.Summary
	cmds      chan func() // run commands, carried out off the screen's goroutine
	cmdDone   chan struct{}
	procs     *sampler

	logMu   sync.Mutex
	pending []logLine // messages from the run, not yet in the log
	log     []logLine
	lastSeq uint64

	paused     bool // a stepped run waits for space or a pick
	delay      int  // index in stepDelays
	predict    bool
	hidden     bool
	before     *replay.State
	selected   int
	countdown  []int  // orders in preparation the stop waited for, as they finished
	violStep   uint64 // the stepped step whose first violation the message line shows
	lockOn     bool   // the lock as last switched (the fold may not show it yet)
	heldViol   []any  // predict mode: the violation message of the hidden step, said when revealed
	frame      *frame
	steppedLog atomic.Bool          // the log keeps every event (a stepped run)
	onAction   func(a lessonAction) // a lesson watches what the student does
}

// newLiveScreen prepares the live view of scenario s (not started).
func newLiveScreen(a *app, s *scenarios.Scenario) *liveScreen {
	return (&liveScreen{a: a, scen: s, on: onLive, delay: defaultDelay}).init()
}

// init makes the screen's panels and layout, and shows them empty.
func (l *liveScreen) init() *liveScreen {
	l.p = newPanels(l.a.o.Lang, l.a.theme)
	l.p.followLog = true
	l.lay = newLayout(l.p, onLive)
	l.p.onSelect = func(slot int) { l.selected = slot; l.redraw() }
	l.showEmpty()
	return l
}

func (l *liveScreen) kind() screenKind { return l.on }

func (l *liveScreen) root() tview.Primitive { return l.lay }

func (l *liveScreen) live() bool { return l.state == stateRunning || l.state == stateStopping }

// newTakeOverScreen prepares the live view of a recorded run taken over at
// a step (see runner.TakeOver).
func newTakeOverScreen(a *app, opts *runner.Options, step uint64) *liveScreen {
	return (&liveScreen{a: a, take: opts, takeStep: step, on: onLive, delay: defaultDelay}).init()
}

// options returns the options of the run to start.
func (l *liveScreen) options() runner.Options {
	if l.take != nil {
		return *l.take
	}
	opts := runner.FromScenario(l.scen)
	if opts.Config.Mode == sim.ModeStepped {
		opts.Paused = true // the class steps it: space, or r to let it go
		opts.StepDelay = stepDelays[l.delay]
	}
	return opts
}

// showEmpty draws the panels of a run not started: its workers, idle.
func (l *liveScreen) showEmpty() {
	cfg := l.options().Config
	init := make([]byte, cfg.DataSize())
	sim.InitData(&cfg, init)
	l.cfg = &cfg
	l.fold = replay.NewLive(&cfg, len(init), init, replay.Notable, timelineWidth)
	l.log = nil
	l.countdown = nil
	l.redraw()
}

// say puts a message on the message line (and in the log).
func (l *liveScreen) say(bad bool, key string, args ...any) {
	text := l.a.tr(key, args...)
	color := l.a.theme.Text
	if bad {
		color = l.a.theme.Bad
	}
	l.p.message.SetText(tag(color) + tview.Escape(text) + "[-]")
}

// logf adds a message of the run to the log, from any goroutine. Those
// an event says already, with its step, are left out.
func (l *liveScreen) logf(m runner.Message) {
	switch m.Key {
	case "run.lockswitch", "run.violation":
		return
	}
	bad := false
	switch m.Key {
	case "run.fault", "run.workerended", "run.recovered", "run.norestart", "run.deadlock",
		"run.stuck", "run.stuckstep", "run.gaveup", "run.slowleave", "run.notdead", "run.slowstep":
		bad = true
	}
	l.logMu.Lock()
	l.pending = append(l.pending, logLine{at: time.Now().Format("15:04:05"), text: m.Text, bad: bad, key: m.Key})
	l.logMu.Unlock()
}

// start starts the run with the parameters, recording its trace in the
// runs folder.
func (l *liveScreen) start() {
	if l.state == stateRunning || l.state == stateStopping {
		return
	}
	opts := l.options()
	if l.a.o.Driver != "" {
		opts.Driver = l.a.o.Driver
	}
	if opts.Driver == "" {
		opts.Driver = "process"
	}
	opts.Exe, opts.Version = l.a.o.Exe, l.a.o.Version
	switch {
	case l.a.o.TraceFile != "":
		opts.TracePath, l.a.o.TraceFile = l.a.o.TraceFile, ""
	case l.a.o.RunsDir != "":
		if err := os.MkdirAll(l.a.o.RunsDir, 0o755); err == nil {
			opts.TracePath = filepath.Join(l.a.o.RunsDir, time.Now().Format("20060102-150405")+"-"+scenarios.Slug(opts.Config.Scenario)+".trace")
		}
	}
	cfg := opts.Config
	init := make([]byte, cfg.DataSize())
	sim.InitData(&cfg, init)
	l.cfg = &cfg
	l.fold = replay.NewLive(&cfg, len(init), init, l.keep, timelineWidth)
	opts.OnEvent = l.fold.Apply
	opts.Log, opts.Lang = l.logf, l.a.o.Lang
	l.log, l.pending, l.countdown, l.lastSeq, l.summary = nil, nil, nil, 0, nil
	l.lockOn = cfg.LockOn
	l.hidden, l.before = false, nil
	r, err := runner.Start(opts)
	if err != nil {
		l.say(true, "ui.msg.error", err.Error())
		return
	}
	l.attach(r, opts.TracePath, opts.Paused || opts.Policy == sim.PolicyManual)
	trace := opts.TracePath
	if trace == "" {
		trace = "—"
	}
	l.say(false, "ui.msg.started", cfg.Scenario, trace)
	l.redraw()
}

// attach makes the screen show and drive run r, started elsewhere or by
// start, whose events fold into l.fold.
func (l *liveScreen) attach(r *runner.Run, tracePath string, paused bool) {
	l.run, l.tracePath, l.started, l.state, l.paused = r, tracePath, time.Now(), stateRunning, paused
	l.cmds, l.cmdDone = make(chan func(), 16), make(chan struct{})
	go func(cmds chan func(), done chan struct{}) {
		defer close(done)
		for f := range cmds {
			f()
		}
	}(l.cmds, l.cmdDone)
	n := l.cfg.Workers()
	l.procs = newSampler(func() []int {
		pids := make([]int, n)
		for i := range pids {
			pids[i] = r.PID(i)
		}
		return pids
	})
}

// keep says which events the log keeps: all of a stepped run's, a free
// run's notable ones.
func (l *liveScreen) keep(e *trace.Event) bool {
	if e.Kind == trace.StepGranted {
		l.steppedLog.Store(true) // from the first step on (a free run may switch)
	}
	return l.steppedLog.Load() || replay.Notable(e)
}

// send runs f on the command goroutine: the screen never waits for a
// worker. then, if set, runs on the screen's goroutine afterwards.
func (l *liveScreen) send(f func() error, then func(err error)) {
	if l.run == nil || l.cmds == nil {
		l.say(false, "ui.msg.notrunning")
		return
	}
	select {
	case l.cmds <- func() {
		err := f()
		l.a.post(func() {
			if then != nil {
				then(err)
			} else if err != nil {
				l.say(true, "ui.msg.cannot", err.Error())
			}
			l.redraw()
		})
	}:
	default:
		l.say(true, "ui.msg.busy")
	}
}

// stepped switches a free run to stepped mode first, then does f.
func (l *liveScreen) stepped(f func() error, then func(err error)) {
	if l.run.Stepped() {
		l.send(f, then)
		return
	}
	l.send(func() error {
		if err := l.run.SwitchToStepped(); err != nil {
			return err
		}
		return f()
	}, func(err error) {
		l.paused = true
		if then != nil {
			then(err)
		} else if err != nil {
			l.say(true, "ui.msg.cannot", err.Error())
		}
	})
}

// running reports whether the run takes commands, saying why not.
func (l *liveScreen) running() bool {
	if l.state != stateRunning {
		l.say(false, "ui.msg.notrunning")
		return false
	}
	return true
}

func (l *liveScreen) capture(ev *tcell.EventKey) bool { return false }

// do carries out an action of the key table.
func (l *liveScreen) do(act action, r rune) {
	switch act {
	case actStart:
		switch l.state {
		case stateIdle:
			l.start()
		case stateEnded:
			l.showEmpty()
			l.state = stateIdle
			l.start()
		case stateRunning:
			l.stop()
		}
	case actStop:
		l.stop()
	case actParams:
		if l.scen == nil {
			l.say(false, "ui.msg.noparams")
			return
		}
		if l.live() {
			l.say(false, "ui.msg.running")
			return
		}
		l.params()
	case actClear:
		if l.live() {
			l.say(false, "ui.msg.running")
			return
		}
		l.state, l.run, l.summary = stateIdle, nil, nil
		l.showEmpty()
		l.say(false, "ui.msg.cleared")
	case actLock:
		if !l.running() {
			return
		}
		on := !l.lockOn
		l.lockOn = on
		l.send(func() error { l.run.ToggleLock(on); return nil }, func(error) {
			l.say(!on, "ui.msg.lockswitch", l.a.tr(map[bool]string{true: "ui.word.on", false: "ui.word.off"}[on]))
			l.notify(lessonAction{kind: map[bool]string{true: "lock-on", false: "lock-off"}[on]})
		})
	case actStep:
		l.step()
	case actPick:
		l.pick(int(r - '1'))
	case actRun:
		l.togglePause()
	case actKill:
		l.kill()
	case actSelUp, actSelDown:
		n := l.cfg.Workers()
		d := 1
		if act == actSelUp {
			d = n - 1
		}
		l.selected = (max(l.selected, 0) + d) % n
		l.redraw()
	case actFaster, actSlower:
		l.speed(act == actFaster)
	case actExport:
		l.export()
	case actPredict:
		l.predict = !l.predict
		if !l.predict {
			l.say(false, "ui.msg.predict.off")
			l.reveal() // with the violation of the hidden step, if any, over the line above
		} else {
			l.say(false, "ui.msg.predict.on")
		}
		l.redraw()
	case actTab:
		l.lay.nextTab()
	case actTheme:
		l.p.theme = l.a.theme
		l.lay.setFooter()
		l.say(false, "ui.msg.theme", l.a.theme.Name)
		l.redraw()
	}
}

// stop asks for the graceful stop.
func (l *liveScreen) stop() {
	if l.state != stateRunning {
		return
	}
	l.state = stateStopping
	l.run.Stop()
	l.say(false, "ui.msg.stopping")
	l.notify(lessonAction{kind: "stop"})
}

// step takes one step (switching a free run to stepped mode first), or, in
// predict mode, reveals the step taken.
func (l *liveScreen) step() {
	if l.hidden {
		l.reveal()
		l.redraw()
		return
	}
	if !l.running() {
		return
	}
	if !l.run.Stepped() {
		l.stepped(func() error { return nil }, func(err error) {
			if err != nil {
				l.say(true, "ui.msg.cannot", err.Error())
				return
			}
			l.say(false, "ui.msg.stepped")
		})
		return
	}
	l.snapshotBefore()
	l.send(l.run.StepOnce, func(err error) { l.stepDone(err, lessonAction{kind: "step"}) })
}

// reveal shows what the hidden step did (predict mode), with the
// violation it caused, if any.
func (l *liveScreen) reveal() {
	if l.hidden {
		l.hidden, l.before = false, nil
		l.p.message.SetText("")
	}
	if l.heldViol != nil {
		l.say(true, "ui.msg.violation", l.heldViol...)
		l.heldViol = nil
	}
}

// pick makes the worker in slot take the next step: the person at the
// keyboard is the scheduler.
func (l *liveScreen) pick(slot int) {
	if l.hidden {
		l.reveal()
	}
	if !l.running() {
		return
	}
	if slot < 0 || slot >= l.cfg.Workers() {
		l.say(false, "ui.msg.noworker", slot+1)
		return
	}
	l.selected = slot
	l.snapshotBefore()
	name := l.cfg.WorkerName(slot)
	l.stepped(func() error { return l.run.Pick(slot) }, func(err error) {
		l.stepDone(err, lessonAction{kind: "pick", worker: name})
	})
}

// snapshotBefore keeps the state before a step, for predict mode.
func (l *liveScreen) snapshotBefore() {
	if l.predict {
		// Hidden from now on: a frame drawn before the step's reply comes
		// back must not show its outcome either.
		l.before, l.hidden = l.fold.Snapshot(), true
	}
}

// stepDone follows a step: predict mode hides its outcome, a lesson hears
// of it.
func (l *liveScreen) stepDone(err error, act lessonAction) {
	if err != nil {
		l.before, l.hidden = nil, false
		if errors.Is(err, runner.ErrNeedPick) {
			l.say(false, "ui.msg.needpick")
		} else {
			l.say(true, "ui.msg.cannot", err.Error())
		}
		return
	}
	l.paused = true
	if l.predict && l.hidden && l.before != nil {
		st := l.fold.Snapshot()
		who := "?"
		for i, w := range st.Workers {
			if i < len(l.before.Workers) && w.Steps != l.before.Workers[i].Steps {
				who = w.Name
			}
		}
		l.say(false, "ui.msg.predict", st.Step, who)
	}
	l.notify(act)
}

// togglePause lets a stepped run go by itself, or pauses it; a free run is
// paused by switching it to stepped mode.
func (l *liveScreen) togglePause() {
	if !l.running() {
		return
	}
	if !l.run.Stepped() {
		l.stepped(func() error { return nil }, func(err error) {
			if err == nil {
				l.say(false, "ui.msg.stepped")
			} else {
				l.say(true, "ui.msg.cannot", err.Error())
			}
		})
		return
	}
	on := !l.paused
	l.send(func() error { return l.run.SetPaused(on) }, func(err error) {
		if err != nil {
			l.say(true, "ui.msg.cannot", err.Error())
			return
		}
		l.paused = on
		if on {
			l.say(false, "ui.msg.paused")
		} else {
			l.say(false, "ui.msg.speed", stepDelays[l.delay])
		}
	})
}

// speed changes the pace of a stepped run that goes by itself.
func (l *liveScreen) speed(faster bool) {
	if faster && l.delay < len(stepDelays)-1 {
		l.delay++
	}
	if !faster && l.delay > 0 {
		l.delay--
	}
	d := stepDelays[l.delay]
	if l.run == nil || l.state != stateRunning || !l.run.Stepped() {
		l.say(false, "ui.msg.speedfree", d)
		return
	}
	l.send(func() error { return l.run.SetStepDelay(d) }, func(err error) { l.say(false, "ui.msg.speed", d) })
}

// kill kills the selected worker's process (fault injection).
func (l *liveScreen) kill() {
	if !l.running() {
		return
	}
	slot := max(l.selected, 0)
	name, pid := l.cfg.WorkerName(slot), l.run.PID(slot)
	l.send(func() error { l.run.KillWorker(slot); return nil }, func(error) {
		l.say(true, "ui.msg.killed", name, pid)
		l.notify(lessonAction{kind: "kill", worker: name})
	})
}

// export writes the original's CSV and JSON exports of the run as it is
// now, in the working folder.
func (l *liveScreen) export() {
	if l.fold == nil {
		return
	}
	st := l.fold.Snapshot()
	if st.Counts.Created == 0 {
		l.say(false, "ui.msg.nothing")
		return
	}
	now := time.Now()
	p := replay.ExportParams{Producers: l.cfg.Producers, Consumers: l.cfg.Consumers, Duration: l.cfg.Duration, Now: now}
	names, err := exportOriginal(st, p, now)
	if err != nil {
		l.say(true, "ui.msg.error", err.Error())
		return
	}
	l.say(false, "ui.msg.exported", names[0], names[1])
}

// exportOriginal writes pedidos_….csv and .json in the working folder.
func exportOriginal(st *replay.State, p replay.ExportParams, now time.Time) ([2]string, error) {
	names := [2]string{replay.ExportName(now, ".csv"), replay.ExportName(now, ".json")}
	for i, write := range []func(f *os.File) error{
		func(f *os.File) error { return replay.WriteOriginalCSV(f, st, p) },
		func(f *os.File) error { return replay.WriteOriginalJSON(f, st, p) },
	} {
		f, err := os.Create(names[i])
		if err != nil {
			return names, err
		}
		if err := write(f); err != nil {
			f.Close()
			return names, err
		}
		if err := f.Close(); err != nil {
			return names, err
		}
	}
	return names, nil
}

// tick notices the run's progress and its end, and redraws what changed.
func (l *liveScreen) tick() {
	if l.run == nil {
		return
	}
	if l.state == stateRunning || l.state == stateStopping {
		select {
		case <-l.run.Done():
			l.ended()
		default:
		}
	}
	if !l.run.Stepped() && l.state != stateEnded {
		l.fold.Tick()
	}
	if l.take != nil && !l.tookOver && l.run.TookOver() {
		l.tookOver, l.paused = true, true
		l.say(false, "ui.msg.takeover", l.takeStep)
	}
	l.redraw()
}

// release lets go of what serves a run while it goes on: the process
// sampler and the goroutine that carries commands to the run.
func (l *liveScreen) release() {
	if l.procs != nil {
		l.procs.close()
		l.procs = nil
	}
	if l.cmds != nil {
		close(l.cmds)
		l.cmds = nil
	}
}

// ended notes the end of the run.
func (l *liveScreen) ended() {
	l.state = stateEnded
	l.summary = l.run.Wait()
	l.release()
	o := l.summary.Orders
	if l.summary.Error != "" {
		l.say(true, "ui.msg.ended", l.summary.Error)
	} else {
		l.say(len(l.summary.Violations) > 0, "ui.msg.endedsum", o.Created, o.Completed, o.Cancelled, o.Lost, len(l.summary.Violations))
	}
	l.notify(lessonAction{kind: "ended"})
}

// redraw builds the frame of the run as it is and shows it.
func (l *liveScreen) redraw() {
	var f *frame
	l.fold.View(func(v replay.LiveView) {
		f = newFrame(l.cfg, v.State.Clone())
		f.violations = append([]replay.Violation(nil), v.Violations...)
		f.cols = make([]replay.Column, len(v.Cols))
		for i, c := range v.Cols {
			f.cols[i] = append(replay.Column(nil), c...)
		}
		f.now = append(replay.Column(nil), v.Now...)
		for i := range v.Recent {
			e := &v.Recent[i]
			if e.Seq <= l.lastSeq && l.lastSeq != 0 {
				continue
			}
			l.lastSeq = e.Seq
			l.addEvent(v.State, e)
		}
	})
	l.logMu.Lock()
	for _, line := range l.pending {
		if (line.key == "run.stuck" || line.key == "run.stuckstep") && l.run != nil {
			l.run.ReadSegment(func(seg *shm.Segment) {
				room, orders, _ := sim.Stuck(l.cfg, seg)
				none := l.a.tr("ui.word.nobody")
				l.say(true, "ui.msg.stuck", cmp.Or(strings.Join(room, " "), none), cmp.Or(strings.Join(orders, " "), none))
			})
		}
	}
	l.log = append(l.log, l.pending...)
	l.pending = l.pending[:0]
	l.logMu.Unlock()
	if n := len(l.log); n > maxLog {
		l.log = append(l.log[:0], l.log[n-maxLog:]...)
	}
	f.log = l.log
	if l.hidden && l.before != nil {
		f.hidden, f.before = true, l.before
		f.log = l.maskLog(f.st.Step)
	}
	f.selected = l.selected
	if l.procs != nil && l.run != nil && l.state != stateEnded {
		f.procs = make([]procStat, l.cfg.Workers())
		for i := range f.procs {
			f.procs[i] = l.procs.get(l.run.PID(i))
		}
	}
	if f.st.Phase == int(sim.PhaseDrain) {
		if n := len(l.countdown); n == 0 || l.countdown[n-1] != f.st.InPrep {
			l.countdown = append(l.countdown, f.st.InPrep)
		}
	}
	f.header = l.header(f)
	l.frame = f
	l.p.show(f)
	l.lay.build()
}

// describe says what event e did, for the log: a step's grant is just
// whose turn it is (the line already says which step).
func describe(a *app, cfg *sim.Config, names func(int64) string, e *trace.Event) string {
	if e.Kind == trace.StepGranted {
		who := "S"
		if e.Worker != trace.System {
			who = cfg.WorkerName(int(e.Worker))
		}
		return a.tr("ui.log.turn", who)
	}
	return replay.Describe(a.o.Lang, cfg, names, e)
}

// maxLog is how many lines the live log keeps.
const maxLog = 500

// addEvent adds an event to the log, in words.
func (l *liveScreen) addEvent(st *replay.State, e *trace.Event) {
	names := func(pid int64) string {
		for _, w := range st.Workers {
			if int64(w.PID) == pid {
				return w.Name
			}
		}
		return fmt.Sprintf("PID %d", pid)
	}
	at := ""
	if l.run != nil && l.run.Stepped() {
		at = l.a.tr("ui.log.step", e.Step)
	} else {
		at = l.started.Add(time.Duration(e.Time)).Format("15:04:05")
	}
	bad := e.Kind == trace.InvariantBroken || e.Kind == trace.LockOwnerDied || (e.Kind == trace.WorkerExited && e.Arg2 != 0)
	line := logLine{at: at, text: describe(l.a, l.cfg, names, e), bad: bad,
		step: e.Step, event: e.Kind != trace.StepGranted}
	// One step can break several invariants (a lost update loses an
	// order): the message line keeps the first, the cause.
	if e.Kind == trace.InvariantBroken && (e.Step == 0 || e.Step != l.violStep || l.run == nil || !l.run.Stepped()) {
		l.violStep = e.Step
		who, order := "", ""
		if e.Worker != trace.System {
			who = l.cfg.WorkerName(int(e.Worker))
		}
		if e.Order != 0 {
			order = e.Order.String()
		}
		kind := sim.Invariant(e.Arg).String()
		msg := []any{kind, e.Step, replay.ViolationText(l.a.o.Lang, kind, who, order, string(e.Data))}
		if l.predict && l.run != nil && l.run.Stepped() {
			l.heldViol = msg // said when the step is revealed
		} else {
			l.say(true, "ui.msg.violation", msg...)
		}
	}
	l.log = append(l.log, line)
}

// maskLog returns the log with the lines of the hidden step masked.
func (l *liveScreen) maskLog(step uint64) []logLine {
	out := append([]logLine(nil), l.log...)
	for i := range out {
		if out[i].event && out[i].step == step {
			out[i].hidden = true
		}
	}
	return out
}

// header writes the title line.
func (l *liveScreen) header(f *frame) string {
	t := l.a.theme
	var state string
	switch l.state {
	case stateIdle:
		state = l.a.tr("ui.state.idle")
	case stateRunning:
		switch {
		case l.run != nil && l.run.Stepped() && l.paused:
			state = l.a.tr("ui.state.paused")
		case l.run != nil && l.run.Stepped():
			state = l.a.tr("ui.state.stepping") + " " + stepDelays[l.delay].String()
		default:
			state = l.a.tr("ui.state.running")
		}
	case stateStopping:
		state = l.a.tr("ui.state.stopping")
		if len(l.countdown) > 0 {
			var steps []string
			for _, n := range l.countdown {
				steps = append(steps, fmt.Sprint(n))
			}
			state += " · " + l.a.tr("ui.msg.countdown", l.countdown[0], strings.Join(steps, " → "))
		}
	case stateEnded:
		state = l.a.tr("ui.state.ended")
	}
	clock := ""
	if l.state != stateIdle {
		el := time.Duration(f.st.Time).Truncate(time.Second)
		if l.run != nil && !l.run.Stepped() && l.state != stateEnded {
			el = time.Since(l.started).Truncate(time.Second)
		}
		clock = " " + el.String()
		if l.cfg.Duration > 0 {
			clock += " / " + l.cfg.Duration.String()
		}
	}
	mode := l.a.tr("ui.hdr.mode." + string(l.cfg.Mode))
	if l.run != nil && l.run.Stepped() {
		mode = l.a.tr("ui.hdr.mode.stepped") + " · " + l.a.tr("ui.log.step", f.st.Step)
	}
	pred := ""
	if l.predict {
		pred = " · " + tag(t.Accent) + l.a.tr("ui.state.predict") + "[-]"
	}
	trace := ""
	if l.tracePath != "" {
		trace = " · " + tag(t.Dim) + tview.Escape(l.a.tr("ui.hdr.trace", l.tracePath)) + "[-]"
	}
	return fmt.Sprintf("%s[::b]comanda[::-][-] · %s · %s[::b]%s[::-][-]%s · %s · %s · %s%s%s",
		tag(t.Title), tview.Escape(l.cfg.Scenario), tag(t.Accent), state, clock, mode,
		l.a.tr("ui.hdr.protocol", l.cfg.Protocol), l.a.tr("ui.hdr.seed", l.cfg.Seed), pred, trace)
}

// close stops the run at once and waits for its end: no worker remains.
func (l *liveScreen) close() {
	if l.run != nil {
		l.run.Kill()
		select {
		case <-l.run.Done():
		case <-time.After(20 * time.Second):
		}
	}
	l.release()
}

// notify tells a lesson what the student did.
func (l *liveScreen) notify(a lessonAction) {
	if l.onAction != nil {
		l.onAction(a)
	}
}

// A lessonAction is something the student did that a lesson may wait for.
type lessonAction struct {
	kind   string // "step", "pick", "lock-on", "lock-off", "kill", "stop", "ended"
	worker string // with pick and kill
}
