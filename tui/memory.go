package tui

import (
	"fmt"
	"strings"

	"github.com/comanda/comanda/trace"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// memView is the memory inspector. What it shows depends on its size (how
// many bytes a row holds, how many rows fit), so it writes its text when
// it is drawn.
type memView struct {
	*tview.TextView
	p *panels
}

// Draw writes the inspector's text for its size, then draws it.
func (m *memView) Draw(screen tcell.Screen) {
	if m.p.f != nil {
		setText(m.TextView, m.p.memoryText(m.p.f))
	}
	m.TextView.Draw(screen)
}

// memoryText is the memory inspector's text: the data region as hex and
// text around the last write, whose bytes stand out, and what the region
// decodes to.
func (p *panels) memoryText(f *frame) string {
	t, st := p.theme, f.st
	mem := st.Memory
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s[-]\n", tag(t.Dim), p.tr("ui.mem.title", len(mem), f.cfg.Protocol))
	written := make(map[int]bool)
	center := 0
	if w := st.Last; w != nil {
		who := "S"
		if int(w.Worker) < len(st.Workers) {
			who = st.Workers[w.Worker].Name
		}
		fmt.Fprintf(&b, "%s\n", p.tr("ui.mem.last", who, w.Len, w.Off))
		if hs, err := trace.Hunks(w.Delta, mem); err == nil {
			for _, h := range hs {
				for i := range h.Bytes {
					written[h.Off+i] = true
				}
			}
			if len(hs) > 0 {
				center = hs[0].Off
			}
		}
	} else {
		fmt.Fprintf(&b, "%s\n", p.tr("ui.mem.nowrite"))
	}
	_, _, width, height := p.memory.GetInnerRect()
	perRow := 16
	if width < 6+16*3+16 {
		perRow = 8
	}
	rows := max(1, min(8, height-5))
	first := max(0, (center/perRow)-1) * perRow
	if last := len(mem) - rows*perRow; first > last {
		first = max(0, (last+perRow-1)/perRow*perRow)
	}
	// Predict mode hides the write only if the hidden step made it.
	hidden := f.hidden && f.before != nil && st.Last != nil && st.Last.Event >= f.before.Event
	for r := 0; r < rows && first+r*perRow < len(mem); r++ {
		off := first + r*perRow
		fmt.Fprintf(&b, "%s%05x[-] ", tag(t.Dim), off)
		var text strings.Builder
		on := false
		for i := off; i < off+perRow; i++ {
			if i >= len(mem) {
				b.WriteString("   ")
				continue
			}
			if written[i] != on {
				on = written[i]
				if on {
					b.WriteString(tag(t.Accent) + "[::r]")
					text.WriteString(tag(t.Accent) + "[::r]")
				} else {
					b.WriteString("[::-][-]")
					text.WriteString("[::-][-]")
				}
			}
			if on && hidden {
				b.WriteString("?? ")
				text.WriteString("?")
				continue
			}
			fmt.Fprintf(&b, "%02x ", mem[i])
			c := mem[i]
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			text.WriteString(tview.Escape(string(rune(c))))
		}
		if on {
			b.WriteString("[::-][-]")
			text.WriteString("[::-][-]")
		}
		b.WriteString(" " + text.String() + "\n")
	}
	fmt.Fprintf(&b, "%s%s[-] ", tag(t.Dim), p.tr("ui.mem.decoded"))
	switch {
	case hidden:
		b.WriteString("?")
	case f.board == nil:
		msg := "?"
		if f.boardErr != nil {
			msg = f.boardErr.Error()
		}
		fmt.Fprintf(&b, "%s%s[-]", tag(t.Bad), tview.Escape(p.tr("ui.mem.torn", msg)))
	default:
		bd := f.board
		fmt.Fprintf(&b, "%s", p.tr("ui.mem.board", len(bd.Orders), bd.Stats.Created, bd.Stats.Processed, bd.Stats.Queued))
	}
	return b.String()
}
