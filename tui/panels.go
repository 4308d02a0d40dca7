package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// Panel names, as lessons and the tab bar use them.
const (
	paneOrders    = "orders"
	paneProcesses = "processes"
	paneLock      = "lock"
	paneMemory    = "memory"
	paneTimeline  = "timeline"
	paneLog       = "log"
)

// paneOrder is the order of the panels in the tab bar and for Tab.
var paneOrder = []string{paneOrders, paneProcesses, paneLock, paneMemory, paneTimeline, paneLog}

// panels are the primitives of one screen's view of a run.
type panels struct {
	lang     i18n.Lang
	theme    *Theme
	header   *tview.TextView
	stats    *tview.TextView
	orders   *tview.Table
	procs    *tview.Table
	lock     *tview.TextView
	memory   *memView
	timeline *timeline
	log      *tview.TextView
	message  *tview.TextView
	footer   *tview.TextView
	content  ordersContent
	onSelect func(slot int) // a click on a process row
	f        *frame
	// followLog: the log panel follows the end of a live run, and is
	// scrolled back to it at every frame, so it is given only as many of
	// the last lines as it has rows (see logShown).
	followLog bool
}

// newPanels makes the panels of a screen of kind on.
func newPanels(lang i18n.Lang, theme *Theme) *panels {
	p := &panels{lang: lang, theme: theme}
	text := func() *tview.TextView {
		t := tview.NewTextView().SetDynamicColors(true).SetWrap(false)
		return t
	}
	p.header, p.stats, p.message, p.footer = text(), text(), text(), text()
	p.footer.SetWrap(true)
	p.lock, p.log = text(), text()
	p.memory = &memView{TextView: text(), p: p}
	p.log.SetWrap(true).SetWordWrap(true)
	p.lock.SetWrap(true).SetWordWrap(true)
	p.orders = tview.NewTable().SetFixed(1, 0).SetContent(&p.content)
	p.content.p = p
	p.procs = tview.NewTable().SetFixed(1, 0).SetSelectable(true, false)
	p.procs.SetSelectionChangedFunc(func(row, _ int) {
		if row > 0 && p.onSelect != nil && p.f != nil && p.f.selected != row-1 {
			p.onSelect(row - 1)
		}
	})
	p.timeline = newTimeline(p)
	for name, b := range map[string]*tview.Box{
		paneOrders: p.orders.Box, paneProcesses: p.procs.Box, paneLock: p.lock.Box,
		paneMemory: p.memory.TextView.Box, paneTimeline: p.timeline.Box, paneLog: p.log.Box,
	} {
		b.SetBorder(true).SetTitle(" " + p.tr("ui.pane."+name) + " ").SetTitleAlign(tview.AlignLeft)
	}
	return p
}

// tr returns a text of the catalogue.
func (p *panels) tr(key string, args ...any) string { return i18n.T(p.lang, key, args...) }

// box returns the bordered primitive of panel name.
func (p *panels) box(name string) tview.Primitive {
	switch name {
	case paneOrders:
		return p.orders
	case paneProcesses:
		return p.procs
	case paneLock:
		return p.lock
	case paneMemory:
		return p.memory
	case paneTimeline:
		return p.timeline
	}
	return p.log
}

// show fills every panel from f.
func (p *panels) show(f *frame) {
	p.f = f
	setText(p.header, f.header)
	p.showStats(f)
	p.content.rebuild(f)
	p.orders.SetTitle(" " + p.tr("ui.pane.orders") + fmt.Sprintf(" (%d) ", len(p.content.rows)))
	p.showProcs(f)
	p.showLock(f)
	p.showLog(f)
}

// statusWord returns the word for an order status, in the status's colour.
func (p *panels) statusWord(st replay.OrderStatus) string {
	key := map[replay.OrderStatus]string{replay.OrderPending: "ui.status.pending", replay.OrderInPrep: "ui.status.inprep",
		replay.OrderDone: "ui.status.done", replay.OrderCancelled: "ui.status.cancelled", replay.OrderLost: "ui.status.lost"}[st]
	if key == "" {
		key = "ui.status.unknown"
	}
	return p.tr(key)
}

