package trace

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
)

// ErrNotTrace is returned for input that does not start with Magic.
var ErrNotTrace = errors.New("trace: not a comanda trace")

// A VersionError reports a trace written in a format newer than this
// package reads.
type VersionError struct {
	Got int // the file's format version
	Max int // the newest this package reads (Version)
}

// Error says which version the file has and that comanda needs an update.
func (e *VersionError) Error() string {
	return fmt.Sprintf("trace format version %d is newer than this comanda understands (%d); update comanda", e.Got, e.Max)
}

// A CorruptError reports a damaged trace: a record whose length field, CRC,
// body or sequence number is wrong, or a bad header.
type CorruptError struct {
	Record uint64 // 1-based number of the event record; 0 for the header
	Offset int64  // byte offset in the file where that record starts
	Msg    string // what is wrong
}

// Error names the damaged record and its offset, as in "trace corrupt at
// record 1234 (byte offset 56789): crc mismatch".
func (e *CorruptError) Error() string {
	if e.Record == 0 {
		return fmt.Sprintf("trace corrupt in the header (byte offset %d): %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("trace corrupt at record %d (byte offset %d): %s", e.Record, e.Offset, e.Msg)
}

// corruptMsg is an allocation-free error readFrame returns for a damaged
// frame; Next turns it into a *CorruptError.
type corruptMsg string

func (m corruptMsg) Error() string { return string(m) }

var (
	errCut       = errors.New("trace: file ends inside a record") // internal: turned into truncation
	errBadLength = corruptMsg("bad record length field")
	errTooLong   = corruptMsg(fmt.Sprintf("record length exceeds the %d-byte limit", MaxRecord))
	errLenCheck  = corruptMsg("record length check mismatch")
	errCRC       = corruptMsg("crc mismatch")
	errAfterEnd  = corruptMsg("data after the run-ended record")
)

// errHeaderCut is the CorruptError message for a file that ends before its
// header record does.
const errHeaderCut = "file ends inside the header"

// headerOffset is where the header record starts: after the magic line and
// the version.
const headerOffset = len(Magic) + 2

// readBufSize is the Reader's initial buffer; it grows only as far as a
// record that the file really holds needs.
const readBufSize = 64 << 10

// A Reader reads a trace's events in order.
//
// Next fills its argument without allocating: the Event's Data aliases the
// Reader's buffer and is valid only until the next call to Next. Copy it to
// keep it (ReadAll does).
type Reader struct {
	src       io.Reader
	buf       []byte
	pos, end  int   // buf[pos:end] is read but not yet consumed
	off       int64 // file offset of buf[pos]
	eof       bool  // src returned io.EOF
	hdr       Header
	records   uint64
	lastSeq   uint64
	ended     bool  // a RunEnded event was read
	truncated bool  // the file was cut short
	err       error // what Next returns from now on
}

// NewReader reads and checks the magic line, the format version and the
// header record of a trace. Its errors are ErrNotTrace, a *VersionError, a
// *CorruptError (with Record 0) or a read error from r.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{src: r, buf: make([]byte, readBufSize)}
	if err := rd.fill(headerOffset); err != nil {
		return nil, fmt.Errorf("trace: read: %w", err)
	}
	avail := rd.buf[rd.pos:rd.end]
	if len(avail) < len(Magic) || string(avail[:len(Magic)]) != Magic {
		return nil, ErrNotTrace
	}
	if len(avail) < headerOffset {
		return nil, &CorruptError{Offset: int64(len(Magic)), Msg: errHeaderCut}
	}
	v := int(binary.LittleEndian.Uint16(avail[len(Magic):]))
	if v > Version {
		return nil, &VersionError{Got: v, Max: Version}
	}
	if v < 1 {
		return nil, &CorruptError{Offset: int64(len(Magic)), Msg: fmt.Sprintf("bad format version %d", v)}
	}
	rd.consume(headerOffset)

	body, size, err := rd.readFrame()
	switch {
	case err == io.EOF || err == errCut:
		return nil, &CorruptError{Offset: int64(headerOffset), Msg: errHeaderCut}
	case err != nil:
		var m corruptMsg
		if errors.As(err, &m) {
			return nil, &CorruptError{Offset: int64(headerOffset), Msg: string(m)}
		}
		return nil, fmt.Errorf("trace: read: %w", err)
	}
	if err := json.Unmarshal(body, &rd.hdr); err != nil {
		return nil, &CorruptError{Offset: int64(headerOffset), Msg: "bad header: " + err.Error()}
	}
	if rd.hdr.Format != v {
		return nil, &CorruptError{Offset: int64(headerOffset), Msg: fmt.Sprintf("header says format %d, file says %d", rd.hdr.Format, v)}
	}
	rd.consume(size)
	return rd, nil
}

// Header returns the trace's header.
func (r *Reader) Header() Header { return r.hdr }

// Next reads the next event into e. It returns io.EOF at the end of the
// trace: after the RunEnded event, or where the file ends. If the file ended
// inside a record or without a RunEnded event, Truncated reports true from
// then on. A damaged record gives a *CorruptError; a read error from the
// underlying reader is returned wrapped. Once Next has returned an error it
// returns the same error again. e.Data is valid only until the next call;
// e's contents are unspecified after an error.
func (r *Reader) Next(e *Event) error {
	if r.err != nil {
		return r.err
	}
	if r.ended {
		if err := r.fill(1); err != nil {
			return r.fail(err)
		}
		if r.end > r.pos {
			return r.fail(errAfterEnd)
		}
		return r.fail(io.EOF)
	}
	body, size, err := r.readFrame()
	if err != nil {
		if err == errCut || err == io.EOF {
			r.truncated = true
			err = io.EOF
		}
		return r.fail(err)
	}
	if msg := decodeBody(body, e); msg != "" {
		return r.fail(corruptMsg(msg))
	}
	if e.Seq <= r.lastSeq {
		return r.fail(corruptMsg(fmt.Sprintf("sequence number %d does not follow %d", e.Seq, r.lastSeq)))
	}
	r.consume(size)
	r.records++
	r.lastSeq = e.Seq
	if e.Kind == RunEnded {
		r.ended = true
	}
	return nil
}

// fail makes err the final result of Next, turning frame problems into a
// *CorruptError about the record at the current offset.
func (r *Reader) fail(err error) error {
	var m corruptMsg
	switch {
	case err == io.EOF:
	case errors.As(err, &m):
		err = &CorruptError{Record: r.records + 1, Offset: r.off, Msg: string(m)}
	default:
		err = fmt.Errorf("trace: read: %w", err)
	}
	r.err = err
	return err
}

// Truncated reports whether the trace was cut short: Next returned io.EOF
// at the end of a file that ended inside a record, or without a RunEnded
// event. A crash leaves such a file; its events up to the cut are sound.
func (r *Reader) Truncated() bool { return r.truncated }

// Offset returns the byte offset in the file of the next record (of the
// damaged record, after a *CorruptError). Any such offset is a point a
// reader can start decoding from: records carry absolute values.
func (r *Reader) Offset() int64 { return r.off }

// Records returns how many event records have been read.
func (r *Reader) Records() uint64 { return r.records }

// consume drops n bytes of the buffer, which the caller has dealt with.
func (r *Reader) consume(n int) {
	r.pos += n
	r.off += int64(n)
}

// fill reads until at least need bytes are buffered or the input ends. It
// returns only read errors other than io.EOF; the caller checks how much it
// got. The buffer grows only when it is full of data the file really holds,
// so a lying length field cannot make the Reader allocate much more than
// the file's size.
func (r *Reader) fill(need int) error {
	empty := 0
	for r.end-r.pos < need && !r.eof {
		if r.end == len(r.buf) {
			if r.pos > 0 {
				r.end = copy(r.buf, r.buf[r.pos:r.end])
				r.pos = 0
			} else {
				nb := make([]byte, min(2*len(r.buf), max(need, len(r.buf)+1)))
				copy(nb, r.buf[:r.end])
				r.buf = nb
			}
		}
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		switch {
		case err == io.EOF:
			r.eof = true
		case err != nil:
			return err
		case n == 0:
			if empty++; empty > 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// readFrame reads the record at the current offset. It returns its body
// (aliasing the buffer) and its size in the file, without consuming it; or
// io.EOF if no bytes are left, errCut if the file ends inside the record, a
// corruptMsg, or a read error.
func (r *Reader) readFrame() (body []byte, size int, err error) {
	if err := r.fill(maxFrameHead); err != nil {
		return nil, 0, err
	}
	avail := r.buf[r.pos:r.end]
	if len(avail) == 0 {
		return nil, 0, io.EOF
	}
	var n uint64
	ll := 0
	for {
		if ll == maxLenField {
			return nil, 0, errBadLength
		}
		if ll == len(avail) {
			return nil, 0, errCut
		}
		c := avail[ll]
		n |= uint64(c&0x7f) << (7 * ll)
		ll++
		if n > MaxRecord {
			return nil, 0, errTooLong
		}
		if c < 0x80 {
			if ll > 1 && c == 0 {
				return nil, 0, errBadLength // not minimal
			}
			break
		}
	}
	if len(avail) < ll+5 {
		return nil, 0, errCut
	}
	if avail[ll] != lengthCheck(avail[:ll]) {
		return nil, 0, errLenCheck
	}
	sum := binary.LittleEndian.Uint32(avail[ll+1:])
	size = ll + 5 + int(n)
	if err := r.fill(size); err != nil {
		return nil, 0, err
	}
	if r.end-r.pos < size {
		return nil, 0, errCut
	}
	body = r.buf[r.pos+ll+5 : r.pos+size : r.pos+size]
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, 0, errCRC
	}
	return body, size, nil
}

// ReadAll reads a whole trace: its header, all its events (each with its
// own copy of Data) and whether it was cut short. After a *CorruptError it
// returns the header and the events before the damaged record along with
// the error.
func ReadAll(r io.Reader) (Header, []Event, bool, error) {
	hint := sizeHint(r)
	rd, err := NewReader(r)
	if err != nil {
		return Header{}, nil, false, err
	}
	return rd.readAll(hint)
}

// sizeHint guesses how many events r holds, if it knows its size, so that
// ReadAll can size its slice once: typical records take 20–30 bytes. The
// guess is capped, since a few large events can make a file big.
func sizeHint(r io.Reader) int {
	var n int64
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, bytes.Buffer, strings.Reader
		n = int64(v.Len())
	case interface{ Stat() (os.FileInfo, error) }: // os.File
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			n = fi.Size()
		}
	}
	return int(min(n/24, 1<<21))
}

// Open reads the trace file at path, like ReadAll. Its errors name the path.
func Open(path string) (Header, []Event, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, nil, false, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	h, events, cut, err := ReadAll(f)
	if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
	}
	return h, events, cut, err
}

// readAll reads the rest of the events, copying their Data into shared
// slabs so that a long trace does not cost one allocation per payload.
func (r *Reader) readAll(hint int) (Header, []Event, bool, error) {
	events := make([]Event, 0, hint)
	var slab []byte
	for {
		var e Event
		err := r.Next(&e)
		if err == io.EOF {
			if cap(events) > 2*len(events)+1024 {
				events = slices.Clone(events) // the hint was far too big
			}
			return r.hdr, events, r.truncated, nil
		}
		if err != nil {
			return r.hdr, events, false, err
		}
		if n := len(e.Data); n > 0 {
			if n > cap(slab)-len(slab) {
				slab = make([]byte, 0, max(n, 64<<10))
			}
			at := len(slab)
			slab = append(slab, e.Data...)
			e.Data = slab[at : at+n : at+n]
		}
		events = append(events, e)
	}
}
