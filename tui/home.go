package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// homeScreen is where comanda opens: the live demo, the lessons, the
// bundled scenarios, recent runs, a trace file.
type homeScreen struct {
	a     *app
	table *tview.Table
	intro *tview.TextView
	foot  *tview.TextView
	msg   *tview.TextView
	flex  *tview.Flex
	items []homeItem // by table row
}

// A homeItem is one line of the home screen: what it is, what it shows,
// and what Enter does.
type homeItem struct {
	title, help string
	open        func()
	section     bool
}

// recentRuns is how many recorded runs the home screen lists.
const recentRuns = 8

// newHomeScreen builds the home screen.
func newHomeScreen(a *app) *homeScreen {
	h := &homeScreen{a: a}
	h.table = tview.NewTable().SetSelectable(true, false)
	h.table.SetSelectedFunc(func(row, _ int) { h.open(row) })
	h.intro = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	h.foot = tview.NewTextView().SetDynamicColors(true)
	h.msg = tview.NewTextView().SetDynamicColors(true)
	h.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(h.intro, 3, 0, false).
		AddItem(h.table, 0, 1, true).
		AddItem(h.msg, 1, 0, false).
		AddItem(h.foot, 1, 0, false)
	h.fill()
	return h
}

func (h *homeScreen) kind() screenKind                { return onHome }
func (h *homeScreen) root() tview.Primitive           { return h.flex }
func (h *homeScreen) live() bool                      { return false }
func (h *homeScreen) tick()                           {}
func (h *homeScreen) close()                          {}
func (h *homeScreen) capture(ev *tcell.EventKey) bool { return false }

// do carries out an action of the key table.
func (h *homeScreen) do(act action, r rune) {
	if act == actTheme {
		h.fill()
	}
}

// fill lists what can be opened.
func (h *homeScreen) fill() {
	a, t := h.a, h.a.theme
	h.intro.SetText(fmt.Sprintf("%s[::b]%s[::-][-]\n%s", tag(t.Title), a.tr("ui.home.title"), a.tr("ui.home.intro")))
	h.foot.SetText(fmt.Sprintf("%s↑↓ Enter[-] %s  %s?[-] %s  %sq[-] %s", tag(t.Accent), a.tr("ui.key.open"),
		tag(t.Accent), a.tr("ui.key.help"), tag(t.Accent), a.tr("ui.key.quit")))
	h.items = nil
	add := func(it homeItem) { h.items = append(h.items, it) }
	section := func(title string) { add(homeItem{title: title, section: true}) }

	add(homeItem{title: a.tr("ui.home.live"), help: a.tr("ui.home.live.help"), open: func() { h.openScenario("restaurante") }})
	if list := lessons.All(); len(list) > 0 {
		section(a.tr("ui.home.lessons"))
		prog, _ := lessons.LoadProgress()
		for _, ls := range list {
			ls := ls
			help := a.tr("ui.home.lesson.pages", ls.Pages())
			if prog != nil {
				if lp := prog.Of(ls.Slug); lp.Done {
					help = a.tr("ui.home.lesson.done")
				} else if lp.Page > 0 {
					help = a.tr("ui.home.lesson.at", lp.Page+1, ls.Pages())
				}
			}
			add(homeItem{title: fmt.Sprintf("%2d. %s", ls.Number, ls.Title(a.o.Lang)), help: help, open: func() { h.openLesson(ls) }})
		}
	}
	section(a.tr("ui.home.scenarios"))
	for _, name := range scenarios.Bundled() {
		s, err := scenarios.LoadBundled(name)
		if err != nil {
			continue
		}
		name := name
		add(homeItem{title: name, help: firstLine(s.Description.In(string(a.o.Lang))), open: func() { h.openScenario(name) }})
	}
	section(a.tr("ui.home.replay"))
	runs := recent(a.o.RunsDir, recentRuns)
	if len(runs) == 0 {
		add(homeItem{title: "  " + a.tr("ui.home.none"), section: true})
	}
	for _, path := range runs {
		path := path
		info, _ := os.Stat(path)
		when := ""
		if info != nil {
			when = info.ModTime().Format("2006-01-02 15:04")
		}
		add(homeItem{title: filepath.Base(path), help: when, open: func() { h.openTrace(path) }})
	}
	add(homeItem{title: a.tr("ui.home.open"), help: a.tr("ui.home.open.help"), open: h.askTrace})
	add(homeItem{title: a.tr("ui.home.quit"), open: func() { a.quit(true) }})

	h.table.Clear()
	first := -1
	for row, it := range h.items {
		if it.section {
			h.table.SetCell(row, 0, tview.NewTableCell(it.title).SetTextColor(t.Title).SetAttributes(tcell.AttrBold).SetSelectable(false))
			h.table.SetCell(row, 1, tview.NewTableCell("").SetSelectable(false))
			continue
		}
		if first < 0 {
			first = row
		}
		h.table.SetCell(row, 0, tview.NewTableCell("  "+tview.Escape(it.title)).SetTextColor(t.Text))
		h.table.SetCell(row, 1, tview.NewTableCell(tview.Escape(it.help)).SetTextColor(t.Dim).SetExpansion(1))
	}
	h.table.Select(max(first, 0), 0)
}

// open opens the item of a row.
func (h *homeScreen) open(row int) {
	if row >= 0 && row < len(h.items) && h.items[row].open != nil {
		h.items[row].open()
	}
}

// openScenario opens the live view of a bundled scenario.
func (h *homeScreen) openScenario(name string) {
	s, err := scenarios.LoadBundled(name)
	if err != nil {
		h.say(err.Error())
		return
	}
	l := newLiveScreen(h.a, s)
	h.a.push(l)
	l.params()
}

// openTrace opens the replay of a trace file.
func (h *homeScreen) openTrace(path string) {
	rep, err := replay.Open(path)
	if err != nil && rep == nil {
		h.say(err.Error())
		return
	}
	h.a.push(newReplayScreen(h.a, rep, path))
}

// openLesson opens a lesson where the student left it.
func (h *homeScreen) openLesson(l *lessons.Lesson) {
	if err := h.a.openLesson(l); err != nil {
		h.say(err.Error())
	}
}

// askTrace asks for a trace file's path.
func (h *homeScreen) askTrace() {
	in := tview.NewInputField().SetLabel(h.a.tr("ui.ask.open") + " ").SetFieldWidth(0)
	in.SetDoneFunc(func(k tcell.Key) {
		h.a.closeModal()
		if k == tcell.KeyEnter && strings.TrimSpace(in.GetText()) != "" {
			h.openTrace(strings.TrimSpace(in.GetText()))
		}
	})
	in.SetBorder(true)
	h.a.openModal("open", center(in, 70, 3))
}

// say shows a problem on the message line.
func (h *homeScreen) say(msg string) {
	h.msg.SetText(tag(h.a.theme.Bad) + tview.Escape(msg) + "[-]")
}

// recent returns the newest n traces in dir, newest first.
func recent(dir string, n int) []string {
	if dir == "" {
		return nil
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.trace"))
	mod := map[string]time.Time{}
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil {
			mod[p] = info.ModTime()
		}
	}
	slices.SortFunc(paths, func(a, b string) int { return mod[b].Compare(mod[a]) })
	return paths[:min(n, len(paths))]
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
