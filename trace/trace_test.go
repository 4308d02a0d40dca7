package trace

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func testHeader() Header {
	return Header{
		Format:      Version,
		Binary:      "comanda test",
		RunID:       "run-0001",
		Scenario:    "lunch-rush",
		ScenarioSrc: "name = \"lunch-rush\"\nproducers = 2\nconsumers = 2\n",
		Config:      json.RawMessage(`{"lock":true,"window":20}`),
		Seed:        42,
		Mode:        "stepped",
		Driver:      "inproc",
		Workers: []WorkerInfo{
			{Slot: 0, Name: "P1", Role: "producer"},
			{Slot: 1, Name: "C1", Role: "consumer"},
		},
		Started:  time.Date(2025, 10, 20, 12, 0, 0, 123456789, time.UTC),
		DataSize: 64,
		DataInit: []byte{4, 0, 0, 0, '{', '}'},
	}
}

// fullEvent returns an event of kind k with every field set.
func fullEvent(k Kind) Event {
	return Event{
		Seq:    1<<40 + 3,
		Step:   77777,
		Time:   -123456789012,
		Kind:   k,
		Worker: System,
		Lock:   2,
		Order:  MakeOrderKey(3, 1234),
		Arg:    math.MinInt64,
		Arg2:   math.MaxInt64,
		Data:   []byte("payload \x00\xff"),
	}
}

// randEvent returns a random event with sequence number seq; about half of
// its optional fields are zero.
func randEvent(r *rand.Rand, seq uint64) Event {
	e := Event{Seq: seq, Kind: Kind(1 + r.IntN(int(kindCount)-1)), Worker: uint8(r.IntN(256))}
	if r.IntN(2) == 0 {
		e.Step = r.Uint64N(1 << uint(1+r.IntN(63)))
	}
	if r.IntN(2) == 0 {
		e.Time = r.Int64() >> uint(r.IntN(64))
		if r.IntN(2) == 0 {
			e.Time = -e.Time
		}
	}
	if r.IntN(2) == 0 {
		e.Lock = uint8(r.IntN(256))
	}
	if r.IntN(2) == 0 {
		e.Order = MakeOrderKey(1+r.IntN(9), 1+r.IntN(100000))
	}
	if r.IntN(2) == 0 {
		e.Arg = r.Int64() >> uint(r.IntN(64))
	}
	if r.IntN(2) == 0 {
		e.Arg2 = -(r.Int64() >> uint(r.IntN(64)))
	}
	if r.IntN(4) == 0 {
		e.Data = make([]byte, r.IntN(300))
		for i := range e.Data {
			e.Data[i] = byte(r.IntN(256))
		}
		if len(e.Data) == 0 {
			e.Data = nil
		}
	}
	return e
}

