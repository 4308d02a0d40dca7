package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/lessons/play"
	"github.com/comanda/comanda/scenarios"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// lessonScreen is a lesson: its pages on the left, the panels of its
// run beside them. The student's keys go to the lesson first: a page that
// waits for an action ("make C2 take the next step — press 2") lets that
// action through and reacts to it; the run stays on the path the text
// describes.
type lessonScreen struct {
	a        *app
	l        *liveScreen // the run's panels, and its driving
	les      *lessons.Lesson
	sess     *lessons.Session
	player   *play.Player
	side     *lessonSide
	prog     *lessons.Progress
	answerAt int    // where the answer starts in the page's text
	shown    int    // the page shown, whose text scrolls from its top when it opens
	busy     bool   // an action is being carried out
	note     string // a reaction, or why a key was refused
}

// openLesson opens lesson les over the current screen.
func (a *app) openLesson(les *lessons.Lesson) error {
	s, err := a.lessonScreen(les)
	if err != nil {
		return err
	}
	a.push(s)
	return nil
}

// lessonScreen starts lesson les where the student left it: its run starts
// paused, and the pages before are played again to bring it there.
func (a *app) lessonScreen(les *lessons.Lesson) (*lessonScreen, error) {
	sc, err := scenarios.LoadBundled(les.Scenario())
	if err != nil {
		return nil, err
	}
	prog, err := lessons.LoadProgress()
	if err != nil {
		prog = &lessons.Progress{}
	}
	start := prog.Resume(les)
	s := &lessonScreen{a: a, les: les, prog: prog, sess: lessons.NewSession(les, a.o.Lang, start), shown: -1}
	l := newLiveScreen(a, sc)
	l.on = onLesson
	l.lay = newLayout(l.p, onLesson)
	s.l = l
	s.side = newLessonSide()
	l.lay.side = s.side

	o := play.Options{Driver: a.o.Driver, Version: a.o.Version, Exe: a.o.Exe, Log: l.logf, Lang: a.o.Lang, Keep: l.keep, Timeline: timelineWidth}
	if a.o.RunsDir != "" && os.MkdirAll(a.o.RunsDir, 0o755) == nil {
		o.TracePath = filepath.Join(a.o.RunsDir, time.Now().Format("20060102-150405")+"-lesson-"+les.Slug+".trace")
	}
	p, err := play.Start(les, o)
	if err != nil {
		return nil, err
	}
	s.player = p
	l.fold = p.Live()
	l.attach(p.Run(), o.TracePath, true)
	if start > 0 {
		s.busy = true
		s.note = a.tr("ui.lesson.catchup", start+1)
		l.cmds <- func() {
			err := s.sess.CatchUp(p.Do)
			a.post(func() {
				s.busy, s.note = false, ""
				if err != nil {
					s.note = err.Error()
				}
				s.update()
			})
		}
	}
	s.update()
	return s, nil
}

func (s *lessonScreen) kind() screenKind                { return onLesson }
func (s *lessonScreen) root() tview.Primitive           { return s.l.lay }
func (s *lessonScreen) live() bool                      { return false }
func (s *lessonScreen) capture(ev *tcell.EventKey) bool { return false }

// tick redraws the run, and lets the lesson see what it did by itself (a
// graceful stop goes on after its key).
func (s *lessonScreen) tick() {
	s.l.tick()
	if s.busy {
		return
	}
	st, vs := s.player.State()
	if r, ok := s.sess.Observe(st, vs); ok {
		s.note = r
		s.save()
		s.update()
	}
}

// close stops the lesson's run and keeps the progress.
func (s *lessonScreen) close() {
	s.save()
	s.l.close()
}

// save keeps where the student is.
func (s *lessonScreen) save() {
	s.prog.Note(s.sess)
	s.prog.Save()
}

