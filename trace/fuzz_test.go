package trace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"testing"
)

// readerSeeds returns small traces: whole, cut short, with a large record,
// and without events.
func readerSeeds(t testing.TB) [][]byte {
	whole, offs := writeTrace(t, testHeader(), smallEvents())
	r := rand.New(rand.NewPCG(11, 12))
	var evs []Event
	for i := range 20 {
		evs = append(evs, randEvent(r, uint64(3*i+1)))
		if evs[i].Kind == RunEnded {
			evs[i].Kind = MemRead
		}
	}
	random, _ := writeTrace(t, Header{Format: Version}, evs)
	empty, _ := writeTrace(t, Header{}, nil)
	return [][]byte{whole, whole[:offs[4]+3], random, empty}
}

// FuzzReader feeds arbitrary bytes to the Reader: it must never panic,
// must fail only with the documented errors, and every event it returns
// must be the canonical decoding of exactly the bytes it consumed.
func FuzzReader(f *testing.F) {
	for _, s := range readerSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReader(t, data)
		// Most mutations just fail a CRC; repair the checksums so that the
		// fuzzer also reaches the decoding and sequence checks.
		checkReader(t, fixChecksums(data))
	})
}

// fixChecksums returns a copy of data with every length check and CRC that
// the bytes allow recomputed.
func fixChecksums(data []byte) []byte {
	data = bytes.Clone(data)
	for p := headerOffset; p < len(data); {
		n, ll := binary.Uvarint(data[p:])
		if ll <= 0 || ll > maxLenField || n > MaxRecord || p+ll+5 > len(data) {
			break
		}
		data[p+ll] = lengthCheck(data[p : p+ll])
		end := p + ll + 5 + int(n)
		if end > len(data) {
			break
		}
		binary.LittleEndian.PutUint32(data[p+ll+1:], crc32.Checksum(data[p+ll+5:end], castagnoli))
		p = end
	}
	return data
}

// checkReader reads data as a trace and checks what the Reader reports.
func checkReader(t *testing.T, data []byte) {
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		var ce *CorruptError
		var ve *VersionError
		if err != ErrNotTrace && !errors.As(err, &ce) && !errors.As(err, &ve) {
			t.Fatalf("NewReader: unexpected error %v", err)
		}
		return
	}
	var last Event
	for {
		start := rd.Offset()
		var e Event
		err := rd.Next(&e)
		if err == io.EOF {
			if !rd.Truncated() && last.Kind != RunEnded {
				t.Fatalf("clean EOF without run-ended")
			}
			if rd.Truncated() && last.Kind == RunEnded {
				t.Fatalf("cut short after run-ended")
			}
			break
		}
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.Record != rd.Records()+1 || ce.Offset != start {
				t.Fatalf("Next: %v (records %d, offset %d)", err, rd.Records(), start)
			}
			break
		}
		if want := appendFrame(nil, AppendEvent(nil, &e)); !bytes.Equal(want, data[start:rd.Offset()]) {
			t.Fatalf("record at %d is not the canonical encoding of %+v", start, e)
		}
		if e.Seq <= last.Seq {
			t.Fatalf("seq %d after %d", e.Seq, last.Seq)
		}
		last = e
		last.Data = nil
	}
	_, evs, _, err := ReadAll(bytes.NewReader(data))
	if uint64(len(evs)) != rd.Records() || (err == nil) != errors.Is(rd.Next(new(Event)), io.EOF) {
		t.Fatalf("ReadAll disagrees with Next: %d events, %v", len(evs), err)
	}
}

// FuzzDecodeEvent decodes arbitrary bodies: DecodeEvent must never panic,
// and whatever it accepts must re-encode to the same bytes.
func FuzzDecodeEvent(f *testing.F) {
	for k := Kind(1); k < kindCount; k++ {
		e := fullEvent(k)
		f.Add(AppendEvent(nil, &e))
		f.Add(AppendEvent(nil, &Event{Kind: k}))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var e Event
		if err := DecodeEvent(body, &e); err != nil {
			return
		}
		if again := AppendEvent(nil, &e); !bytes.Equal(again, body) {
			t.Fatalf("%x decodes to %+v, which encodes to %x", body, e, again)
		}
	})
}

// patchSeeds returns (region, delta) pairs: small Diff outputs and
// hand-made overlapping copies.
func patchSeeds() [][2][]byte {
	mem := []byte("0123456789abcdefghij")
	seeds := [][2][]byte{
		{mem, nil},
		{mem, {4, 2 << 1, 'x', 'y'}},
		{mem, {2, 2 << 1, 'a', 'b', 0, 6<<1 | 1, 3}}, // literal, then shift right over it
		{mem, {0, 8<<1 | 1, 4, 0, 2 << 1, 'x', 'y'}}, // shift left, then literal
		{mem, {0, 5<<1 | 1, 10, 0, 5<<1 | 1, 9}},     // swap
		{mem, {0, 3<<1 | 1, 6, 0, 3<<1 | 1, 6, 0, 3 << 1, 'a', 'b', 'c'}},
	}
	old := []byte(`{"pedidos":[{"id":10001,"status":"Pendente"},{"id":10002,"status":"Pendente"}],"stats":{"em_fila":2}}`)
	new := []byte(`{"pedidos":[{"id":10001,"status":"Em Preparo"},{"id":10002,"status":"Pendente"}],"stats":{"em_fila":1`)
	seeds = append(seeds, [2][]byte{old, Diff(nil, 0, old, new)})
	return seeds
}

// FuzzPatch applies arbitrary deltas to arbitrary regions: Patch must
// never panic, must agree with refPatch, must leave the region alone when
// it fails; Hunks must describe what it wrote; and Diff of the two regions
// must patch one into the other.
func FuzzPatch(f *testing.F) {
	for _, s := range patchSeeds() {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, mem, delta []byte) {
		want, ok := refPatch(mem, delta)
		got := bytes.Clone(mem)
		err := Patch(got, delta)
		if (err == nil) != ok {
			t.Fatalf("Patch error %v, refPatch ok %v", err, ok)
		}
		if err != nil {
			if !bytes.Equal(got, mem) {
				t.Fatalf("Patch failed but changed the region")
			}
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Patch = %q, refPatch = %q", got, want)
		}
		hs, err := Hunks(delta, got)
		if err != nil {
			t.Fatalf("Hunks: %v", err)
		}
		for _, h := range hs {
			if !bytes.Equal(got[h.Off:h.Off+len(h.Bytes)], h.Bytes) || (h.Src >= 0 && !bytes.Equal(mem[h.Src:h.Src+len(h.Bytes)], h.Bytes)) {
				t.Fatalf("hunk %+v does not match", h)
			}
		}
		d := Diff(nil, 0, mem, got)
		again := bytes.Clone(mem)
		if err := Patch(again, d); err != nil || !bytes.Equal(again, got) {
			t.Fatalf("Diff of the patched region does not round-trip: %v", err)
		}
	})
}

// FuzzDiff checks Patch(old, Diff(old, new)) == new for arbitrary regions
// of equal length.
func FuzzDiff(f *testing.F) {
	f.Add([]byte("hello, world"), []byte("hello, there, world"))
	f.Add([]byte(`{"a":[1,2,3],"n":3}`), []byte(`{"a":[2,3,4],"n":3}`))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		new = append(new, make([]byte, max(0, len(old)-len(new)))...)[:len(old)]
		checkDiff(t, "fuzz", old, new)
	})
}
