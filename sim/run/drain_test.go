package run

import (
	"sync"
	"testing"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
	"github.com/google/go-cmp/cmp"
)

// Three workers and the controller record at once while the drainer
// drains: every event comes out once, in sequence order, whatever the
// interleaving (the drainer takes runs of events from one ring at a time).
func TestDrainMergesInOrder(t *testing.T) {
	const workers, each = 3, 20000
	g := shm.Geometry{Workers: workers, Producers: 1, DataSize: 4096, RingSize: 16 << 10, OrdersPerProducer: 8}
	seg, err := shm.Format(shm.NewMemory(g.Size()), g, [16]byte{}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctl := &ctlRecorder{seg: seg, full: true}
	var got []uint64
	d := &drainer{seg: seg, ctl: ctl, slots: workers, out: func(seq uint64, body []byte) {
		var e trace.Event
		if err := trace.DecodeEvent(body, &e); err != nil || e.Seq != seq {
			t.Errorf("event %d: %v (its body says %d)", seq, err, e.Seq)
		}
		got = append(got, seq)
	}}
	gone := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(slot int) {
			defer wg.Done()
			rec := newRingRecorder(seg, slot, true, gone)
			for i := 0; i < each; i++ {
				rec.Record(&trace.Event{Kind: trace.LockAttempted, Worker: uint8(slot), Arg: int64(i)})
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < each/10; i++ {
			ctl.Record(&trace.Event{Kind: trace.TimerFired, Worker: trace.System})
		}
	}()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			d.drain()
		}
	}
	d.drainAll()
	close(gone)
	want := make([]uint64, workers*each+each/10)
	for i := range want {
		want[i] = uint64(i + 1)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("drained sequence (-want +got):\n%s", diff)
	}
}

// A worker whose section records more than its ring holds (held back until
// the section ends) still gets room: when the ring is full it publishes
// what it has and lets the controller write it out.
func TestHeldSectionLargerThanRing(t *testing.T) {
	g := shm.Geometry{Workers: 1, Producers: 1, DataSize: 4096, RingSize: 1 << 10, OrdersPerProducer: 8}
	seg, err := shm.Format(shm.NewMemory(g.Size()), g, [16]byte{}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	d := &drainer{seg: seg, ctl: &ctlRecorder{seg: seg, full: true}, slots: 1,
		out: func(seq uint64, body []byte) { got = append(got, seq) }}
	gone := make(chan struct{})
	defer close(gone)
	rec := newRingRecorder(seg, 0, true, gone)
	rec.hold = true
	const n = 500 // about 40 bytes each in the ring: 20 rings' worth
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < n; i++ {
			rec.Record(&trace.Event{Kind: trace.MemRead, Worker: 0, Arg2: int64(i + 1)})
		}
		rec.flush()
	}()
	deadline := time.After(10 * time.Second)
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		case <-deadline:
			t.Fatalf("the worker still waits for room after 10 s (%d events out)", len(got))
		default:
			d.drain()
		}
	}
	d.drainAll()
	if len(got) != n || got[0] != 1 || got[n-1] != n {
		t.Fatalf("drained %d events (%v…); want 1…%d", len(got), got[:min(3, len(got))], n)
	}
}
