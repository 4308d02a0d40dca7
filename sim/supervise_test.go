package sim

import (
	"strings"
	"testing"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
)

// Stuck: every waiter waits for room and every kitchen for an order, and
// nothing will change that — until the queue moves.
func TestStuck(t *testing.T) {
	l, err := NewLocal(testConfig(), PolicyRandom, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	seg := l.Seg
	if _, _, stuck := Stuck(l.Cfg, seg); stuck {
		t.Fatal("a new run is stuck")
	}
	for i := 0; i < l.Cfg.Workers(); i++ {
		sl := seg.Slot(i)
		sl.SetState(uint32(StateWaiting))
		if i < l.Cfg.Producers {
			sl.SetWaiting(WaitSpace, seg.Space().Version())
		} else {
			sl.SetWaiting(WaitOrders, seg.Queue().Version())
		}
	}
	room, orders, stuck := Stuck(l.Cfg, seg)
	if !stuck || strings.Join(room, " ") != "P1 P2" || strings.Join(orders, " ") != "C1 C2 C3" {
		t.Fatalf("Stuck = %v, %v, %v; want P1 P2 waiting for room, C1 C2 C3 for an order", room, orders, stuck)
	}
	seg.Queue().Bump() // an order came: the kitchens can go on
	if room, orders, stuck := Stuck(l.Cfg, seg); stuck {
		t.Fatalf("stuck after the queue moved: %v %v", room, orders)
	}
}

// A kitchen that dies after its commit counted an order finished, but
// before it let go of the order, is not counted twice by the repair (the
// order would read "cooked twice"; seen once in the chaos soak).
func TestRepairDoesNotCountTwice(t *testing.T) {
	cfg := testConfig()
	cfg.Fast = true
	l, err := NewLocal(cfg, PolicyRandom, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	seg := l.Seg
	var key trace.OrderKey
	slot := -1
	for step := 0; key == 0 && step < 5000 && l.M.Step(); step++ {
		var dec shm.BoardDecoder
		var b shm.Board
		if ReadBoard(cfg, seg.Data(), &dec, &b) != nil {
			continue
		}
		for i := range b.Orders {
			o := &b.Orders[i]
			if k := orderKey(o); o.Status == shm.StatusDone && k != 0 && seg.Ledger(k.Producer()-1).Get(k.N()).Completed == 1 {
				key, slot = k, cfg.Producers+o.Consumer-1
				break
			}
		}
	}
	if key == 0 {
		t.Fatal("no order was finished")
	}
	// As if the kitchen died between its count and clearing its order,
	// with the lock off (so the repair reads the region).
	seg.SetFlag(shm.FlagLockOn, false)
	seg.Slot(slot).SetOrder(uint64(key))
	back, _ := Recover(cfg, seg, slot, 0, FakePID(shm.SystemSlot), nil, 0, 0)
	if back != 0 {
		t.Errorf("Recover put finished order %s back in the queue", key)
	}
	if n := seg.Ledger(key.Producer() - 1).Get(key.N()).Completed; n != 1 {
		t.Errorf("order %s counted finished %d times; want 1", key, n)
	}
}