// writeTrace encodes a trace of events and returns the file and each
// record's start offset (plus the end of the file).
func writeTrace(t testing.TB, h Header, events []Event) ([]byte, []int64) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	offs := []int64{int64(buf.Len())}
	for i := range events {
		if err := w.Write(&events[i]); err != nil {
			t.Fatalf("Write(%d): %v", i, err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		offs = append(offs, int64(buf.Len()))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Events() != uint64(len(events)) {
		t.Fatalf("Events() = %d, want %d", w.Events(), len(events))
	}
	return buf.Bytes(), offs
}

// smallEvents is a short run: one record with a two-byte length, many with
// one, ending with RunEnded.
func smallEvents() []Event {
	evs := []Event{
		{Seq: 1, Kind: RunStarted, Worker: System, Arg: 4242},
		{Seq: 2, Kind: WorkerStarted, Worker: 0, Arg: 5001},
		{Seq: 3, Step: 1, Time: 1500, Kind: LockAttempted, Worker: 0, Lock: 1},
		{Seq: 4, Step: 1, Time: 1700, Kind: LockAcquired, Worker: 0, Lock: 1, Arg: 200},
		{Seq: 5, Step: 1, Time: 2000, Kind: MemWritten, Worker: 0, Arg: 4, Arg2: 150, Data: bytes.Repeat([]byte("ab"), 90)},
		{Seq: 6, Step: 1, Time: 2100, Kind: OrderCreated, Worker: 0, Order: MakeOrderKey(1, 1)},
		{Seq: 7, Step: 1, Time: 2300, Kind: LockReleased, Worker: 0, Lock: 1, Arg: 600},
		{Seq: 9, Step: 2, Time: 9000, Kind: Slept, Worker: 1, Arg: 1e6, Arg2: SleepPoll},
	}
	evs = append(evs, Event{Seq: 10, Time: 10000, Kind: RunEnded, Worker: System, Data: []byte(`{"orders":1}`)})
	return evs
}

// sameEvent is a fast cmp.Equal for events (nil and empty Data equal).
func sameEvent(a, b Event) bool {
	return a.Seq == b.Seq && a.Step == b.Step && a.Time == b.Time && a.Kind == b.Kind &&
		a.Worker == b.Worker && a.Lock == b.Lock && a.Order == b.Order && a.Arg == b.Arg &&
		a.Arg2 == b.Arg2 && bytes.Equal(a.Data, b.Data)
}

func sameEvents(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameEvent(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestEventRoundTrip(t *testing.T) {
	for k := Kind(1); k < kindCount; k++ {
		for _, e := range []Event{fullEvent(k), {Kind: k}} {
			body := AppendEvent(nil, &e)
			var got Event
			if err := DecodeEvent(body, &got); err != nil {
				t.Fatalf("%v: DecodeEvent: %v", k, err)
			}
			if d := cmp.Diff(e, got); d != "" {
				t.Errorf("%v: round trip (-want +got):\n%s", k, d)
			}
			if again := AppendEvent(nil, &got); !bytes.Equal(again, body) {
				t.Errorf("%v: re-encoding differs", k)
			}
		}
	}
	if n := len(AppendEvent(nil, &Event{Kind: LockAttempted})); n != 3 {
		t.Errorf("a zero event takes %d bytes, want 3", n)
	}
}

func TestEventRoundTripThroughFile(t *testing.T) {
	var events []Event
	seq := uint64(0)
	for k := Kind(1); k < kindCount; k++ {
		if k == RunEnded {
			continue
		}
		full := fullEvent(k)
		seq += 1 << 30
		full.Seq = seq
		seq++
		events = append(events, full, Event{Seq: seq, Kind: k})
	}
	end := fullEvent(RunEnded)
	end.Seq = seq + 1
	events = append(events, end)
	data, _ := writeTrace(t, testHeader(), events)
	h, got, cut, err := ReadAll(bytes.NewReader(data))
	if err != nil || cut {
		t.Fatalf("ReadAll: cut %v, err %v", cut, err)
	}
	if d := cmp.Diff(events, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	if d := cmp.Diff(testHeader(), h); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
}

func TestDecodeEventRejects(t *testing.T) {
	good := AppendEvent(nil, &Event{Seq: 5, Kind: LockAcquired, Lock: 1, Data: []byte("x")})
	cases := map[string][]byte{
		"empty":          {},
		"two bytes":      {byte(LockAcquired), 0},
		"kind 0":         {0, 0, 0},
		"kind unknown":   {byte(kindCount), 0, 0},
		"kind 255":       {255, 0, 0},
		"seq missing":    {byte(LockAcquired), 0, hasSeq},
		"seq zero":       {byte(LockAcquired), 0, hasSeq, 0},
		"seq not min":    {byte(LockAcquired), 0, hasSeq, 0x85, 0x00},
		"seq overflow":   {byte(LockAcquired), 0, hasSeq, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
		"time zero":      {byte(LockAcquired), 0, hasTime, 0},
		"lock zero":      {byte(LockAcquired), 0, hasLock, 0},
		"lock missing":   {byte(LockAcquired), 0, hasLock},
		"data too long":  {byte(LockAcquired), 0, hasData, 5, 'a'},
		"data empty":     {byte(LockAcquired), 0, hasData, 0},
		"trailing bytes": append(bytes.Clone(good), 0),
	}
	for name, body := range cases {
		e := Event{Seq: 99}
		if err := DecodeEvent(body, &e); err == nil || !strings.HasPrefix(err.Error(), "trace: ") {
			t.Errorf("%s: DecodeEvent(%x) = %v, want a trace: error", name, body, err)
		}
		if e.Seq != 99 {
			t.Errorf("%s: DecodeEvent changed e on error", name)
		}
	}
}

func TestWriterReaderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 100000
	events := make([]Event, n)
	seq := uint64(0)
	for i := range events {
		seq += 1 + r.Uint64N(3)
		events[i] = randEvent(r, seq)
		if events[i].Kind == RunEnded {
			events[i].Kind = RunStarted
		}
	}
	events[n-1].Kind = RunEnded

	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		if err := w.Write(&events[i]); err != nil {
			t.Fatalf("Write(%d): %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	rd, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		var e Event
		if err := rd.Next(&e); err != nil {
			t.Fatalf("Next at %d: %v", i, err)
		}
		if !sameEvent(events[i], e) {
			t.Fatalf("event %d (-want +got):\n%s", i, cmp.Diff(events[i], e))
		}
	}
	var e Event
	if err := rd.Next(&e); err != io.EOF {
		t.Fatalf("Next after the last event = %v, want io.EOF", err)
	}
	if rd.Truncated() || rd.Records() != n || rd.Offset() != int64(buf.Len()) {
		t.Errorf("Truncated %v, Records %d, Offset %d (file %d bytes)", rd.Truncated(), rd.Records(), rd.Offset(), buf.Len())
	}
	if err := rd.Next(&e); err != io.EOF {
		t.Errorf("Next again = %v, want io.EOF", err)
	}
}

// chunkReader returns its data in reads of the given sizes, in turn.
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), c.sizes[c.i%len(c.sizes)])
	c.i++
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func TestReaderChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	events := []Event{}
	for i := range 3000 {
		events = append(events, randEvent(r, uint64(i+1)))
		if events[i].Kind == RunEnded {
			events[i].Kind = Waited
		}
	}
	big := Event{Seq: 5000, Kind: ReadFailed, Data: bytes.Repeat([]byte("0123456789"), 20000)}
	events = append(events, big, Event{Seq: 5001, Kind: RunEnded})
	data, _ := writeTrace(t, testHeader(), events)

	readers := map[string]func() io.Reader{
		"one byte":  func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"half":      func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"data+err":  func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
		"odd sizes": func() io.Reader { return &chunkReader{data: data, sizes: []int{3, 7, 1, 13, 4097, 2, 65537, 5}} },
		"primes":    func() io.Reader { return &chunkReader{data: data, sizes: []int{2, 3, 5, 7, 11, 13, 17, 19, 23}} },
	}
	for name, mk := range readers {
		_, got, cut, err := ReadAll(mk())
		if err != nil || cut {
			t.Errorf("%s: cut %v, err %v", name, cut, err)
			continue
		}
		if !sameEvents(events, got) {
			t.Errorf("%s: events differ (-want +got):\n%s", name, cmp.Diff(events, got))
		}
	}
}

func TestTruncation(t *testing.T) {
	events := smallEvents()
	data, offs := writeTrace(t, testHeader(), events)
	headerEnd := int(offs[0])
	for cut := 0; cut <= len(data); cut++ {
		rd, err := NewReader(bytes.NewReader(data[:cut]))
		if cut < headerEnd {
			var ce *CorruptError
			switch {
			case cut < len(Magic) && err == ErrNotTrace:
			case cut >= len(Magic) && errors.As(err, &ce) && ce.Msg == errHeaderCut:
			default:
				t.Errorf("cut at %d (in the header): NewReader error %v", cut, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d: NewReader: %v", cut, err)
		}
		want := 0 // whole records before the cut
		for want < len(events) && offs[want+1] <= int64(cut) {
			want++
		}
		var got []Event
		for {
			var e Event
			err := rd.Next(&e)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("cut at %d: Next: %v", cut, err)
			}
			e.Data = bytes.Clone(e.Data)
			got = append(got, e)
		}
		if d := cmp.Diff(events[:want], got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("cut at %d: events (-want +got):\n%s", cut, d)
		}
		if wantCut := cut < len(data); rd.Truncated() != wantCut {
			t.Errorf("cut at %d of %d: Truncated() = %v", cut, len(data), rd.Truncated())
		}
		if rd.Offset() != offs[want] {
			t.Errorf("cut at %d: Offset() = %d, want %d", cut, rd.Offset(), offs[want])
		}
	}
}

// recordAt returns the 1-based record holding byte i (0 for the header).
func recordAt(offs []int64, i int) uint64 {
	rec := uint64(0)
	for rec+1 < uint64(len(offs)) && offs[rec] <= int64(i) {
		rec++
	}
	return rec
}

func TestCorruption(t *testing.T) {
	events := smallEvents()
	data, offs := writeTrace(t, testHeader(), events)
	for i := range data {
		for _, mask := range []byte{0xff, 0x01, 0x80, 0x10} {
			bad := bytes.Clone(data)
			bad[i] ^= mask
			rec := recordAt(offs, i)
			rd, err := NewReader(bytes.NewReader(bad))
			if rec == 0 {
				var ce *CorruptError
				var ve *VersionError
				switch {
				case err == ErrNotTrace && i < len(Magic):
				case errors.As(err, &ve) && i >= len(Magic) && i < headerOffset:
				case errors.As(err, &ce) && ce.Record == 0:
				default:
					t.Errorf("byte %d ^ %#x (header): NewReader error %v", i, mask, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("byte %d ^ %#x: NewReader: %v", i, mask, err)
			}
			var n uint64
			for {
				var e Event
				err = rd.Next(&e)
				if err != nil {
					break
				}
				if n++; n >= rec {
					t.Fatalf("byte %d ^ %#x: read record %d, which is damaged: %+v", i, mask, n, e)
				}
				if d := cmp.Diff(events[n-1], e); d != "" {
					t.Fatalf("byte %d ^ %#x: record %d differs:\n%s", i, mask, n, d)
				}
			}
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Errorf("byte %d ^ %#x (record %d): Next error %v, truncated %v; want a CorruptError", i, mask, rec, err, rd.Truncated())
				continue
			}
			if ce.Record != rec || ce.Offset != offs[rec-1] {
				t.Errorf("byte %d ^ %#x: %v; want record %d at offset %d", i, mask, ce, rec, offs[rec-1])
			}
			if err2 := rd.Next(new(Event)); err2 != err {
				t.Errorf("byte %d: Next after an error = %v, want the same error", i, err2)
			}
		}
	}
}

func TestSequenceMustIncrease(t *testing.T) {
	// Write a valid file, then swap two whole records.
	events := smallEvents()
	data, offs := writeTrace(t, testHeader(), events)
	r3 := data[offs[2]:offs[3]]
	r4 := data[offs[3]:offs[4]]
	bad := bytes.Clone(data[:offs[2]])
	bad = append(bad, r4...)
	bad = append(bad, r3...)
	bad = append(bad, data[offs[4]:]...)
	_, got, _, err := ReadAll(bytes.NewReader(bad))
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Record != 4 || ce.Offset != offs[2]+int64(len(r4)) || len(got) != 3 {
		t.Fatalf("ReadAll = %d events, %v; want a CorruptError at record 4", len(got), err)
	}
	if !strings.Contains(err.Error(), "sequence number 3 does not follow 4") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestDataAfterRunEnded(t *testing.T) {
	data, offs := writeTrace(t, testHeader(), smallEvents())
	bad := append(bytes.Clone(data), 0)
	_, got, _, err := ReadAll(bytes.NewReader(bad))
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Offset != offs[len(offs)-1] || len(got) != len(smallEvents()) {
		t.Fatalf("ReadAll = %d events, %v; want a CorruptError after the last", len(got), err)
	}
}

func TestCorruptErrorMessage(t *testing.T) {
	err := &CorruptError{Record: 1234, Offset: 56789, Msg: "crc mismatch"}
	if got, want := err.Error(), "trace corrupt at record 1234 (byte offset 56789): crc mismatch"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// fileWithRecord returns a valid header followed by raw.
func fileWithRecord(t *testing.T, raw []byte) []byte {
	data, offs := writeTrace(t, testHeader(), nil)
	return append(data[:offs[0]:offs[0]], raw...)
}

// allocated returns how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHugeLength(t *testing.T) {
	// A length of 2^60: corrupt, nothing allocated for it.
	raw := binary.AppendUvarint(nil, 1<<60)
	raw = append(raw, lengthCheck(raw))
	raw = append(raw, 1, 2, 3, 4, 5, 6, 7, 8)
	data := fileWithRecord(t, raw)
	var err error
	if n := allocated(func() { _, _, _, err = ReadAll(bytes.NewReader(data)) }); n > 1<<20 {
		t.Errorf("reading a 2^60 length allocated %d bytes", n)
	}
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Record != 1 {
		t.Errorf("2^60 length: err %v", err)
	}

	// One byte over the limit: corrupt.
	raw = binary.AppendUvarint(nil, MaxRecord+1)
	raw = append(raw, lengthCheck(raw), 0, 0, 0, 0)
	if _, _, _, err := ReadAll(bytes.NewReader(fileWithRecord(t, raw))); !errors.As(err, &ce) {
		t.Errorf("MaxRecord+1 length: err %v", err)
	}

	// Exactly the limit but only a few bytes present: cut short, and the
	// reader allocates for what is there, not for what is claimed.
	raw = binary.AppendUvarint(nil, MaxRecord)
	raw = append(raw, lengthCheck(raw), 0, 0, 0, 0, 1, 2, 3)
	data = fileWithRecord(t, raw)
	var cut bool
	if n := allocated(func() { _, _, cut, err = ReadAll(bytes.NewReader(data)) }); n > 1<<20 {
		t.Errorf("reading a claimed %d-byte record allocated %d bytes", MaxRecord, n)
	}
	if err != nil || !cut {
		t.Errorf("claimed MaxRecord, file short: cut %v, err %v", cut, err)
	}

	// A record of exactly MaxRecord bytes is fine.
	big := Event{Seq: 1, Kind: ReadFailed}
	big.Data = make([]byte, MaxRecord-3-1-uvarintLen(MaxRecord))
	body := AppendEvent(nil, &big)
	if len(body) != MaxRecord {
		t.Fatalf("body is %d bytes", len(body))
	}
	data, _ = writeTrace(t, testHeader(), []Event{big})
	if _, evs, _, err := ReadAll(bytes.NewReader(data)); err != nil || len(evs) != 1 {
		t.Errorf("MaxRecord body: %d events, err %v", len(evs), err)
	}
	big.Data = append(big.Data, 0)
	w, _ := NewWriter(io.Discard, testHeader())
	if err := w.Write(&big); err == nil {
		t.Errorf("Write of a body over MaxRecord succeeded")
	}
}

func TestVersion(t *testing.T) {
	data, _ := writeTrace(t, testHeader(), smallEvents())
	newer := bytes.Clone(data)
	binary.LittleEndian.PutUint16(newer[len(Magic):], 7)
	_, err := NewReader(bytes.NewReader(newer))
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Got != 7 || ve.Max != Version {
		t.Fatalf("version 7: err %v", err)
	}
	if want := "trace format version 7 is newer than this comanda understands (1); update comanda"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	binary.LittleEndian.PutUint16(newer[len(Magic):], 0)
	var ce *CorruptError
	if _, err := NewReader(bytes.NewReader(newer)); !errors.As(err, &ce) {
		t.Errorf("version 0: err %v", err)
	}
}

func TestNotTrace(t *testing.T) {
	for _, in := range []string{"", "c", "comanda-trac", "hello, world, this is not a trace", "comanda-trace\r\n\x01\x00"} {
		if _, err := NewReader(strings.NewReader(in)); err != ErrNotTrace {
			t.Errorf("NewReader(%q) = %v, want ErrNotTrace", in, err)
		}
	}
	if ErrNotTrace.Error() != "trace: not a comanda trace" {
		t.Errorf("ErrNotTrace = %q", ErrNotTrace)
	}
}

func TestHeaderFormatMismatch(t *testing.T) {
	js, _ := json.Marshal(Header{Format: 2})
	data := []byte(Magic)
	data = binary.LittleEndian.AppendUint16(data, 1)
	data = appendFrame(data, js)
	var ce *CorruptError
	if _, err := NewReader(bytes.NewReader(data)); !errors.As(err, &ce) || ce.Record != 0 {
		t.Errorf("header format 2 in a version-1 file: %v", err)
	}
	data = []byte(Magic)
	data = binary.LittleEndian.AppendUint16(data, 1)
	data = appendFrame(data, []byte("{not json"))
	if _, err := NewReader(bytes.NewReader(data)); !errors.As(err, &ce) || !strings.Contains(ce.Msg, "bad header") {
		t.Errorf("header not JSON: %v", err)
	}
}

func TestWriterRules(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Write(&Event{Seq: 5, Kind: RunStarted}))
	if err := w.Write(&Event{Seq: 5, Kind: LockAttempted}); err == nil {
		t.Error("repeated seq accepted")
	}
	if err := w.Write(&Event{Seq: 4, Kind: LockAttempted}); err == nil {
		t.Error("decreasing seq accepted")
	}
	if err := w.Write(&Event{Seq: 6, Kind: KindInvalid}); err == nil {
		t.Error("invalid kind accepted")
	}
	if err := w.Write(&Event{Seq: 6, Kind: kindCount}); err == nil {
		t.Error("unknown kind accepted")
	}
	raw := AppendEvent(nil, &Event{Seq: 6, Kind: LockAttempted, Lock: 1})
	must(w.WriteRaw(6, raw))
	if err := w.WriteRaw(6, raw); err == nil {
		t.Error("WriteRaw of a repeated seq accepted")
	}
	if err := w.WriteRaw(7, []byte{1, 2}); err == nil {
		t.Error("WriteRaw of a bad body accepted")
	}
	if err := w.WriteRaw(7, []byte{byte(LockAttempted), 0, 0}); err == nil {
		t.Error("WriteRaw of a body without a seq accepted")
	}
	if err := w.WriteRaw(7, []byte{byte(kindCount), 0, hasSeq, 7}); err == nil {
		t.Error("WriteRaw of an unknown kind accepted")
	}
	must(w.Write(&Event{Seq: 7, Kind: RunEnded}))
	if err := w.Write(&Event{Seq: 8, Kind: Waited}); err == nil {
		t.Error("event after run-ended accepted")
	}
	must(w.Close())
	if err := w.Write(&Event{Seq: 9, Kind: Waited}); err == nil {
		t.Error("write after Close accepted")
	}
	if w.Events() != 3 {
		t.Errorf("Events() = %d, want 3", w.Events())
	}
	_, evs, cut, err := ReadAll(&buf)
	if err != nil || cut || len(evs) != 3 {
		t.Errorf("ReadAll: %d events, cut %v, err %v", len(evs), cut, err)
	}
}

func TestWriteRawMatchesWrite(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var a, b bytes.Buffer
	wa, _ := NewWriter(&a, testHeader())
	wb, _ := NewWriter(&b, testHeader())
	for i := range 2000 {
		e := randEvent(r, uint64(i+1))
		if e.Kind == RunEnded {
			e.Kind = TimerFired
		}
		if err := wa.Write(&e); err != nil {
			t.Fatal(err)
		}
		if err := wb.WriteRaw(e.Seq, AppendEvent(nil, &e)); err != nil {
			t.Fatal(err)
		}
	}
	wa.Close()
	wb.Close()
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("WriteRaw(AppendEvent(e)) wrote other bytes than Write(e)")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriterErrorSticky(t *testing.T) {
	if _, err := NewWriter(&failWriter{}, testHeader()); err == nil {
		t.Error("NewWriter on a failing writer succeeded")
	}
	w, err := NewWriter(&failWriter{n: 1}, testHeader())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&Event{Seq: 1, Kind: RunStarted}); err != nil {
		t.Fatal(err) // buffered
	}
	err = w.Flush()
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Flush = %v", err)
	}
	if err2 := w.Write(&Event{Seq: 2, Kind: Waited}); err2 != err {
		t.Errorf("Write after a failed flush = %v, want %v", err2, err)
	}
}

type errReader struct{ r io.Reader }

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		err = errors.New("device gone")
	}
	return n, err
}

func TestReadError(t *testing.T) {
	data, _ := writeTrace(t, testHeader(), smallEvents())
	_, _, _, err := ReadAll(&errReader{bytes.NewReader(data[:len(data)-3])})
	if err == nil || !strings.Contains(err.Error(), "device gone") || !strings.HasPrefix(err.Error(), "trace: ") {
		t.Errorf("read error: %v", err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	data, offs := writeTrace(t, testHeader(), smallEvents())
	good := filepath.Join(dir, "good.trace")
	os.WriteFile(good, data, 0o644)
	h, evs, cut, err := Open(good)
	if err != nil || cut || len(evs) != len(smallEvents()) || h.RunID != "run-0001" {
		t.Errorf("Open(good): %d events, cut %v, err %v", len(evs), cut, err)
	}

	short := filepath.Join(dir, "short.trace")
	os.WriteFile(short, data[:offs[3]+2], 0o644)
	if _, evs, cut, err := Open(short); err != nil || !cut || len(evs) != 3 {
		t.Errorf("Open(short): %d events, cut %v, err %v", len(evs), cut, err)
	}

	bad := filepath.Join(dir, "bad.trace")
	corrupt := bytes.Clone(data)
	corrupt[offs[2]+8] ^= 1
	os.WriteFile(bad, corrupt, 0o644)
	_, evs, _, err = Open(bad)
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), bad+": trace corrupt at record 3 ") || len(evs) != 2 {
		t.Errorf("Open(bad): %d events, err %v", len(evs), err)
	}

	if _, _, _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing): %v", err)
	}
	os.WriteFile(filepath.Join(dir, "text"), []byte("hello"), 0o644)
	if _, _, _, err := Open(filepath.Join(dir, "text")); !errors.Is(err, ErrNotTrace) || !strings.Contains(err.Error(), "text") {
		t.Errorf("Open(text): %v", err)
	}
}

func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	w, _ := NewWriter(io.Discard, testHeader())
	e := Event{Seq: 1, Step: 10, Time: 123456789, Kind: LockAcquired, Worker: 1, Lock: 1, Arg: 4500}
	if n := testing.AllocsPerRun(10000, func() {
		e.Seq++
		w.Write(&e)
	}); n != 0 {
		t.Errorf("Writer.Write allocates %v times per event", n)
	}

	events := make([]Event, 20000)
	for i := range events {
		events[i] = Event{Seq: uint64(i + 1), Kind: MemWritten, Data: []byte("abc")}
	}
	data, _ := writeTrace(t, testHeader(), events)
	rd, _ := NewReader(bytes.NewReader(data))
	var got Event
	if n := testing.AllocsPerRun(10000, func() { rd.Next(&got) }); n != 0 {
		t.Errorf("Reader.Next allocates %v times per event", n)
	}
}
