package trace

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"time"
)

// Version is the file format version this package writes, and the newest
// it reads. See FORMAT.md for what changes it.
const Version = 1

// Magic is the first line of every trace file.
const Magic = "comanda-trace\n"

// MaxRecord is the largest record body, in bytes, that a trace may hold (the
// header record included). A record claiming a longer body is corrupt.
const MaxRecord = 4 << 20

// Header describes a run; it makes the trace self-contained.
type Header struct {
	Format      int             `json:"format"`       // file format version (1)
	Binary      string          `json:"binary"`       // comanda version that wrote it
	RunID       string          `json:"run_id"`       // unique id of the run
	Scenario    string          `json:"scenario"`     // scenario name
	ScenarioSrc string          `json:"scenario_src"` // the scenario file's full text
	Config      json.RawMessage `json:"config"`       // the effective run configuration (opaque to this package)
	Seed        uint64          `json:"seed"`         // random seed of the run
	Mode        string          `json:"mode"`         // free | stepped
	Driver      string          `json:"driver"`       // process | inproc
	Workers     []WorkerInfo    `json:"workers"`      // slot → name
	Started     time.Time       `json:"started"`      // wall clock (not part of canonical exports)
	DataSize    int             `json:"data_size"`    // bytes in the data region (replay starts from zeros)
	DataInit    []byte          `json:"data_init"`    // the data region's initial bytes (may be shorter than DataSize: rest zeros)
}

// WorkerInfo names the worker in one slot.
type WorkerInfo struct {
	Slot int    `json:"slot"` // slot number, the Worker value of its events
	Name string `json:"name"` // "P1", "C2", …
	Role string `json:"role"` // "producer" or "consumer"
}

