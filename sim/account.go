package sim

import (
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// Orders is the end-of-run accounting: every order a waiter created is
// exactly one of completed, cancelled, pending, in preparation or lost.
// Duplicated counts, among them, the orders two kitchens got.
type Orders struct {
	Created    int `json:"created"`
	Completed  int `json:"completed"`
	Cancelled  int `json:"cancelled"`
	Pending    int `json:"pending"`
	InPrep     int `json:"in_prep"`
	Lost       int `json:"lost"`
	Duplicated int `json:"duplicated"`
}

// Balanced reports whether the parts add up to the orders created.
func (o Orders) Balanced() bool {
	return o.Created == o.Completed+o.Cancelled+o.Pending+o.InPrep+o.Lost
}

// Account counts every order of the run from the ground truth: the
// producers' own counts say which orders exist, the ledger says which were
// finished (and how often) and which the stop cancelled, and the board says
// where the others are. board may be nil when
// the data region does not decode (then nothing is "in the window").
func Account(cfg *Config, seg *shm.Segment, board *shm.Board) Orders {
	inWindow := map[trace.OrderKey]shm.Status{}
	if board != nil {
		for i := range board.Orders {
			if k := orderKey(&board.Orders[i]); k != 0 {
				inWindow[k] = board.Orders[i].Status
			}
		}
	}
	held := map[trace.OrderKey]bool{}
	for i := cfg.Producers; i < cfg.Workers(); i++ {
		if k := seg.Slot(i).Order(); k != 0 {
			held[trace.OrderKey(k)] = true
		}
	}
	var o Orders
	for p := 1; p <= cfg.Producers; p++ {
		created := int(seg.Slot(p - 1).Created())
		ledger := seg.Ledger(p - 1)
		for n := 1; n <= created; n++ {
			k := trace.MakeOrderKey(p, n)
			e := ledger.Get(n)
			o.Created++
			if e.Completed >= 2 || e.Taken >= 2 {
				o.Duplicated++
			}
			st, inW := inWindow[k]
			switch {
			case e.Completed > 0:
				o.Completed++
			case e.Cancelled || (inW && st == shm.StatusCancelled):
				o.Cancelled++
			case held[k] || (inW && st == shm.StatusInPrep):
				o.InPrep++
			case inW:
				o.Pending++
			default:
				o.Lost++
			}
		}
	}
	return o
}