// showStats fills the stats bar: the totals, from the events.
func (p *panels) showStats(f *frame) {
	st, t := f.st, p.theme
	violations := len(f.violations)
	if f.hidden && f.before != nil {
		// Predict mode: the counts before the hidden step (a "lost 1"
		// would give the answer away).
		st = f.before
		violations = 0
		for _, v := range f.violations {
			if v.Index < f.before.Event {
				violations++
			}
		}
	}
	var b strings.Builder
	item := func(color tcell.Color, n int, key string) {
		fmt.Fprintf(&b, "%s%s %d[-]  ", tag(color), p.tr(key), n)
	}
	item(t.Text, st.Counts.Created, "ui.stats.created")
	item(t.Status[replay.OrderDone], st.Tally[replay.OrderDone], "ui.stats.done")
	item(t.Status[replay.OrderPending], st.Tally[replay.OrderPending], "ui.stats.queue")
	item(t.Status[replay.OrderInPrep], st.Tally[replay.OrderInPrep], "ui.stats.prep")
	item(t.Status[replay.OrderCancelled], st.Tally[replay.OrderCancelled], "ui.stats.cancelled")
	lostColor := t.Text
	if st.Tally[replay.OrderLost] > 0 {
		lostColor = t.Bad
	}
	item(lostColor, st.Tally[replay.OrderLost], "ui.stats.lost")
	rate := 0.0
	if secs := time.Duration(st.Time).Seconds(); secs > 0 {
		rate = float64(st.Counts.Completed) / secs
	}
	fmt.Fprintf(&b, "%s %.1f  ", p.tr("ui.stats.rate"), rate)
	vColor := t.Text
	if violations > 0 {
		vColor = t.Bad
	}
	fmt.Fprintf(&b, "%s%s %d[-]", tag(vColor), p.tr("ui.stats.violations"), violations)
	setText(p.stats, b.String())
}

// orderRow is one row of the orders table.
type orderRow struct {
	id       int64
	table    int
	item     string
	producer int
	consumer int
	mem      replay.OrderStatus // what the memory says
	truth    replay.OrderStatus // what happened
	hidden   bool
}

// ordersContent is the orders table's content, built once per frame and
// read by the table for the rows it draws only: a thousand orders cost
// what the visible ones cost.
type ordersContent struct {
	tview.TableContentReadOnly
	p    *panels
	rows []orderRow
}

// memStatus maps the original's status word to an order status.
func memStatus(s shm.Status) replay.OrderStatus {
	switch s {
	case shm.StatusPending:
		return replay.OrderPending
	case shm.StatusInPrep:
		return replay.OrderInPrep
	case shm.StatusDone:
		return replay.OrderDone
	case shm.StatusCancelled:
		return replay.OrderCancelled
	}
	return replay.OrderNone
}

// rebuild makes the rows of frame f: the orders the memory holds, newest
// first, after the orders lost from it.
func (c *ordersContent) rebuild(f *frame) {
	c.rows = c.rows[:0]
	if f.st.Tally[replay.OrderLost] > 0 {
		f.st.Orders(func(k trace.OrderKey, st replay.OrderStatus) {
			if st == replay.OrderLost {
				c.rows = append(c.rows, orderRow{id: shm.OrderID(k.Producer(), k.N()), producer: k.Producer(),
					consumer: -1, mem: replay.OrderNone, truth: st, table: -1})
			}
		})
	}
	if f.board == nil {
		return
	}
	for i := len(f.board.Orders) - 1; i >= 0; i-- {
		o := &f.board.Orders[i]
		row := orderRow{id: o.ID, table: o.Table, item: o.Item, producer: o.Producer, consumer: o.Consumer,
			mem: memStatus(o.Status), truth: replay.OrderNone}
		if n, ok := shm.OrderSeq(o.ID, o.Producer); ok {
			row.truth = f.st.OrderStatus(trace.MakeOrderKey(o.Producer, n))
			row.hidden = f.hiddenStatus(o.Producer, n)
		}
		c.rows = append(c.rows, row)
	}
}

// ordersColumns are the catalogue keys of the orders table's headings.
var ordersColumns = []string{"ui.col.id", "ui.col.table", "ui.col.item", "ui.col.producer", "ui.col.consumer", "ui.col.status", "ui.col.truth"}

func (c *ordersContent) GetRowCount() int    { return len(c.rows) + 1 }
func (c *ordersContent) GetColumnCount() int { return len(ordersColumns) }