// castagnoli is the CRC-32C table; crc32 uses the CPU's instruction for it
// where there is one.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc8Table is CRC-8/SMBUS (polynomial 0x07, initial value 0), which guards
// each record's length field.
var crc8Table = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		for range 8 {
			if c&0x80 != 0 {
				c = c<<1 ^ 0x07
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// lengthCheck returns the check byte stored after a record's length field.
func lengthCheck(lenField []byte) byte {
	var c byte
	for _, b := range lenField {
		c = crc8Table[c^b]
	}
	return c
}

// maxLenField is the most bytes a valid length field takes (MaxRecord < 2^28).
const maxLenField = 4

// maxFrameHead is the most bytes before a record's body: length, check, CRC.
const maxFrameHead = maxLenField + 1 + 4

// Presence bits of an event body's third byte: which optional fields follow,
// in this order.
const (
	hasSeq   = 1 << iota // uvarint
	hasStep              // uvarint
	hasTime              // zigzag varint
	hasLock              // one byte
	hasOrder             // uvarint
	hasArg               // zigzag varint
	hasArg2              // zigzag varint
	hasData              // uvarint length, then the bytes
)

// AppendEvent appends the body encoding of e to dst and returns the extended
// slice. It is the encoding Writer.Write frames; worker processes encode the
// same into shared-memory rings (PutEvent), and the controller passes such
// bodies to Writer.WriteRaw without decoding them again. AppendEvent does
// not check e: a body with an invalid Kind fails DecodeEvent.
func AppendEvent(dst []byte, e *Event) []byte {
	n := len(dst)
	dst = slices.Grow(dst, MaxEventSize(len(e.Data)))
	return dst[:n+PutEvent(dst[n:n+MaxEventSize(len(e.Data))], e)]
}

// MaxEventSize is the most bytes the body of an event with dataLen bytes of
// Data takes.
func MaxEventSize(dataLen int) int { return maxEventHead + dataLen }

// PutEvent encodes e, as AppendEvent does, at the start of b, which holds
// at least MaxEventSize(len(e.Data)) bytes, and returns how many it took. A
// worker encodes straight into its ring with it.
func PutEvent(b []byte, e *Event) int {
	b[0], b[1] = byte(e.Kind), e.Worker
	var mask byte
	k := 3
	if e.Seq != 0 {
		mask |= hasSeq
		k += binary.PutUvarint(b[k:], e.Seq)
	}
	if e.Step != 0 {
		mask |= hasStep
		k += binary.PutUvarint(b[k:], e.Step)
	}
	if e.Time != 0 {
		mask |= hasTime
		k += binary.PutVarint(b[k:], e.Time)
	}
	if e.Lock != 0 {
		mask |= hasLock
		b[k] = e.Lock
		k++
	}
	if e.Order != 0 {
		mask |= hasOrder
		k += binary.PutUvarint(b[k:], uint64(e.Order))
	}
	if e.Arg != 0 {
		mask |= hasArg
		k += binary.PutVarint(b[k:], e.Arg)
	}
	if e.Arg2 != 0 {
		mask |= hasArg2
		k += binary.PutVarint(b[k:], e.Arg2)
	}
	if len(e.Data) != 0 {
		mask |= hasData
		k += binary.PutUvarint(b[k:], uint64(len(e.Data)))
		k += copy(b[k:], e.Data)
	}
	b[2] = mask
	return k
}

// maxEventHead is the most bytes of an event body before its data: kind,
// worker, presence bits, six varints, the lock and the data's length.
const maxEventHead = 3 + 6*binary.MaxVarintLen64 + 1 + binary.MaxVarintLen64

// DecodeEvent decodes a body made by AppendEvent into e. e.Data aliases body
// (it is not copied): copy it to keep it beyond body's lifetime. DecodeEvent
// accepts only what AppendEvent makes: a known Kind, minimal varints, no
// field that is flagged present but zero, and no trailing bytes. On error e
// is left unchanged.
func DecodeEvent(body []byte, e *Event) error {
	if msg := decodeBody(body, e); msg != "" {
		return errors.New("trace: " + msg)
	}
	return nil
}

// decodeBody is DecodeEvent without the error allocation; it returns what is
// wrong with body, or "" after storing the event in e.
func decodeBody(b []byte, e *Event) string {
	if len(b) < 3 {
		return "event body too short"
	}
	ev := Event{Kind: Kind(b[0]), Worker: b[1]}
	if !ev.Kind.Valid() {
		return fmt.Sprintf("unknown event kind %d", b[0])
	}
	mask := b[2]
	p := 3
	var ok bool
	if mask&hasSeq != 0 {
		if ev.Seq, p, ok = field(b, p); !ok {
			return "bad seq field"
		}
	}
	if mask&hasStep != 0 {
		if ev.Step, p, ok = field(b, p); !ok {
			return "bad step field"
		}
	}
	if mask&hasTime != 0 {
		var u uint64
		if u, p, ok = field(b, p); !ok {
			return "bad time field"
		}
		ev.Time = unzigzag(u)
	}
	if mask&hasLock != 0 {
		if p >= len(b) || b[p] == 0 {
			return "bad lock field"
		}
		ev.Lock = b[p]
		p++
	}
	if mask&hasOrder != 0 {
		var u uint64
		if u, p, ok = field(b, p); !ok {
			return "bad order field"
		}
		ev.Order = OrderKey(u)
	}
	if mask&hasArg != 0 {
		var u uint64
		if u, p, ok = field(b, p); !ok {
			return "bad arg field"
		}
		ev.Arg = unzigzag(u)
	}
	if mask&hasArg2 != 0 {
		var u uint64
		if u, p, ok = field(b, p); !ok {
			return "bad arg2 field"
		}
		ev.Arg2 = unzigzag(u)
	}
	if mask&hasData != 0 {
		var n uint64
		if n, p, ok = field(b, p); !ok || n > uint64(len(b)-p) {
			return "bad data field"
		}
		ev.Data = b[p : p+int(n) : p+int(n)]
		p += int(n)
	}
	if p != len(b) {
		return "trailing bytes in event body"
	}
	*e = ev
	return ""
}

// field decodes the nonzero, minimally encoded uvarint at b[p:], returning
// it and the position after it; ok is false if there is none.
func field(b []byte, p int) (v uint64, next int, ok bool) {
	v, n := binary.Uvarint(b[p:])
	if n <= 0 || v == 0 || (n > 1 && b[p+n-1] == 0) {
		return 0, p, false
	}
	return v, p + n, true
}

// unzigzag undoes the zigzag mapping binary.AppendVarint applies.
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// uvarintLen returns how many bytes binary.AppendUvarint uses for v.
func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendFrame appends body framed as a record: length, length check, CRC,
// body.
func appendFrame(dst, body []byte) []byte {
	start := len(dst)
	dst = binary.AppendUvarint(dst, uint64(len(body)))
	dst = append(dst, lengthCheck(dst[start:]))
	dst = binary.LittleEndian.AppendUint32(dst, crc32.Checksum(body, castagnoli))
	return append(dst, body...)
}

// frameReserve is the room Write leaves before a body it encodes in place:
// a one-byte length, the check byte and the CRC. Longer bodies are moved.
const frameReserve = 1 + 1 + 4

// finishFrame writes the frame head of the n-byte body that was appended to
// buf at start+frameReserve, moving the body if its length takes more than
// one byte.
func finishFrame(buf []byte, start, n int) []byte {
	ll := uvarintLen(uint64(n))
	if extra := ll - 1; extra > 0 {
		buf = append(buf, make([]byte, extra)...)
		copy(buf[start+frameReserve+extra:], buf[start+frameReserve:start+frameReserve+n])
	}
	binary.PutUvarint(buf[start:], uint64(n))
	buf[start+ll] = lengthCheck(buf[start : start+ll])
	body := buf[start+ll+5 : start+ll+5+n]
	binary.LittleEndian.PutUint32(buf[start+ll+1:], crc32.Checksum(body, castagnoli))
	return buf
}

// flushSize is how many buffered bytes make Write flush on its own. Fewer,
// bigger writes leave more of the controller's core to the workers (fast
// traced runs, 2+3 processes, medians of six interleaved: 72 000 orders/s
// with 512 KiB against 69 000 with 64 KiB).
const flushSize = 512 << 10

// A Writer appends events to a trace. It buffers: call Flush to push what it
// holds to the underlying writer (the controller does so periodically, so a
// crash loses little), and Close at the end. It is not safe for concurrent
// use (the controller owns it).
//
// Events must come in strictly increasing Seq order, and nothing may follow
// a RunEnded event; Write and WriteRaw refuse such events without writing
// anything, so a Writer never makes a file its Reader rejects. An error from
// the underlying writer is sticky: every later call returns it.
type Writer struct {
	w       io.Writer
	buf     []byte
	events  uint64
	lastSeq uint64
	ended   bool
	closed  bool
	err     error
}

// NewWriter writes the magic line, the format version and h as the header
// record to w, and returns a Writer for the events. It sets h.Format to
// Version. The header is flushed at once.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	h.Format = Version
	js, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("trace: encode header: %w", err)
	}
	if len(js) > MaxRecord {
		return nil, fmt.Errorf("trace: header is %d bytes, more than the %d a record may hold", len(js), MaxRecord)
	}
	tw := &Writer{w: w, buf: make([]byte, 0, flushSize+4096)}
	tw.buf = append(tw.buf, Magic...)
	tw.buf = binary.LittleEndian.AppendUint16(tw.buf, Version)
	tw.buf = appendFrame(tw.buf, js)
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	return tw, nil
}

