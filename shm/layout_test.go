package shm

import (
	"bytes"
	"os"
	"testing"
	"unsafe"
)

// The offsets are part of the layout version: moving one is a new version.
func TestLayoutOffsets(t *testing.T) {
	if HeaderSize != 8192+MaxWorkers*SlotSize {
		t.Fatalf("HeaderSize = %d", HeaderSize)
	}
	if configOff+ConfigMax > slotsOff {
		t.Fatalf("config (%d+%d) runs into the slots (%d)", configOff, ConfigMax, slotsOff)
	}
	words := []int{offFlags, offLock0, offLock0 + 64, offEventSeq, offStepSeq, offWriteStamp, offTurn,
		offTurnDone, offClock, offQueueVer, offSpaceVer, offLive, offCtlPending}
	seen := map[int]bool{}
	for _, off := range words {
		if off%64 != 0 {
			t.Errorf("atomic word at %d is not on its own cache line", off)
		}
		if seen[off] {
			t.Errorf("two atomic words at %d", off)
		}
		seen[off] = true
		if off >= configOff {
			t.Errorf("atomic word at %d runs into the config", off)
		}
	}
	if slPrivLock+32 > SlotSize || slRingTail%64 != 0 || slRingHead%64 != 0 {
		t.Fatalf("slot fields out of place")
	}
}

func newTestSegment(t *testing.T, g Geometry) *Segment {
	t.Helper()
	seg, err := Format(NewMemory(g.Size()), g, [16]byte{1, 2, 3}, 4242, 77)
	if err != nil {
		t.Fatal(err)
	}
	return seg
}

func TestFormatAttach(t *testing.T) {
	g := Geometry{Workers: 4, Producers: 4, DataSize: SeedDataSize, RingSize: 4096, OrdersPerProducer: 100}
	seg := newTestSegment(t, g)
	if err := seg.SetConfig([]byte(`{"x":1}`)); err != nil {
		t.Fatal(err)
	}
	got, err := Attach(seg.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.ControllerPID() != 4242 || got.StartNano() != 77 || string(got.Config()) != `{"x":1}` ||
		len(got.Data()) != SeedDataSize || got.RunID()[2] != 3 {
		t.Fatalf("attached segment does not match: pid %d start %d config %q data %d",
			got.ControllerPID(), got.StartNano(), got.Config(), len(got.Data()))
	}
	if uintptr(unsafe.Pointer(&got.Data()[0]))%4096 != 0 {
		t.Errorf("data region is not page-aligned")
	}
	bad := NewMemory(HeaderSize)
	if _, err := Attach(bad); err != ErrBadSegment {
		t.Errorf("Attach(zeros) = %v; want ErrBadSegment", err)
	}
	if err := seg.SetConfig(make([]byte, ConfigMax+1)); err == nil {
		t.Errorf("SetConfig accepted a config larger than ConfigMax")
	}
}

func TestSlotFields(t *testing.T) {
	seg := newTestSegment(t, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 4096, OrdersPerProducer: 8})
	sl := seg.Slot(3)
	sl.Init(RoleConsumer, 2)
	sl.SetPID(99)
	sl.AddCreated()
	sl.AddCompleted()
	sl.SetOrder(12345)
	sl.CountAcquire(0)
	sl.CountAcquire(500)
	sl.CountAcquire(200)
	if sl.Role() != RoleConsumer || sl.ID() != 2 || sl.PID() != 99 || sl.Created() != 1 || sl.Completed() != 1 {
		t.Fatalf("slot fields lost")
	}
	ls := sl.LockStats()
	if ls != (LockStats{Acquired: 3, Contended: 2, WaitTotal: 700, WaitMax: 500}) {
		t.Fatalf("LockStats = %+v", ls)
	}
	sl.Reset()
	if sl.PID() != 0 || sl.Order() != 0 || sl.Created() != 1 {
		t.Fatalf("Reset must clear the PID and the order but keep the counts")
	}
	if seg.Slot(4).PID() != 0 {
		t.Fatalf("slots overlap")
	}
}

func TestWriteStamp(t *testing.T) {
	seg := newTestSegment(t, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 4096, OrdersPerProducer: 8})
	prev := seg.CommitWrite(3)
	if prev != 0 {
		t.Fatalf("first CommitWrite returned %v", prev)
	}
	prev = seg.CommitWrite(5)
	if prev.N() != 1 || prev.Writer() != 3 {
		t.Fatalf("CommitWrite = #%d by %d; want #1 by 3", prev.N(), prev.Writer())
	}
	if st := seg.LoadWriteStamp(); st.N() != 2 || st.Writer() != 5 {
		t.Fatalf("stamp = #%d by %d", st.N(), st.Writer())
	}
}

func TestLedger(t *testing.T) {
	seg := newTestSegment(t, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 4096, OrdersPerProducer: 10})
	l := seg.Ledger(1)
	if n := l.Take(3); n != 1 {
		t.Fatalf("Take = %d", n)
	}
	if n := l.Take(3); n != 2 {
		t.Fatalf("second Take = %d; want 2 (double processing)", n)
	}
	l.Untake(3)
	l.Complete(3)
	for i := 0; i < 5; i++ {
		l.Complete(4) // saturates at 3
	}
	if !l.MarkLost(5) || l.MarkLost(5) {
		t.Fatalf("MarkLost must succeed once")
	}
	want := map[int]Entry{3: {Taken: 1, Completed: 1}, 4: {Completed: 3}, 5: {Lost: true}, 2: {}, 11: {}}
	for n, e := range want {
		if got := l.Get(n); got != e {
			t.Errorf("Get(%d) = %+v; want %+v", n, got, e)
		}
	}
	if seg.Ledger(0).Get(3) != (Entry{}) || seg.Ledger(2).Get(3) != (Entry{}) {
		t.Errorf("ledgers of different producers overlap")
	}
}

