package run

import (
	"sync"
	"testing"

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
