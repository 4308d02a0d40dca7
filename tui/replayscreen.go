package tui

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/comanda/comanda/trace"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// replayScreen shows a recorded run at any step: the same panels as the
// live view, moved back and forth through the trace.
type replayScreen struct {
	a     *app
	p     *panels
	lay   *layout
	rep   *replay.Replay
	path  string
	step  uint64 // the step shown: the state after it
	scrub *scrubber

	predict  bool
	hidden   bool // predict mode: the step just taken is hidden
	search   func(e *trace.Event) bool
	choosing bool // "/" was pressed: the next key says what to search
	selected int
	msg      string // the message line, part of what the step shows
	msgBad   bool
}

// newReplayScreen opens trace rep (read from path) at its first step.
func newReplayScreen(a *app, rep *replay.Replay, path string) *replayScreen {
	s := &replayScreen{a: a, rep: rep, path: path}
	s.p = newPanels(a.o.Lang, a.theme)
	s.lay = newLayout(s.p, onReplay)
	s.scrub = newScrubber(s)
	s.lay.extra = s.scrub
	s.p.onSelect = func(slot int) { s.selected = slot; s.redraw() }
	if rep.Truncated() {
		s.msg = a.tr("ui.replay.cut")
	}
	s.redraw()
	return s
}

func (s *replayScreen) kind() screenKind      { return onReplay }
func (s *replayScreen) root() tview.Primitive { return s.lay }
func (s *replayScreen) live() bool            { return false }
func (s *replayScreen) tick()                 {}
func (s *replayScreen) close()                {}

// at returns the number of events up to the end of the step shown.
func (s *replayScreen) at() int { return s.rep.StepEnd(s.step) }

// goTo shows step n (clamped to the run).
func (s *replayScreen) goTo(n uint64) {
	s.step = min(n, s.rep.Steps())
	s.hidden = false
	s.msg, s.msgBad = "", false
	s.redraw()
}

// capture takes the key after "/": what to search for.
func (s *replayScreen) capture(ev *tcell.EventKey) bool {
	if !s.choosing {
		return false
	}
	s.choosing = false
	r := ev.Rune()
	var what string
	switch {
	case ev.Key() != tcell.KeyRune:
		s.say(false, "")
		return true
	case r >= '1' && r <= '9' && int(r-'1') < s.rep.Config().Workers():
		w := uint8(r - '1')
		s.search = replay.OfWorker(w)
		what = s.rep.WorkerName(w)
	case r == 'v':
		s.search = replay.OfKind(trace.InvariantBroken)
		what = s.a.tr("ui.search.violations")
	case r == 'w':
		s.search = replay.OfKind(trace.MemWritten)
		what = s.a.tr("ui.search.writes")
	case r == 'l':
		s.search = func(e *trace.Event) bool {
			switch e.Kind {
			case trace.LockAcquired, trace.LockContended, trace.LockReleased, trace.LockSkipped, trace.LockOwnerDied:
				return true
			}
			return false
		}
		what = s.a.tr("ui.search.lock")
	case r == 'o':
		s.search = func(e *trace.Event) bool {
			return e.Kind >= trace.OrderCreated && e.Kind <= trace.OrderDropped
		}
		what = s.a.tr("ui.search.orders")
	default:
		s.say(false, "ui.msg.search")
		s.choosing = true
		return true
	}
	s.find(true, what)
	return true
}

// find moves to the next (or previous) step with an event the search
// matches.
func (s *replayScreen) find(forward bool, what string) {
	if s.search == nil {
		s.choosing = true
		s.say(false, "ui.msg.search")
		return
	}
	var i int
	if forward {
		i = s.rep.Next(s.at()-1, s.search)
	} else {
		i = s.rep.Prev(s.rep.StepEnd(s.step-min(s.step, 1)), s.search)
		if s.step == 0 {
			i = -1
		}
	}
	if i < 0 {
		s.say(false, "ui.msg.nomore", what)
		return
	}
	s.goTo(s.rep.StepOf(i + 1))
	s.say(false, "ui.msg.found", s.step, s.rep.Describe(s.a.o.Lang, i))
}

// say sets the message line.
func (s *replayScreen) say(bad bool, key string, args ...any) {
	s.msg, s.msgBad = "", bad
	if key != "" {
		s.msg = s.a.tr(key, args...)
	}
	s.redraw()
}