// TestRingWraps fills a small ring again and again, reading a few records
// each time: records come out in order and whole, whether they leave a gap
// at the ring's end (bodies of 1 to 5 bytes take 24 of its 256) or end
// exactly at it (bodies of 16 bytes take 32). Every other round a new
// writer takes over from the published head, as a restarted worker does.
func TestRingWraps(t *testing.T) {
	for _, bodyLen := range []func(seq uint64) int{
		func(seq uint64) int { return 1 + int(seq%5) },
		func(uint64) int { return 16 },
	} {
		seg := newTestSegment(t, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 256, OrdersPerProducer: 8})
		w, r := seg.Ring(0).Writer(), seg.Ring(0).Reader()
		next := uint64(1)
		got := uint64(1)
		body := func(seq uint64) []byte {
			b := bytes.Repeat([]byte{7}, bodyLen(seq))
			b[0] = byte(seq)
			return b
		}
		for round := 0; round < 200; round++ {
			if round%2 == 1 {
				w = seg.Ring(0).Writer()
			}
			for w.TryAppend(next, body(next)) {
				next++
			}
			w.Publish()
			// Full: read some, check order and content, give the room back.
			for i := 0; i < 3; i++ {
				seq, b, ok := r.Peek()
				if !ok {
					t.Fatalf("ring empty after a failed append")
				}
				if seq != got || !bytes.Equal(b, body(got)) {
					t.Fatalf("Peek = %d %v; want seq %d", seq, b, got)
				}
				r.Advance()
				got++
			}
			r.Release()
		}
		for {
			seq, _, ok := r.Peek()
			if !ok {
				break
			}
			if seq != got {
				t.Fatalf("seq %d; want %d", seq, got)
			}
			r.Advance()
			got++
		}
		if got != next {
			t.Fatalf("read %d records, wrote %d", got-1, next-1)
		}
	}
}

// TestRingPublishRelease: the reader sees records only once they are
// published, and the writer gets room back only once it is released.
func TestRingPublishRelease(t *testing.T) {
	seg := newTestSegment(t, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 256, OrdersPerProducer: 8})
	w, r := seg.Ring(0).Writer(), seg.Ring(0).Reader()
	if !w.TryAppend(1, []byte{1}) {
		t.Fatal("append to an empty ring failed")
	}
	if _, _, ok := r.Peek(); ok {
		t.Fatal("the reader saw a record before it was published")
	}
	w.Publish()
	if seq, _, ok := r.Peek(); !ok || seq != 1 {
		t.Fatalf("Peek after Publish = %d, %v; want 1, true", seq, ok)
	}
	n := uint64(1)
	for w.TryAppend(n+1, []byte{1}) {
		n++
	}
	w.Publish()
	for i := uint64(1); i <= n; i++ {
		if seq, _, ok := r.Peek(); !ok || seq != i {
			t.Fatalf("Peek = %d, %v; want %d, true", seq, ok, i)
		}
		r.Advance()
	}
	if w.TryAppend(n+1, []byte{1}) {
		t.Fatal("the writer got room the reader had not released")
	}
	r.Release()
	if !w.TryAppend(n+1, []byte{1}) {
		t.Fatal("no room after the reader released everything")
	}
}

func TestFileCreateOpenReclaim(t *testing.T) {
	dir := t.TempDir()
	g := Geometry{Workers: 4, Producers: 4, DataSize: SeedDataSize, RingSize: 4096, OrdersPerProducer: 64}
	f, err := Create(dir, g, NewRunID())
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("segment mode %v; want 0600", fi.Mode().Perm())
	}
	w, err := Open(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	f.Seg.Slot(0).SetPID(7)
	if w.Seg.Slot(0).PID() != 7 {
		t.Fatalf("the two mappings do not share memory")
	}
	w.Close()
	// A live controller's segment is never reclaimed.
	os.Chtimes(f.Path, fi.ModTime().Add(-time2s), fi.ModTime().Add(-time2s))
	if gone, _ := Reclaim(dir); len(gone) != 0 {
		t.Fatalf("Reclaim removed a live segment: %v", gone)
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if len(Segments(dir)) != 0 {
		t.Fatalf("Remove left %v", Segments(dir))
	}
}

// The unprotected-sections word counts sections started and running.
func TestUnprotectedWord(t *testing.T) {
	seg := newTestSegment(t, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 256, OrdersPerProducer: 8})
	w0 := seg.Unprotected()
	if !NoneUnprotected(w0) {
		t.Fatalf("a new segment says a section runs unprotected: %#x", w0)
	}
	seg.BeginUnprotected()
	seg.BeginUnprotected()
	seg.EndUnprotected()
	if w := seg.Unprotected(); NoneUnprotected(w) || w == w0 {
		t.Fatalf("one section still runs: word %#x", w)
	}
	seg.EndUnprotected()
	w := seg.Unprotected()
	if !NoneUnprotected(w) || w == w0 {
		t.Fatalf("none runs, two started: word %#x (was %#x)", w, w0)
	}
}
