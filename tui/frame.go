package tui

import (
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	"github.com/comanda/comanda/trace"
)

// A frame is everything the panels show at one moment of a run, live or
// replayed. The panels are functions of it.
type frame struct {
	cfg        *sim.Config
	st         *replay.State
	board      *shm.Board // the data region decoded (nil when it does not decode)
	boardErr   error
	violations []replay.Violation
	log        []logLine
	cols       []replay.Column // the timeline, oldest first
	now        replay.Column   // the timeline's open column
	procs      []procStat      // by slot; nil when there are no live processes
	selected   int             // the selected worker's slot
	hidden     bool            // predict mode: the last step's outcome is hidden
	before     *replay.State   // with hidden: the state before that step
	header     string          // the title line (tview colour tags allowed)
}

// A logLine is one line of the log.
type logLine struct {
	at     string // "16:20:31" or "step 14"
	text   string
	bad    bool // a violation, a death
	now    bool // belongs to the current step (replay)
	hidden bool // predict mode: what it says is hidden
	step   uint64
	event  bool   // an event of the run (not a message, not a step's grant)
	key    string // a message of the run: its catalogue key
}

// procStat is a worker process's CPU and memory use.
type procStat struct {
	ok  bool
	cpu float64 // percent of one core
	rss uint64  // bytes
}

// newFrame decodes the board of st and fills what every frame has.
func newFrame(cfg *sim.Config, st *replay.State) *frame {
	f := &frame{cfg: cfg, st: st, selected: -1}
	f.board, f.boardErr = st.Board()
	return f
}

// changedOrder reports whether order status changed in the hidden step.
func (f *frame) hiddenStatus(p, n int) bool {
	if !f.hidden || f.before == nil {
		return false
	}
	k := orderKey(p, n)
	return f.before.OrderStatus(k) != f.st.OrderStatus(k)
}

// orderKey is the key of producer p's n-th order.
func orderKey(p, n int) trace.OrderKey { return trace.MakeOrderKey(p, n) }
