package tui

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// Options are what every screen needs.
type Options struct {
	Lang    i18n.Lang
	Theme   string // "default" or "contrast"
	RunsDir string // where live runs record their traces
	Exe     string // the binary that runs the workers ("": this one)
	Version string // comanda's version, for traces
	Driver  string // "process" (default: real processes) or "inproc" (tests)
	// TraceFile, if set, is where the first run records its trace instead
	// of the runs folder (comanda run --trace).
	TraceFile string
	// Screen is the terminal; nil opens the real one (tests pass a
	// tcell.SimulationScreen).
	Screen tcell.Screen
}

// A screen is one of the interface's screens: home, live, replay, lesson.
type screen interface {
	kind() screenKind
	root() tview.Primitive
	// do carries out an action of the key table (r: the key's character).
	do(a action, r rune)
	// capture sees a key before the key table; true means it took it.
	capture(ev *tcell.EventKey) bool
	// tick runs at every frame (frameEvery) on the interface's goroutine; it
	// redraws what changed.
	tick()
	// live reports whether a run is in progress (quitting asks first).
	live() bool
	// close stops what the screen runs; no worker remains when it returns.
	close()
}

// frameEvery is the interface's frame period: at most five redraws a
// second, which a class reads comfortably and which keeps the interface
// under 5 % of a core at classroom speed (ten a second took 6–7 %). A key
// is answered at once, not at the next frame.
const frameEvery = 200 * time.Millisecond

// app is the running interface: the tview application, the screens, and
// the dialogs over them.
type app struct {
	o     Options
	tv    *tview.Application
	pages *tview.Pages
	theme *Theme
	stack []screen // the screens opened, the current one last
	modal string   // the dialog open, "" for none
	posts chan func()
	done  chan struct{}
	once  sync.Once
}

// newApp prepares the interface.
func newApp(o Options) *app {
	if o.Lang == "" {
		o.Lang = i18n.EN
	}
	a := &app{o: o, tv: tview.NewApplication(), pages: tview.NewPages(), theme: themeNamed(o.Theme),
		posts: make(chan func(), 64), done: make(chan struct{})}
	a.theme.apply()
	if o.Screen != nil {
		a.tv.SetScreen(o.Screen)
	}
	a.tv.EnableMouse(true).SetRoot(a.pages, true)
	a.tv.SetInputCapture(a.key)
	return a
}

// tr returns a text of the catalogue.
func (a *app) tr(key string, args ...any) string { return i18n.T(a.o.Lang, key, args...) }

// cur returns the current screen.
func (a *app) cur() screen {
	if len(a.stack) == 0 {
		return nil
	}
	return a.stack[len(a.stack)-1]
}

// push opens screen s over the current one.
func (a *app) push(s screen) {
	a.stack = append(a.stack, s)
	a.pages.AddAndSwitchToPage(fmt.Sprint("screen", len(a.stack)), s.root(), true)
	a.tv.SetFocus(s.root())
}

// pop closes the current screen and goes back to the one before; with none
// left, the interface ends.
func (a *app) pop() {
	s := a.cur()
	if s == nil {
		return
	}
	s.close()
	a.pages.RemovePage(fmt.Sprint("screen", len(a.stack)))
	a.stack = a.stack[:len(a.stack)-1]
	if len(a.stack) == 0 {
		a.tv.Stop()
		return
	}
	a.pages.SwitchToPage(fmt.Sprint("screen", len(a.stack)))
	a.tv.SetFocus(a.cur().root())
}

// run shows the first screen and runs the interface until it quits, the
// terminal closes or a signal says to stop. Every screen is closed before
// it returns: no worker is left, and the terminal is restored.
func (a *app) run(first screen) error {
	a.push(first)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	// The pump carries work from other goroutines (a command's result, the
	// frame tick) onto the interface's goroutine, one at a time.
	go func() {
		for {
			select {
			case <-a.done:
				return
			case f := <-a.posts:
				a.tv.QueueUpdateDraw(f)
			}
		}
	}()
	go func() {
		t := time.NewTicker(frameEvery)
		defer t.Stop()
		// At most one frame waits at a time: when the interface is behind,
		// frames are skipped, not queued up (a key must not wait behind a
		// backlog of frames).
		var queued atomic.Bool
		tick := func() {
			queued.Store(false)
			if s := a.cur(); s != nil {
				s.tick()
			}
		}
		for {
			select {
			case <-a.done:
				return
			case <-sigs:
				a.tv.Stop()
				return
			case <-t.C:
				if queued.CompareAndSwap(false, true) {
					a.post(tick)
				}
			}
		}
	}()
	err := a.tv.Run()
	a.once.Do(func() { close(a.done) })
	for len(a.stack) > 0 {
		a.stack[len(a.stack)-1].close()
		a.stack = a.stack[:len(a.stack)-1]
	}
	return err
}