// do carries out an action of the key table, through the lesson.
func (s *lessonScreen) do(act action, r rune) {
	page := s.sess.Page()
	if (act == actStep || act == actPick) && s.l.hidden {
		s.l.reveal() // predict mode: the key shows what the last step did
		s.l.redraw()
		return
	}
	switch act {
	case actPageNext:
		if !s.side.readOn() {
			s.act(lessons.Action{Kind: lessons.ActNext})
		}
	case actStep:
		if !page.Waiting && !page.Last {
			if !s.side.readOn() { // space reads on, then turns a page that waits for nothing
				s.act(lessons.Action{Kind: lessons.ActNext})
			}
			return
		}
		s.act(lessons.Action{Kind: lessons.ActStep})
	case actPick:
		slot := int(r - '1')
		if slot >= s.l.cfg.Workers() {
			s.l.say(false, "ui.msg.noworker", slot+1)
			return
		}
		s.l.selected = slot
		s.act(lessons.Action{Kind: lessons.ActPick, Worker: s.l.cfg.WorkerName(slot)})
	case actLock:
		kind := lessons.ActLockOff
		if !s.l.frame.st.LockOn {
			kind = lessons.ActLockOn
		}
		s.act(lessons.Action{Kind: kind})
	case actKill:
		s.act(lessons.Action{Kind: lessons.ActKill, Worker: s.l.cfg.WorkerName(max(s.l.selected, 0))})
	case actStart:
		s.act(lessons.Action{Kind: lessons.ActStop})
	case actPageBack:
		s.sess.Back()
		s.note = ""
		s.update()
	case actAnswer:
		s.sess.RevealAnswer()
		s.update()
		s.side.scrollPast(s.answerAt)
	default:
		s.l.do(act, r)
		if act == actTheme {
			s.update()
		}
	}
}

// act carries a student's action out, if the page allows it, and lets
// the lesson react.
func (s *lessonScreen) act(a lessons.Action) {
	if s.busy {
		s.l.say(false, "ui.msg.busy")
		return
	}
	if ok, why := s.sess.Allow(a); !ok {
		if why == s.sess.Page().Hint {
			why = "" // the page says it already
		}
		s.note = why
		s.update()
		return
	}
	if a.Kind == lessons.ActNext {
		r, _ := s.sess.Did(a, nil, nil)
		s.note = r
		s.save()
		s.update()
		return
	}
	if a.Kind == lessons.ActStep || a.Kind == lessons.ActPick {
		s.l.snapshotBefore()
	}
	s.busy = true
	s.l.cmds <- func() {
		st, vs, err := s.player.Do(a)
		s.a.post(func() {
			s.busy = false
			if st == nil {
				st, vs = s.player.State()
			}
			r, _ := s.sess.Did(a, st, vs)
			s.note = r
			if err != nil && r == "" {
				s.note = err.Error()
			}
			if err == nil && (a.Kind == lessons.ActStep || a.Kind == lessons.ActPick) {
				s.l.stepDone(nil, lessonAction{})
			} else {
				s.l.before, s.l.hidden = nil, false
			}
			s.save()
			s.update()
		})
	}
}

// update shows the page, and the panels it asks for.
func (s *lessonScreen) update() {
	t := s.a.theme
	p := s.sess.Page()
	s.l.lay.show(p.Panels)
	s.side.SetTitle(" " + s.a.tr("ui.lesson.title", s.les.Number, p.Title) + " ")
	var b strings.Builder
	b.WriteString(markup(p.Text, t))
	if p.Last {
		if p.Question != "" {
			fmt.Fprintf(&b, "\n\n%s[::b]%s[::-][-]\n%s", tag(t.Accent), s.a.tr("ui.lesson.question"), markup(p.Question, t))
		}
		if p.Revealed {
			s.answerAt = b.Len()
			fmt.Fprintf(&b, "\n\n%s[::b]%s[::-][-]\n%s", tag(t.Accent), s.a.tr("ui.lesson.answer"), markup(p.Answer, t))
		}
	}
	s.side.text.SetText(b.String())
	if p.Index != s.shown {
		s.side.text.ScrollToBeginning()
		s.shown = p.Index
	}

	// What the page waits for, the reaction and the keys always show.
	var info []string
	if p.Waiting && p.Hint != "" {
		info = append(info, fmt.Sprintf("%s▶ %s[-]", tag(t.Accent), markup(p.Hint, t)))
	}
	if s.note != "" {
		info = append(info, fmt.Sprintf("%s%s[-]", tag(t.Title), markup(s.note, t)))
	}
	if p.Last && !p.Revealed && p.Answer != "" {
		info = append(info, fmt.Sprintf("%s%s[-]", tag(t.Dim), s.a.tr("ui.lesson.reveal")))
	}
	info = append(info, fmt.Sprintf("%s[::b]%s[::-] · %s[-]", tag(t.Dim), s.a.tr("ui.lesson.page", p.Index+1, p.Count), s.a.tr("ui.lesson.keys")))
	s.side.info.SetText(strings.Join(info, "\n"))
	s.l.redraw()
}