// do carries out an action of the key table.
func (s *replayScreen) do(act action, r rune) {
	switch act {
	case actNext:
		if s.hidden {
			s.hidden = false
			s.redraw()
			return
		}
		s.goTo(s.step + 1)
		if s.predict && s.step > 0 {
			s.hidden = true
			s.redraw()
		}
	case actPrev:
		if s.step > 0 {
			s.goTo(s.step - 1)
		}
	case actFirst:
		s.goTo(0)
	case actLast:
		s.goTo(s.rep.Steps())
	case actJump:
		s.jump()
	case actNextViol:
		i := s.rep.NextViolation(s.at() - 1)
		if i < 0 {
			s.say(false, "ui.msg.nomore", s.a.tr("ui.search.violations"))
			return
		}
		s.goTo(s.rep.StepOf(i + 1))
		v := s.rep.Violations(i + 1)
		last := v[len(v)-1]
		s.say(true, "ui.msg.violation", last.Kind, last.Step, replay.ViolationText(s.a.o.Lang, last.Kind, last.Worker, last.Order, last.Detail))
	case actPrevViol:
		vs := s.rep.Violations(s.rep.StepEnd(s.step - min(s.step, 1)))
		if len(vs) == 0 || s.step == 0 {
			s.say(false, "ui.msg.nomore", s.a.tr("ui.search.violations"))
			return
		}
		last := vs[len(vs)-1]
		s.goTo(s.rep.StepOf(last.Index + 1))
		s.say(true, "ui.msg.violation", last.Kind, last.Step, replay.ViolationText(s.a.o.Lang, last.Kind, last.Worker, last.Order, last.Detail))
	case actSearch:
		if r == '/' || s.search == nil {
			s.choosing = true
			s.say(false, "ui.msg.search")
			return
		}
		s.find(true, "")
	case actSearchPrev:
		s.find(false, "")
	case actTakeOver:
		s.takeOver()
	case actExport:
		st := s.rep.At(s.at())
		h := s.rep.Header()
		cfg := s.rep.Config()
		now := time.Now()
		names, err := exportOriginal(st, replay.ExportParams{Producers: cfg.Producers, Consumers: cfg.Consumers,
			Duration: cfg.Duration, Now: h.Started.Add(time.Duration(st.Time))}, now)
		if err != nil {
			s.say(true, "ui.msg.error", err.Error())
			return
		}
		s.say(false, "ui.msg.exported", names[0], names[1])
	case actPredict:
		s.predict = !s.predict
		s.hidden = false
		if s.predict {
			s.say(false, "ui.msg.predict.on")
		} else {
			s.say(false, "ui.msg.predict.off")
		}
	case actTab:
		s.lay.nextTab()
	case actTheme:
		s.p.theme = s.a.theme
		s.lay.setFooter()
		s.redraw()
	}
}

// jump asks for a step number and goes there.
func (s *replayScreen) jump() {
	in := tview.NewInputField().SetLabel(s.a.tr("ui.ask.step") + " ").SetFieldWidth(10).
		SetAcceptanceFunc(tview.InputFieldInteger)
	in.SetDoneFunc(func(k tcell.Key) {
		s.a.closeModal()
		if k == tcell.KeyEnter {
			if n, err := strconv.ParseUint(in.GetText(), 10, 64); err == nil {
				s.goTo(n)
				s.say(false, "ui.msg.jumped", s.step)
			}
		}
	})
	in.SetBorder(true)
	s.a.openModal("jump", center(in, 40, 3))
}

// takeOver goes on from the step shown, live, in stepped mode, with real
// processes: the recorded schedule replays up to here, then the person at
// the keyboard schedules.
func (s *replayScreen) takeOver() {
	opts, err := runner.TakeOver(s.rep, s.at(), s.a.o.Exe, s.a.o.Version)
	if err != nil {
		s.say(true, "ui.msg.cannot", err.Error())
		return
	}
	l := newTakeOverScreen(s.a, &opts, s.step)
	s.a.push(l)
	l.start()
}

// redraw shows the step.
func (s *replayScreen) redraw() {
	n := s.at()
	st := s.rep.At(n)
	f := newFrame(s.rep.Config(), st)
	f.violations = s.rep.Violations(n)
	f.cols, f.now = s.rep.Timeline(n, timelineWidth)
	f.selected = s.selected
	if s.hidden {
		f.hidden = true
		f.before = s.rep.At(s.rep.StepEnd(s.step - 1))
	}
	f.log = s.logLines(n, st)
	f.header = s.header(st)
	s.p.show(f)
	color := s.a.theme.Text
	if s.msgBad {
		color = s.a.theme.Bad
	}
	s.p.message.SetText(tag(color) + tview.Escape(s.msg) + "[-]")
}