// post runs f on the interface's goroutine, soon, and redraws; it never
// waits for the interface.
func (a *app) post(f func()) {
	select {
	case a.posts <- f:
	case <-a.done:
	default:
		go func() {
			select {
			case a.posts <- f:
			case <-a.done:
			}
		}()
	}
}

// key is the interface's first look at every key: dialogs take theirs,
// then the screen, then the key table.
func (a *app) key(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlC {
		a.quit(false)
		return nil
	}
	if a.modal != "" {
		return ev
	}
	s := a.cur()
	if s == nil {
		return ev
	}
	if s.capture(ev) {
		return nil
	}
	b, r, ok := lookup(ev, s.kind())
	if !ok {
		return ev
	}
	switch b.act {
	case actHelp:
		a.help(s.kind())
	case actQuit:
		a.quit(true)
	case actBack:
		a.back()
	case actTheme:
		a.theme = nextTheme(a.theme)
		a.theme.apply()
		s.do(actTheme, r)
	default:
		s.do(b.act, r)
	}
	return nil
}

// quit ends the interface, asking first while a run is live.
func (a *app) quit(ask bool) {
	live := false
	for _, s := range a.stack {
		live = live || s.live()
	}
	if ask && live {
		a.confirm(a.tr("ui.ask.quit"), a.tr("ui.ask.yes"), func() { a.tv.Stop() })
		return
	}
	a.tv.Stop()
}

// back leaves the current screen, asking first while its run is live.
func (a *app) back() {
	s := a.cur()
	if len(a.stack) <= 1 {
		a.quit(true)
		return
	}
	if s.live() {
		a.confirm(a.tr("ui.ask.back"), a.tr("ui.ask.yes"), a.pop)
		return
	}
	a.pop()
}

// confirm asks a yes-or-no question in a dialog.
func (a *app) confirm(question, yes string, then func()) {
	m := tview.NewModal().SetText(question).AddButtons([]string{yes, a.tr("ui.ask.no")}).
		SetDoneFunc(func(i int, _ string) {
			a.closeModal()
			if i == 0 {
				then()
			}
		})
	a.openModal("confirm", m)
}

// openModal shows a dialog over the screen; it has the keys until closed.
func (a *app) openModal(name string, p tview.Primitive) {
	a.modal = name
	a.pages.AddPage("modal", p, true, true)
	a.tv.SetFocus(p)
}

// closeModal closes the dialog.
func (a *app) closeModal() {
	a.modal = ""
	a.pages.RemovePage("modal")
	if s := a.cur(); s != nil {
		a.tv.SetFocus(s.root())
	}
}

// help shows the keys of screen kind on, from the key table. Arrows and
// PgUp/PgDn scroll it when the terminal is short; any other key closes it.
func (a *app) help(on screenKind) {
	var b strings.Builder
	for _, k := range helpOf(on) {
		fmt.Fprintf(&b, "%s%-10s[-] %s\n", tag(a.theme.Accent), tview.Escape(keyLabel(a.tr, k)), a.tr(k.help))
	}
	fmt.Fprintf(&b, "\n%s%s[-]", tag(a.theme.Dim), a.tr("ui.help.close"))
	tv := tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true).SetText(b.String())
	tv.SetBorder(true).SetTitle(" " + a.tr("ui.help.title") + " ")
	tv.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		switch ev.Key() {
		case tcell.KeyUp, tcell.KeyDown, tcell.KeyPgUp, tcell.KeyPgDn, tcell.KeyHome, tcell.KeyEnd:
			return ev
		}
		a.closeModal()
		return nil
	})
	tv.SetMouseCapture(func(action tview.MouseAction, ev *tcell.EventMouse) (tview.MouseAction, *tcell.EventMouse) {
		if action == tview.MouseLeftClick {
			a.closeModal()
			return tview.MouseConsumed, nil
		}
		return action, ev
	})
	_, _, sw, sh := a.pages.GetRect()
	w := min(72, max(sw, 40))
	lines := 2
	for _, line := range strings.Split(b.String(), "\n") {
		lines += max(1, (tview.TaggedStringWidth(line)+w-3)/(w-2))
	}
	if sh > 0 {
		lines = min(lines, sh)
	}
	a.openModal("help", center(tv, w, lines))
}

// center places p in the middle of the screen, w×h at most.
func center(p tview.Primitive, w, h int) tview.Primitive {
	return tview.NewFlex().
		AddItem(nil, 0, 1, false).
		AddItem(tview.NewFlex().SetDirection(tview.FlexRow).
			AddItem(nil, 0, 1, false).
			AddItem(p, h, 1, true).
			AddItem(nil, 0, 1, false), w, 1, true).
		AddItem(nil, 0, 1, false)
}