// lessonSide is the lesson's column: the page's text, which scrolls (space
// reads on when it does not fit), and under it what the page waits for,
// the lesson's reaction and the keys, which always show.
type lessonSide struct {
	*tview.Box
	text, info *tview.TextView
}

func newLessonSide() *lessonSide {
	s := &lessonSide{Box: tview.NewBox(),
		text: tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true),
		info: tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)}
	s.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	return s
}

// Draw draws the text above the information, as tall as it needs (half
// the column at most), and a ▼ on the border while text is left below.
func (s *lessonSide) Draw(screen tcell.Screen) {
	s.DrawForSubclass(screen, s)
	x, y, w, h := s.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	n := 1 // a blank line between the two
	for _, line := range strings.Split(s.info.GetText(false), "\n") {
		n += max(1, len(tview.WordWrap(line, w)))
	}
	n = min(n, h/2)
	s.text.SetRect(x, y, w, h-n)
	s.info.SetRect(x, y+h-n+1, w, n-1)
	s.text.Draw(screen)
	s.info.Draw(screen)
	if s.more() {
		tview.Print(screen, "[::b] ▼ [::-]", x+w-4, y+h-n, 3, tview.AlignRight, tview.Styles.TertiaryTextColor)
	}
}

// more reports whether some of the text is below what shows.
func (s *lessonSide) more() bool {
	_, _, _, h := s.text.GetRect()
	row, _ := s.text.GetScrollOffset()
	return h > 0 && row+h < s.text.GetWrappedLineCount()
}

// readOn scrolls the text down a screenful when some of it is below what
// shows, and reports whether it did.
func (s *lessonSide) readOn() bool {
	if !s.more() {
		return false
	}
	_, _, _, h := s.text.GetRect()
	row, _ := s.text.GetScrollOffset()
	s.text.ScrollTo(row+max(1, h-1), 0)
	return true
}

// scrollPast scrolls the text to show what follows its first n bytes at
// the top.
func (s *lessonSide) scrollPast(n int) {
	_, _, w, _ := s.text.GetRect()
	text := s.text.GetText(false)
	if w <= 0 || n > len(text) {
		return
	}
	rows := 0
	for _, line := range strings.Split(text[:n], "\n") {
		rows += max(1, len(tview.WordWrap(line, w)))
	}
	s.text.ScrollTo(rows+1, 0) // past the blank line too
}

// MouseHandler scrolls the text with the wheel.
func (s *lessonSide) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return s.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if !s.InRect(event.Position()) {
			return false, nil
		}
		return s.text.MouseHandler()(action, event, func(tview.Primitive) {})
	})
}

var (
	boldRe = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	codeRe = regexp.MustCompile("`([^`]+)`")
)

// markup turns a page's light markdown (**bold**, `code`, "- " lists) into
// tview's colour tags.
func markup(text string, t *Theme) string {
	text = tview.Escape(text)
	text = boldRe.ReplaceAllString(text, "[::b]$1[::-]")
	text = codeRe.ReplaceAllString(text, tag(t.Accent)+"$1[-]")
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "- ") {
			lines[i] = " • " + line[2:]
		}
	}
	return strings.Join(lines, "\n")
}
