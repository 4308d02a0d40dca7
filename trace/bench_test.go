package trace

import (
	"bytes"
	"io"
	"sync"
	"testing"
)

// typicalEvents returns n events like those of a real run: mostly lock
// operations, memory reads, order transitions and sleeps of a few workers,
// with a small memory-write delta now and then.
func typicalEvents(n int) []Event {
	events := make([]Event, n)
	delta := []byte{0x98, 0x02, 0x95, 0x38, 0x16, 0x0f, 0x33, 0x2c, 0x22, 0x3a}
	for i := range events {
		seq := uint64(i + 1)
		e := Event{Seq: seq, Step: seq / 6, Time: int64(seq) * 2731, Worker: uint8(i % 5)}
		switch i % 8 {
		case 0:
			e.Kind, e.Lock = LockAttempted, 1
		case 1:
			e.Kind, e.Lock, e.Arg = LockAcquired, 1, 1830
		case 2:
			e.Kind, e.Arg, e.Arg2 = MemRead, 4, 7200
		case 3:
			e.Kind, e.Arg, e.Arg2, e.Data = MemWritten, 4, 7350, delta
		case 4:
			e.Kind, e.Order = OrderCreated, MakeOrderKey(1+i%3, i/8+1)
		case 5:
			e.Kind, e.Lock, e.Arg = LockReleased, 1, 25000
		case 6:
			e.Kind, e.Arg, e.Arg2 = Slept, 150_000_000, SleepThink
		case 7:
			e.Kind, e.Order, e.Arg = OrderTaken, MakeOrderKey(1+i%3, i/8+1), 2
		}
		events[i] = e
	}
	events[n-1] = Event{Seq: uint64(n), Kind: RunEnded, Worker: System, Data: []byte(`{"orders":125000}`)}
	return events
}

// BenchmarkWriterEvents measures Writer.Write on typical events; ns/op is
// the cost of one event.
func BenchmarkWriterEvents(b *testing.B) {
	events := typicalEvents(1 << 16)
	w, err := NewWriter(io.Discard, testHeader())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var seq uint64
	i := 0
	for b.Loop() {
		e := &events[i]
		seq++
		e.Seq = seq
		if e.Kind == RunEnded {
			e.Kind = TimerFired
		}
		if err := w.Write(e); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(events) {
			i = 0
		}
	}
	w.Flush()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

var million struct {
	once sync.Once
	data []byte
}

// millionTrace returns a trace of one million typical events.
func millionTrace(b *testing.B) []byte {
	million.once.Do(func() {
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, testHeader())
		for _, e := range typicalEvents(1_000_000) {
			if err := w.Write(&e); err != nil {
				panic(err)
			}
		}
		w.Close()
		million.data = buf.Bytes()
	})
	return million.data
}

// BenchmarkReaderEvents measures Reader.Next; ns/op is the cost of one event.
func BenchmarkReaderEvents(b *testing.B) {
	data := millionTrace(b)
	rd, _ := NewReader(bytes.NewReader(data))
	var e Event
	b.ReportAllocs()
	b.SetBytes(int64(len(data)) / 1_000_000)
	for b.Loop() {
		if err := rd.Next(&e); err != nil {
			if err != io.EOF {
				b.Fatal(err)
			}
			rd, _ = NewReader(bytes.NewReader(data))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReadAllMillion reads a one-million-event trace with ReadAll
// (each event's Data copied); ns/op is the time for the whole trace.
func BenchmarkReadAllMillion(b *testing.B) {
	data := millionTrace(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		_, evs, cut, err := ReadAll(bytes.NewReader(data))
		if err != nil || cut || len(evs) != 1_000_000 {
			b.Fatalf("%d events, cut %v, err %v", len(evs), cut, err)
		}
	}
}

// BenchmarkIndexMillion scans a one-million-event trace with Next, noting
// every 1024th record's offset as a replay index would; ns/op is the time
// for the whole trace.
func BenchmarkIndexMillion(b *testing.B) {
	data := millionTrace(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		index := make([]int64, 0, 1_000_000/1024+1)
		var e Event
		for {
			if rd.Records()%1024 == 0 {
				index = append(index, rd.Offset())
			}
			if err := rd.Next(&e); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		if rd.Records() != 1_000_000 || len(index) < 976 {
			b.Fatalf("%d records, %d index entries", rd.Records(), len(index))
		}
	}
}

// BenchmarkAppendEvent measures the encoding of typical events into a
// reused buffer, as a worker encodes each event of a traced run; ns/op is
// the cost of one event.
func BenchmarkAppendEvent(b *testing.B) {
	events := typicalEvents(1 << 10)
	var buf []byte
	i := 0
	for b.Loop() {
		buf = AppendEvent(buf[:0], &events[i])
		i = (i + 1) & (len(events) - 1)
	}
}