// GetCell returns one cell of the orders table.
func (c *ordersContent) GetCell(row, col int) *tview.TableCell {
	p, t := c.p, c.p.theme
	if row == 0 {
		return tview.NewTableCell(p.tr(ordersColumns[col])).SetTextColor(t.Title).SetSelectable(false).SetAttributes(tcell.AttrBold)
	}
	if row-1 >= len(c.rows) {
		return nil
	}
	r := &c.rows[row-1]
	cell := tview.NewTableCell("").SetTextColor(t.Text)
	switch col {
	case 0:
		cell.Text = fmt.Sprint(r.id)
	case 1:
		if r.table >= 0 {
			cell.Text = fmt.Sprint(r.table)
		}
	case 2:
		cell.Text = r.item
		cell.SetMaxWidth(22)
	case 3:
		cell.Text = fmt.Sprintf("P%d", r.producer)
	case 4:
		if r.consumer > 0 {
			cell.Text = fmt.Sprintf("C%d", r.consumer)
		}
	case 5:
		st := r.mem
		if st == replay.OrderNone {
			st = r.truth
		}
		cell.Text = p.statusWord(st)
		cell.SetTextColor(t.Status[st])
		if r.hidden {
			cell.Text = "?"
			cell.SetTextColor(t.Accent)
		}
	case 6:
		// What truly happened, when the memory says otherwise (a lost
		// update, a torn write) or the order is gone from it.
		if r.truth != replay.OrderNone && r.mem != replay.OrderNone && r.truth != r.mem && !r.hidden {
			cell.Text = p.statusWord(r.truth)
			cell.SetTextColor(t.Status[r.truth]).SetAttributes(tcell.AttrBold)
		}
	}
	return cell
}

// showProcs fills the process table.
func (p *panels) showProcs(f *frame) {
	t := p.theme
	tb := p.procs
	tb.Clear()
	for i, key := range []string{"ui.col.role", "ui.col.worker", "ui.col.pid", "ui.col.state", "ui.col.cpu", "ui.col.mem", "ui.col.step", "ui.col.lock", "ui.col.order"} {
		tb.SetCell(0, i, tview.NewTableCell(p.tr(key)).SetTextColor(t.Title).SetSelectable(false).SetAttributes(tcell.AttrBold))
	}
	for i, w := range f.st.Workers {
		row := i + 1
		role := p.tr("ui.role." + w.Role)
		name := w.Name
		if i < 9 {
			name = fmt.Sprintf("%d %s", i+1, w.Name)
		}
		act := w.Activity
		state := p.tr("ui.act." + actKey[act])
		if w.Activity == replay.ActExited && w.ExitStatus != 0 {
			state = p.tr("ui.act.died")
		}
		pid := ""
		if w.PID > 0 {
			pid = fmt.Sprint(w.PID)
		}
		cpu, mem := "—", "—"
		if i < len(f.procs) && f.procs[i].ok && w.Activity != replay.ActExited {
			cpu = fmt.Sprintf("%.1f", f.procs[i].cpu)
			mem = fmt.Sprintf("%.1f", float64(f.procs[i].rss)/(1<<20))
		}
		op := w.Op
		if f.hidden && f.before != nil && i < len(f.before.Workers) && f.before.Workers[i].Steps != w.Steps {
			op = "?"
		}
		lock := ""
		for li, h := range w.Holds {
			if h {
				lock = p.tr("ui.proc.holds", li+1)
			} else if w.Unprotected[li] {
				lock = p.tr("ui.proc.unprotected")
			}
		}
		if lock == "" && w.WaitsFor >= 0 {
			lock = p.tr("ui.proc.waits", w.WaitsFor+1)
		}
		order := ""
		if w.Order != 0 {
			order = w.Order.String()
		}
		cells := []string{role, name, pid, state, cpu, mem, op, lock, order}
		for c, s := range cells {
			cell := tview.NewTableCell(tview.Escape(s)).SetTextColor(t.Text)
			if c == 3 {
				cell.SetTextColor(t.Activity[act])
			}
			if c == 7 && lock != "" {
				cell.SetTextColor(t.Activity[act]).SetAttributes(tcell.AttrBold)
			}
			tb.SetCell(row, c, cell)
		}
	}
	if f.selected >= 0 && f.selected < len(f.st.Workers) {
		tb.Select(f.selected+1, 0)
	}
}

