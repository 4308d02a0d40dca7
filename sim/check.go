package sim

import (
	"fmt"
	mathbits "math/bits"
	"slices"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// A Violation is a broken invariant: which, when, who, and what was expected
// against what was found.
type Violation struct {
	Inv    Invariant
	Step   uint64
	Slot   int // the worker that broke it, or -1
	Other  int // another worker involved, or -1
	Order  trace.OrderKey
	Detail string
}

// A Checker tests the invariants that need a view of the whole segment:
// stats-drift and order-lost. (Workers catch lost-update, torn-write and
// double-processing themselves, at the moment they happen; the scheduler
// and the controller catch deadlock and lock-owner-died.) It keeps what it
// has already reported, so each problem is reported once.
type Checker struct {
	cfg       *Config
	dec       shm.BoardDecoder
	board     shm.Board
	haveBoard bool
	stamp     shm.WriteStamp
	next      []int      // per producer: the first order not yet known to be finished
	present   [][]uint64 // per producer: scratch for markPresent
	gone      map[trace.OrderKey]bool
	drift     string // the drift reported last ("" while the stats agree)

	// Written, when set, returns the text a worker of this process wrote
	// last and the board that text encodes (nil: none). A committed text
	// equal to it, byte for byte, is that board: it need not be decoded
	// again. NewMachine sets it when its Stepper's workers live in this
	// process (LocalWorkers): only there are their boards at hand, and
	// still, between steps.
	Written func(slot int) ([]byte, *shm.Board)

	// What the last scan saw, and found: a scan of an unchanged segment
	// finds the same (most steps change nothing the checks look at).
	seen     fingerprint
	seenOK   bool
	lastScan []Violation
}

// fingerprint sums up what the checks depend on: the last committed write,
// the workers' counts and the orders in the kitchens.
type fingerprint struct {
	stamp                     shm.WriteStamp
	created, taken, completed uint64
	held                      uint64
}

func (c *Checker) fingerprint(seg *shm.Segment) fingerprint {
	t := SumCounts(c.cfg, seg)
	f := fingerprint{stamp: seg.LoadWriteStamp(), created: t.Created, taken: t.Taken, completed: t.Completed}
	for i := c.cfg.Producers; i < c.cfg.Workers(); i++ {
		f.held = f.held*31 + seg.Slot(i).Order()
	}
	return f
}

// NewChecker returns a checker for a run of cfg.
func NewChecker(cfg *Config) *Checker {
	c := &Checker{cfg: cfg, gone: map[trace.OrderKey]bool{},
		next: make([]int, cfg.Producers), present: make([][]uint64, cfg.Producers)}
	for i := range c.next {
		c.next[i] = 1
	}
	return c
}

// Board returns the board the checker read last, and whether it could read
// one.
func (c *Checker) Board() (*shm.Board, bool) { return &c.board, c.haveBoard }

// Scan tests stats-drift and order-lost against the segment as it is now,
// without marking anything as reported. The caller makes sure the segment is
// not changing meanwhile: in stepped mode it calls it between steps, in free
// mode while holding the lock (or twice, with the lock off).
func (c *Checker) Scan(seg *shm.Segment) []Violation {
	if busyWriting(c.cfg, seg) {
		return nil // a paced write is half done: the region is not a state
	}
	fp := c.fingerprint(seg)
	if c.seenOK && fp == c.seen {
		return c.lastScan
	}
	c.seen, c.seenOK = fp, true
	c.lastScan = c.scan(seg)
	return c.lastScan
}

func (c *Checker) scan(seg *shm.Segment) []Violation {
	if st := seg.LoadWriteStamp(); st != c.stamp || !c.haveBoard {
		c.stamp = st
		c.haveBoard = c.read(seg, st)
	}
	if !c.haveBoard {
		return nil // readers report torn writes as they meet them
	}
	var out []Violation
	if v, ok := c.checkDrift(seg); ok {
		out = append(out, v)
	}
	return append(out, c.checkLost(seg)...)
}

// read reads the board of the write with stamp st: the writer's own board
// when the region holds exactly the text it wrote, else a decode.
func (c *Checker) read(seg *shm.Segment, st shm.WriteStamp) bool {
	if c.Written != nil && c.cfg.Protocol != ProtoRing {
		slot := int(st.Writer())
		if st.Writer() == trace.System {
			slot = shm.SystemSlot
		}
		if text, b := c.Written(slot); b != nil {
			if raw, err := BoardBytes(c.cfg, seg.Data()); err == nil && string(raw) == string(text) {
				c.board.Orders = append(c.board.Orders[:0], b.Orders...)
				c.board.Stats = b.Stats
				return true
			}
		}
	}
	return ReadBoard(c.cfg, seg.Data(), &c.dec, &c.board) == nil
}

// Check scans the segment and accepts what it finds: each problem is
// reported once.
func (c *Checker) Check(seg *shm.Segment) []Violation {
	vs := c.Scan(seg)
	c.Accept(seg, vs)
	return vs
}

// Accept records violations as reported, so that Scan does not find them
// again. (Check does Scan and Accept; free mode without the lock scans twice
// and accepts only what both scans found.)
func (c *Checker) Accept(seg *shm.Segment, vs []Violation) {
	if len(vs) > 0 {
		c.seenOK = false // what was found is reported now: scan again
	}
	for _, v := range vs {
		switch v.Inv {
		case InvStatsDrift:
			c.drift = v.Detail
		case InvOrderLost:
			c.gone[v.Order] = true
			if seg != nil && v.Order != 0 {
				seg.Ledger(v.Order.Producer() - 1).MarkLost(v.Order.N())
			}
		}
	}
}

// busyWriting reports whether some worker is between the chunks of a
// paced write.
func busyWriting(cfg *Config, seg *shm.Segment) bool {
	if cfg.WritePace <= 0 {
		return false
	}
	for i := 0; i < cfg.Workers(); i++ {
		if seg.Slot(i).Writing() {
			return true
		}
	}
	return false
}

// BoardBytes returns the committed JSON of a data region.
func BoardBytes(cfg *Config, region []byte) ([]byte, error) {
	if cfg.Protocol == ProtoShadow {
		return shm.ShadowBlob(region)
	}
	return shm.SeedBlob(region)
}

// Totals are the workers' own counts, added up.
type Totals struct {
	Created, Taken, Completed uint64
}

// SumCounts adds up the private counts in the slots.
func SumCounts(cfg *Config, seg *shm.Segment) Totals {
	var t Totals
	for i := 0; i < cfg.Workers(); i++ {
		sl := seg.Slot(i)
		t.Created += sl.Created()
		t.Taken += sl.Taken()
		t.Completed += sl.Completed()
	}
	return t
}

func (c *Checker) checkDrift(seg *shm.Segment) (Violation, bool) {
	t := SumCounts(c.cfg, seg)
	s := c.board.Stats
	drift := ""
	switch {
	case uint64(s.Created) != t.Created:
		drift = fmt.Sprintf("stats say %d orders created (total_criados), but the waiters created %d", s.Created, t.Created)
	case uint64(s.Processed) != t.Completed:
		drift = fmt.Sprintf("stats say %d orders processed (total_processados), but the kitchen finished %d", s.Processed, t.Completed)
	}
	if drift == "" {
		c.drift = "" // agreed again: a new drift is a new episode
		return Violation{}, false
	}
	if c.drift != "" {
		return Violation{}, false // this episode was reported
	}
	return Violation{Inv: InvStatsDrift, Slot: int(c.stamp.Writer()), Other: -1, Detail: drift}, true
}

func (c *Checker) checkLost(seg *shm.Segment) []Violation {
	// The orders in the kitchens: a few, a list is quicker than a map.
	var heldBuf [shm.MaxWorkers]trace.OrderKey
	held := heldBuf[:0]
	for i := c.cfg.Producers; i < c.cfg.Workers(); i++ {
		if k := seg.Slot(i).Order(); k != 0 {
			held = append(held, trace.OrderKey(k))
		}
	}
	// Each producer's count is read once: in free mode with the lock off it
	// may grow while the check runs, and orders beyond it wait for the next.
	var createdBuf [shm.MaxWorkers]int
	created := createdBuf[:c.cfg.Producers]
	for p := 1; p <= c.cfg.Producers; p++ {
		created[p-1] = int(seg.Slot(p - 1).Created())
		// The finished orders at the front need no more looking at.
		for c.next[p-1] <= created[p-1] && c.finished(seg, p, c.next[p-1]) {
			c.next[p-1]++
		}
	}
	// Of the others, those on the board are where they should be: only the
	// ones missing from it are looked up, 64 orders at a time.
	c.markPresent(created)
	var out []Violation
	for p := 1; p <= c.cfg.Producers; p++ {
		first := c.next[p-1]
		for w, bits := range c.present[p-1] {
			for missing := ^bits; missing != 0; missing &= missing - 1 {
				n := first + 64*w + mathbits.TrailingZeros64(missing)
				if n > created[p-1] {
					break
				}
				k := trace.MakeOrderKey(p, n)
				if !c.finished(seg, p, n) && !slices.Contains(held, k) {
					out = append(out, Violation{Inv: InvOrderLost, Slot: int(c.stamp.Writer()), Other: -1, Order: k,
						Detail: fmt.Sprintf("order %s was created by P%d but is nowhere: not in the window, not in a kitchen, not finished", k, p)})
				}
			}
		}
	}
	return out
}

// finished reports whether producer p's order n is finished: cooked,
// cancelled or reported lost.
func (c *Checker) finished(seg *shm.Segment, p, n int) bool {
	e := seg.Ledger(p - 1).Get(n)
	return e.Completed > 0 || e.Lost || e.Cancelled || c.gone[trace.MakeOrderKey(p, n)]
}

// markPresent sets, for each producer p, bit n-next[p] of present[p] for
// each of its orders n on the board, from next[p] to created[p]. (A bit per
// order, where a map would hash: the check runs after every step that
// commits.)
func (c *Checker) markPresent(created []int) {
	for p := range c.present {
		words := max(created[p]-c.next[p]+64, 0) / 64
		if cap(c.present[p]) < words {
			c.present[p] = make([]uint64, words)
		}
		c.present[p] = c.present[p][:words]
		clear(c.present[p])
	}
	for i := range c.board.Orders {
		o := &c.board.Orders[i]
		if o.Producer < 1 || o.Producer > len(c.present) {
			continue
		}
		n, ok := shm.OrderSeq(o.ID, o.Producer)
		bits := c.present[o.Producer-1]
		if i := n - c.next[o.Producer-1]; ok && i >= 0 && i < 64*len(bits) {
			bits[i/64] |= 1 << (i % 64)
		}
	}
}
