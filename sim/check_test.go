package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The checker of an in-process run takes the board a worker wrote instead
// of decoding the same text again (Checker.Written). It must see exactly
// what a decode sees, after every step: compared with a checker that always
// decodes, over runs that break every invariant a board can show (lock
// off: lost updates, lost orders, drift; the seed protocol; a worker that
// dies mid-write, paced writes).
func TestCheckerTakesWrittenBoard(t *testing.T) {
	for _, tc := range []struct {
		proto Protocol
		lock  bool
		die   bool
		pace  bool
	}{
		{ProtoShadow, true, false, false}, {ProtoShadow, false, false, false},
		{ProtoSeed, true, false, false}, {ProtoSeed, false, false, false}, {ProtoSeed, true, true, false},
		{ProtoSeed, false, false, true},
	} {
		t.Run(fmt.Sprintf("%s/lock=%v/die=%v/pace=%v", tc.proto, tc.lock, tc.die, tc.pace), func(t *testing.T) {
			cfg := testConfig()
			cfg.Protocol, cfg.LockOn, cfg.Fast, cfg.Duration, cfg.MaxSteps = tc.proto, tc.lock, true, 0, 6000
			if tc.pace {
				cfg.WritePace = 50 * time.Millisecond
			}
			if tc.die {
				cfg.Faults = []Fault{{Slot: 2, When: "holding-lock", Count: 2}}
			}
			// Two runs of the same seed in step: one takes written boards,
			// the other always decodes.
			l, err := NewLocal(cfg, PolicyRandom, nil, &events{})
			if err != nil {
				t.Fatal(err)
			}
			d, err := NewLocal(cfg, PolicyRandom, nil, &events{})
			if err != nil {
				t.Fatal(err)
			}
			if l.M.Checker.Written == nil {
				t.Fatal("the in-process checker does not take the written boards")
			}
			d.M.Checker.Written = nil
			taken, violations := 0, 0
			for {
				more, dmore := l.M.Step(), d.M.Step()
				if more != dmore {
					t.Fatalf("step %d: one run ended, the other did not", l.M.Steps())
				}
				if !more {
					break
				}
				got, want := l.M.Checker.lastScan, d.M.Checker.lastScan
				violations += len(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("step %d: violations (-decoded +taken):\n%s", l.M.Steps(), diff)
				}
				b, ok := l.M.Checker.Board()
				db, dok := d.M.Checker.Board()
				if ok != dok {
					t.Fatalf("step %d: board read %v, decoded %v", l.M.Steps(), ok, dok)
				}
				if ok {
					if diff := cmp.Diff(db, b); diff != "" {
						t.Fatalf("step %d: board (-decoded +taken):\n%s", l.M.Steps(), diff)
					}
				}
				if text, _ := l.M.Checker.Written(int(l.Seg.LoadWriteStamp().Writer())); text != nil {
					taken++
				}
			}
			if taken == 0 {
				t.Fatal("not one board was taken as written")
			}
			if !tc.lock && violations == 0 {
				t.Fatal("the lock was off and nothing broke: the comparison saw no violation")
			}
		})
	}
}
