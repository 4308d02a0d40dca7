package tui

import (
	"github.com/comanda/comanda/replay"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// timeline draws a lane per worker: what it did in each step (stepped) or
// tenth of a second (free), newest on the right.
type timeline struct {
	*tview.Box
	p *panels
}

func newTimeline(p *panels) *timeline { return &timeline{Box: tview.NewBox(), p: p} }

// Draw draws the lanes and the legend.
func (t *timeline) Draw(screen tcell.Screen) {
	t.Box.DrawForSubclass(screen, t)
	f := t.p.f
	x, y, w, h := t.GetInnerRect()
	if f == nil || w < 6 || h < 1 {
		return
	}
	th := t.p.theme
	lanes := min(len(f.st.Workers), h-1)
	if lanes < len(f.st.Workers) {
		lanes = min(len(f.st.Workers), h) // no room for the legend
	}
	span := w - 4
	cols := f.cols
	if len(cols) > span-1 {
		cols = cols[len(cols)-(span-1):]
	}
	for i := 0; i < lanes; i++ {
		wk := f.st.Workers[i]
		color := th.Text
		if i == f.selected {
			color = th.Accent
		}
		tview.Print(screen, wk.Name, x, y+i, 3, tview.AlignLeft, color)
		cx := x + 4
		draw := func(c replay.Column, now bool) {
			a := replay.ActNotStarted
			if i < len(c) {
				a = c[i]
			}
			st := tcell.StyleDefault.Foreground(th.Activity[a])
			if now {
				st = st.Bold(true)
			}
			screen.Put(cx, y+i, actGlyph[a], st)
			cx++
		}
		for _, c := range cols {
			draw(c, false)
		}
		draw(f.now, true)
	}
	if lanes < h && lanes == len(f.st.Workers) {
		tview.Print(screen, tview.Escape(t.p.tr("ui.tl.legend")), x, y+lanes, w, tview.AlignLeft, th.Dim)
	}
}