// actKey maps an activity to its catalogue key suffix.
var actKey = map[replay.Activity]string{
	replay.ActNotStarted: "not-started", replay.ActRunning: "running", replay.ActWaitingLock: "waiting-lock",
	replay.ActHolding: "holding", replay.ActUnprotected: "unprotected", replay.ActSleeping: "sleeping",
	replay.ActWaiting: "waiting", replay.ActExited: "exited",
}

// showLock fills the lock panel: each lock's state, then who got it.
func (p *panels) showLock(f *frame) {
	t, st := p.theme, f.st
	var b strings.Builder
	mode := p.tr("ui.lock.on")
	color := t.Status[replay.OrderDone]
	switch {
	case f.cfg.LockScope == sim.ScopePerProcess:
		mode, color = p.tr("ui.lock.perprocess"), t.Bad
	case !st.LockOn:
		mode, color = p.tr("ui.lock.off"), t.Bad
	}
	fmt.Fprintf(&b, "%s[::b]%s[::-][-]\n", tag(color), mode)
	for i, l := range st.Locks {
		holder := p.tr("ui.lock.free")
		if l.Owner >= 0 && l.Owner < len(st.Workers) {
			holder = p.tr("ui.lock.heldby", st.Workers[l.Owner].Name)
		}
		fmt.Fprintf(&b, "%s\n", p.tr("ui.lock.state", i+1, holder))
		if len(l.Waiters) > 0 {
			var names []string
			for _, w := range l.Waiters {
				if w < len(st.Workers) {
					names = append(names, st.Workers[w].Name)
				}
			}
			fmt.Fprintf(&b, "  %s%s[-]\n", tag(t.Activity[replay.ActWaitingLock]), p.tr("ui.lock.waiters", strings.Join(names, " ")))
		} else {
			fmt.Fprintf(&b, "  %s\n", p.tr("ui.lock.nowaiters"))
		}
		fmt.Fprintf(&b, "  %s\n", p.tr("ui.lock.counts", l.Acquisitions, l.Contentions))
	}
	fmt.Fprintf(&b, "%s%s[-]\n", tag(t.Dim), p.tr("ui.lock.fairness"))
	for _, w := range st.Workers {
		served := w.Created
		if w.Role == "consumer" {
			served = w.Completed
		}
		fmt.Fprintf(&b, " %-3s %5d · %5d · %6s · %d\n", w.Name, w.Acquired, w.Contended,
			time.Duration(w.WaitMax).Round(time.Microsecond), served)
	}
	setText(p.lock, b.String())
}

// logShown is how many of the log's last lines the log panel is given: a
// replay's whole log (maxReplayLog), more than a terminal shows. A live
// run keeps maxLog lines, but its log panel shows the end of them, again
// at every frame: word-wrapping lines nobody can see cost the frame more
// than every other panel together. So a live log gets no more lines than
// its panel has rows (BenchmarkFullRedraw, 200×60: 5.5-5.7 → 3.9-5.1 ms).
const logShown = maxReplayLog

// showLog fills the log with its last lines.
func (p *panels) showLog(f *frame) {
	t := p.theme
	n := logShown
	if _, _, _, rows := p.log.GetInnerRect(); p.followLog && rows > 0 {
		n = min(n, rows) // every line takes a row at least
	}
	var b strings.Builder
	for _, l := range f.log[max(0, len(f.log)-n):] {
		color := t.Text
		switch {
		case l.bad:
			color = t.Bad
		case l.now:
			color = t.Accent
		}
		text := tview.Escape(l.text)
		if l.hidden {
			text = "?"
		}
		fmt.Fprintf(&b, "%s%s[-] %s%s[-]\n", tag(t.Dim), tview.Escape(l.at), tag(color), text)
	}
	setText(p.log, strings.TrimSuffix(b.String(), "\n"))
	p.log.ScrollToEnd()
}

// setText sets the text of t unless it is that already: SetText makes the
// view parse its text again (word wrapping, colour tags) when drawn, and
// at the frame tick most frames change few of the panels. (The views it
// is used on are scrollable: their text is all they were given.)
func setText(t *tview.TextView, text string) {
	if t.GetText(false) != text {
		t.SetText(text)
	}
}