// logLines returns the log as it reads at event n: the events before it,
// in words; the current step's stand out.
func (s *replayScreen) logLines(n int, st *replay.State) []logLine {
	cfg := s.rep.Config()
	names := func(pid int64) string {
		for _, w := range st.Workers {
			if int64(w.PID) == pid {
				return w.Name
			}
		}
		return fmt.Sprintf("PID %d", pid)
	}
	stepped := cfg.Mode == sim.ModeStepped
	start := s.rep.StepEnd(s.step - min(s.step, 1))
	if s.step == 0 {
		start = 0
	}
	started := s.rep.Header().Started
	var out []logLine
	for i := max(0, n-maxReplayLog); i < n; i++ {
		e := s.rep.Event(i)
		if !stepped && !replay.Notable(e) {
			continue
		}
		at := s.a.tr("ui.log.step", e.Step)
		if !stepped {
			at = started.Add(time.Duration(e.Time)).Local().Format("15:04:05")
		}
		l := logLine{at: at, text: describe(s.a, cfg, names, e), now: i >= start,
			bad: e.Kind == trace.InvariantBroken || e.Kind == trace.LockOwnerDied || (e.Kind == trace.WorkerExited && e.Arg2 != 0)}
		l.hidden = s.hidden && l.now && e.Kind != trace.StepGranted
		out = append(out, l)
	}
	return out
}

// timelineWidth is how many columns of the timeline the screens keep: as
// many as the widest terminal shows.
const timelineWidth = 240

// maxReplayLog is how many events before the step the log shows.
const maxReplayLog = 120

// header writes the title line.
func (s *replayScreen) header(st *replay.State) string {
	t := s.a.theme
	cfg := s.rep.Config()
	pred := ""
	if s.predict {
		pred = " · " + tag(t.Accent) + s.a.tr("ui.state.predict") + "[-]"
	}
	return fmt.Sprintf("%s[::b]comanda[::-][-] · %s · %s[::b]%s[::-][-] %s · %s · %s · %s%s · %s%s[-]",
		tag(t.Title), tview.Escape(cfg.Scenario), tag(t.Accent), s.a.tr("ui.state.replay"),
		s.a.tr("ui.replay.at", s.step, s.rep.Steps(), s.at(), s.rep.Len()),
		s.a.tr("ui.hdr.mode."+string(cfg.Mode)), s.a.tr("ui.hdr.protocol", cfg.Protocol), s.a.tr("ui.hdr.seed", cfg.Seed),
		pred, tag(t.Dim), tview.Escape(filepath.Base(s.path)))
}

// scrubber is the replay's position bar: the run from its first step to
// its last, the violations marked, the step shown; a click jumps.
type scrubber struct {
	*tview.Box
	s *replayScreen
}

func newScrubber(s *replayScreen) *scrubber { return &scrubber{Box: tview.NewBox(), s: s} }

// Draw draws the bar.
func (b *scrubber) Draw(screen tcell.Screen) {
	x, y, w, _ := b.GetRect()
	if w < 3 {
		return
	}
	t := b.s.a.theme
	total := b.s.rep.Steps()
	pos := func(step uint64) int {
		if total == 0 {
			return 0
		}
		return int(step * uint64(w-1) / total)
	}
	for i := 0; i < w; i++ {
		screen.SetContent(x+i, y, '─', nil, tcell.StyleDefault.Foreground(t.Dim))
	}
	for _, v := range b.s.rep.Violations(b.s.rep.Len()) {
		screen.SetContent(x+pos(v.Step), y, '!', nil, tcell.StyleDefault.Foreground(t.Bad).Bold(true))
	}
	screen.SetContent(x+pos(b.s.step), y, '●', nil, tcell.StyleDefault.Foreground(t.Accent).Bold(true))
}

// MouseHandler jumps to the step under a click.
func (b *scrubber) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return b.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if action != tview.MouseLeftClick && action != tview.MouseLeftDown {
			return false, nil
		}
		mx, my := event.Position()
		if !b.InRect(mx, my) {
			return false, nil
		}
		x, _, w, _ := b.GetRect()
		if w > 1 {
			b.s.goTo(uint64(mx-x) * b.s.rep.Steps() / uint64(w-1))
		}
		return true, nil
	})
}
