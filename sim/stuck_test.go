package sim

import (
	"strings"
	"testing"
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
	why := StuckText(room, orders)
	if !stuck || !strings.Contains(why, "P1 P2 wait for room in the window") || !strings.Contains(why, "C1 C2 C3 wait for an order") {
		t.Fatalf("Stuck = %q, %v", why, stuck)
	}
	seg.Queue().Bump() // an order came: the kitchens can go on
	if room, orders, stuck := Stuck(l.Cfg, seg); stuck {
		t.Fatalf("stuck after the queue moved: %v %v", room, orders)
	}
}