var (
	errClosed     = errors.New("trace: write to a closed writer")
	errAfterEnded = errors.New("trace: event after run-ended")
)

// admit reports why an event of kind k with sequence number seq cannot be
// written next, or nil if it can.
func (w *Writer) admit(k Kind, seq uint64) error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return errClosed
	case !k.Valid():
		return fmt.Errorf("trace: invalid event kind %d", uint8(k))
	case w.ended:
		return errAfterEnded
	case seq <= w.lastSeq:
		return fmt.Errorf("trace: event seq %d does not follow %d (sequence numbers must increase)", seq, w.lastSeq)
	}
	return nil
}

// Write encodes e and appends it to the trace. It does not keep e or its
// Data. In steady state it does not allocate.
func (w *Writer) Write(e *Event) error {
	if err := w.admit(e.Kind, e.Seq); err != nil {
		return err
	}
	if len(e.Data) > MaxRecord {
		return fmt.Errorf("trace: event data is %d bytes, more than the %d a record may hold", len(e.Data), MaxRecord)
	}
	start := len(w.buf)
	w.buf = append(w.buf, 0, 0, 0, 0, 0, 0) // frameReserve
	w.buf = AppendEvent(w.buf, e)
	n := len(w.buf) - start - frameReserve
	if n > MaxRecord {
		w.buf = w.buf[:start]
		return fmt.Errorf("trace: event body is %d bytes, more than the %d a record may hold", n, MaxRecord)
	}
	w.buf = finishFrame(w.buf, start, n)
	return w.written(e.Kind, e.Seq)
}

// WriteRaw appends the body of event seq, made by AppendEvent, framing it
// without re-encoding it. Bodies come from the workers' rings, where
// PutEvent made them, and seq is the number the ring carries beside the
// body, so only what the writer itself relies on is checked: the kind, and
// a sequence number that follows the last. Decoding every field would cost
// more than the rest of the write; a reader still rejects a body that does
// not decode, naming its record.
func (w *Writer) WriteRaw(seq uint64, body []byte) error {
	if len(body) < 3 || body[2]&hasSeq == 0 {
		return errors.New("trace: bad event body: no sequence number")
	}
	kind := Kind(body[0])
	if err := w.admit(kind, seq); err != nil {
		return err
	}
	if len(body) > MaxRecord {
		return fmt.Errorf("trace: event body is %d bytes, more than the %d a record may hold", len(body), MaxRecord)
	}
	w.buf = appendFrame(w.buf, body)
	return w.written(kind, seq)
}

// written records that an event was appended to the buffer, and flushes a
// full buffer.
func (w *Writer) written(k Kind, seq uint64) error {
	w.events++
	w.lastSeq = seq
	if k == RunEnded {
		w.ended = true
	}
	if len(w.buf) >= flushSize {
		return w.Flush()
	}
	return nil
}

// Flush writes the buffered records to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.buf)
	if err != nil {
		w.err = fmt.Errorf("trace: write: %w", err)
		return w.err
	}
	if cap(w.buf) > 4*flushSize {
		w.buf = make([]byte, 0, flushSize+4096) // drop a buffer a huge event grew
	} else {
		w.buf = w.buf[:0]
	}
	return nil
}

// Close flushes the Writer and makes later writes fail. It does not close
// the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	err := w.Flush()
	w.closed = true
	return err
}

// Events returns how many events have been written so far.
func (w *Writer) Events() uint64 { return w.events }
