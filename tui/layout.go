package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// layout arranges a screen's panels for the room there is: all of them on
// a big terminal or a projector, one at a time with a tab bar at 80×24 (or
// when Tab zooms into one).
type layout struct {
	*tview.Box
	p     *panels
	kind  screenKind
	shown []string        // the panels shown, in order
	side  tview.Primitive // a lesson's text, on the left; may be nil
	extra tview.Primitive // a line under the stats (the replay's scrubber); may be nil
	zoom  int             // -1: every panel; else the index in shown of the one zoomed
	tabs  *tview.TextView
	flex  *tview.Flex
	built string // what flex was built for
}

// smallWidth and smallHeight: below either, panels are tabs.
const (
	smallWidth  = 110
	smallHeight = 32
)

func newLayout(p *panels, kind screenKind) *layout {
	l := &layout{Box: tview.NewBox(), p: p, kind: kind, shown: paneOrder, zoom: -1,
		tabs: tview.NewTextView().SetDynamicColors(true).SetWrap(false)}
	l.setFooter()
	// tview takes a second click within half a second for a double click,
	// wherever it lands: on the process table each is a click (a person
	// clicking through the processes is quick).
	p.procs.SetMouseCapture(func(action tview.MouseAction, ev *tcell.EventMouse) (tview.MouseAction, *tcell.EventMouse) {
		if action == tview.MouseLeftDoubleClick {
			action = tview.MouseLeftClick
		}
		return action, ev
	})
	return l
}

// small reports whether the screen is too small for every panel at once.
func (l *layout) small() bool {
	_, _, w, h := l.GetRect()
	return w < smallWidth || h < smallHeight
}

// current returns the index of the panel shown alone, or -1 for all.
func (l *layout) current() int {
	if l.zoom < 0 && l.small() {
		return 0
	}
	return l.zoom
}

// nextTab zooms into the next panel; after the last, back to all of them
// (when they fit).
func (l *layout) nextTab() {
	z := l.current() + 1
	if z >= len(l.shown) {
		z = -1
		if l.small() {
			z = 0
		}
	}
	l.zoom = z
}

// show sets the panels shown (a lesson page chooses them).
func (l *layout) show(names []string) {
	if len(names) == 0 {
		names = paneOrder
	}
	if !slices.Equal(names, l.shown) {
		l.shown, l.zoom = names, -1
	}
}

// setFooter writes the key hints of this screen.
func (l *layout) setFooter() {
	var b strings.Builder
	for _, k := range footerOf(l.kind) {
		fmt.Fprintf(&b, "%s%s[-] %s  ", tag(l.p.theme.Accent), tview.Escape(keyLabel(l.p.tr, k)), l.p.tr(k.help))
	}
	l.p.footer.SetText(strings.TrimSpace(b.String()))
}

// build makes the flex for the current size and zoom.
func (l *layout) build() {
	_, _, w, h := l.GetRect()
	cur := l.current()
	key := fmt.Sprint(w, h, cur, l.shown, l.side != nil, l.p.f != nil && l.p.f.st != nil,
		tview.TaggedStringWidth(l.p.header.GetText(false))/max(w, 1), tview.TaggedStringWidth(l.p.stats.GetText(false))/max(w, 1))
	if key == l.built && l.flex != nil {
		return
	}
	l.built = key
	p := l.p
	// Lines a text needs at this width (a little slack for word wrap).
	lines := func(t *tview.TextView, most int) int {
		n := tview.TaggedStringWidth(t.GetText(false))
		if n <= w {
			return 1
		}
		return min(most, (n+w/6)/w+1)
	}
	p.header.SetWrap(true).SetWordWrap(true)
	p.stats.SetWrap(true).SetWordWrap(true)
	headerLines, statsLines, footerLines := lines(p.header, 2), lines(p.stats, 2), lines(p.footer, 3)
	var body tview.Primitive
	if cur >= 0 {
		var b strings.Builder
		for i, name := range l.shown {
			title := p.tr("ui.pane." + name)
			if i == cur {
				fmt.Fprintf(&b, "%s[::r] %s [::-][-] ", tag(p.theme.Accent), title)
			} else {
				fmt.Fprintf(&b, " %s  ", title)
			}
		}
		fmt.Fprintf(&b, "%s(Tab)[-]", tag(p.theme.Dim))
		l.tabs.SetText(b.String())
		body = tview.NewFlex().SetDirection(tview.FlexRow).
			AddItem(l.tabs, 1, 0, false).
			AddItem(p.box(l.shown[cur]), 0, 1, true)
	} else {
		body = l.grid()
	}
	if l.side != nil {
		sideWidth := w * 2 / 5
		if cur >= 0 && w < smallWidth {
			sideWidth = w / 2
		}
		body = tview.NewFlex().AddItem(l.side, sideWidth, 0, false).AddItem(body, 0, 1, true)
	}
	l.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(p.header, headerLines, 0, false).
		AddItem(p.stats, statsLines, 0, false)
	if l.extra != nil {
		l.flex.AddItem(l.extra, 1, 0, false)
	}
	l.flex.AddItem(body, 0, 1, true).
		AddItem(p.message, 1, 0, false).
		AddItem(p.footer, footerLines, 0, false)
}

// grid arranges every shown panel: orders and processes side by side, the
// lock and the memory below, then the timeline and the log.
func (l *layout) grid() tview.Primitive {
	p := l.p
	has := func(n string) bool { return slices.Contains(l.shown, n) }
	rows := tview.NewFlex().SetDirection(tview.FlexRow)
	pair := func(a, b string, wa, wb, height int) {
		switch {
		case has(a) && has(b):
			rows.AddItem(tview.NewFlex().AddItem(p.box(a), 0, wa, false).AddItem(p.box(b), 0, wb, false), 0, height, false)
		case has(a):
			rows.AddItem(p.box(a), 0, height, false)
		case has(b):
			rows.AddItem(p.box(b), 0, height, false)
		}
	}
	pair(paneOrders, paneProcesses, 1, 1, 3)
	pair(paneLock, paneMemory, 2, 5, 3)
	if has(paneTimeline) {
		n := 3
		if p.f != nil && p.f.st != nil {
			n = len(p.f.st.Workers) + 3
		}
		rows.AddItem(p.box(paneTimeline), min(n, 21), 0, false)
	}
	if has(paneLog) {
		rows.AddItem(p.box(paneLog), 0, 2, false)
	}
	return rows
}

// Draw lays the panels out for the room there is and draws them.
func (l *layout) Draw(screen tcell.Screen) {
	l.build()
	x, y, w, h := l.GetRect()
	l.flex.SetRect(x, y, w, h)
	l.flex.Draw(screen)
}

// InputHandler passes keys to the panels (the process table scrolls).
func (l *layout) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return l.WrapInputHandler(func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
		if l.flex != nil {
			if h := l.flex.InputHandler(); h != nil {
				h(event, setFocus)
			}
		}
	})
}

// MouseHandler passes the mouse to the panels: a click selects a process,
// the wheel scrolls the orders and the log.
func (l *layout) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return l.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if l.flex == nil {
			return false, nil
		}
		return l.flex.MouseHandler()(action, event, setFocus)
	})
}
