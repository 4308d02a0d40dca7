package trace

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"sync"
)

// A memory-write delta (the Data of a MemWritten event) says how one write
// changed the data region. It is a sequence of hunks in increasing,
// non-overlapping order of their offsets in the region. Each hunk is
//
//	uvarint  skip      bytes from the end of the previous hunk (from 0 for the first) to this one
//	uvarint  n<<1 | c  the hunk's length n ≥ 1; c is 0 for literal bytes, 1 for a copy
//	c = 0:   n bytes   the bytes now at [off, off+n)
//	c = 1:   varint    shift ≠ 0 (zigzag): [off, off+n) now holds what
//	                   [off+shift, off+shift+n) held before the write
//
// Copies let a write that shifts the JSON text (a longer status, a new or
// dropped order) be told in a few bytes although almost every byte after the
// shift point changed in memory. See FORMAT.md.

// Tuning of Diff.
const (
	minSame    = 4    // unchanged bytes worth ending a literal hunk for
	minCopy    = 8    // shifted bytes worth a copy hunk (its head takes 3–5 bytes)
	resyncScan = 32   // how far Diff looks for unchanged bytes before indexing old
	hashBits   = 12   // size of Diff's index of the old bytes
	hashStride = 8    // Diff indexes every hashStride-th position of the old bytes
	lookBehind = 1024 // the index starts this far before the first moved text
	lookAhead  = 4096 // and reaches this far past the position being encoded
	maxMisses  = 64   // literal bytes after which the index covers all of old, and small shifts are no longer tried
	smallShift = 16   // shifts Diff tries besides the index's suggestion
	maxCompare = 64   // bytes Diff compares to choose between candidates
)

var (
	errDeltaVarint = errors.New("trace: delta: bad varint")
	errDeltaEmpty  = errors.New("trace: delta: empty hunk")
	errDeltaBounds = errors.New("trace: delta: hunk outside the data region")
	errDeltaShort  = errors.New("trace: delta: literal runs past the end of the delta")
	errDeltaSource = errors.New("trace: delta: copy source outside the data region")
)

// Diff appends to dst a delta that turns old into new, and returns the
// extended slice. old and new are the same window of the data region before
// and after a write (the whole region, or the part at offset base); the
// delta's offsets are region offsets (base + index in the window), so Patch
// applies it to the whole region. If old and new are equal the delta is
// empty. old and new should have the same length (if they do not, Diff
// still describes new, and Patch needs a region that holds it).
//
// Unchanged bytes cost nothing; bytes that moved (the text after an
// insertion or deletion) become copies from their old place; the rest is
// literal. Diff finds moved text with a small hash index of old, built only
// when the write is more than an in-place change.
func Diff(dst []byte, base int, old, new []byte) []byte {
	m := min(len(old), len(new))
	i := commonPrefix(old[:m], new[:m])
	if i == len(new) {
		return dst
	}
	end := len(new)
	if len(old) == len(new) {
		end -= commonSuffix(old[i:], new[i:])
	}
	d := differ{out: dst, base: base, old: old, new: new}
	if len(old) == len(new) && end-i < minSame+2 {
		// A few bytes changed in place (the shadow copy's flip word, a
		// counter): one literal, as run would find after a search. Between
		// two changed bytes there is no room for minSame unchanged ones,
		// nor for a copy.
		d.literal(i, end)
		return d.out
	}
	return d.search(i, end)
}

// search encodes new[i:end], the changed part of the window, looking for
// unchanged and moved bytes, and returns the delta.
func (d *differ) search(i, end int) []byte {
	d.run(i, end)
	if d.tbl != nil {
		tablePool.Put(d.tbl)
	}
	return d.out
}

// hashTable maps the hash of 8 bytes of the old window to 1 + the position
// where they were last seen (0: not seen).
type hashTable [1 << hashBits]int32

var tablePool = sync.Pool{New: func() any { return new(hashTable) }}

// differ holds the state of one Diff.
type differ struct {
	out      []byte
	base     int
	cur      int // region offset where the last hunk ended
	old, new []byte
	end      int        // end of the changed part of new
	tbl      *hashTable // nil until needed
	hi       int        // the index covers old up to here
	next     int        // the next position of old to index
}

// run encodes new[i:end], the part of the window that changed, and then
// appends the final literal.
func (d *differ) run(i, end int) {
	d.end = end
	lit := i   // start of the bytes not yet told
	shift := 0 // shift of the last copy: moved text tends to go on moving
	for i < end {
		if k := d.matchLen(i, i); k > 0 && (i == lit || k >= minSame) {
			d.literal(lit, i)
			i += k
			lit = i
			continue
		}
		if shift != 0 {
			if k := d.matchLen(i, i+shift); k >= minCopy {
				d.literal(lit, i)
				d.copy(i, k, shift)
				i += k
				lit = i
				continue
			}
		}
		if d.tbl == nil {
			// Most writes change bytes in place: before building the index,
			// see whether the old bytes line up again a little further on.
			if j := d.resync(i); j > i {
				i = j
				continue
			}
		}
		if j, sh, k := d.find(i, lit); k >= minCopy {
			d.literal(lit, j)
			d.copy(j, k, sh)
			shift = sh
			i = j + k
			lit = i
			continue
		}
		// The longer the literal, the less likely a match: probe ever more
		// sparsely (a match found later is extended back to lit).
		i += 1 + min((i-lit)>>5, 15)
	}
	d.literal(lit, end)
}

// matchLen returns how many bytes of new from i (up to the end of the
// changed part) equal those of old from src.
func (d *differ) matchLen(i, src int) int {
	if src < 0 || src >= len(d.old) {
		return 0
	}
	return commonPrefix(d.new[i:d.end], d.old[src:])
}

// find looks for old bytes equal to the 8 bytes of new at i: where the
// index has seen them, and at small shifts (an edit a few bytes longer or
// shorter than the text it replaced). Of those candidates it picks the match
// that reaches furthest, extended back to lit at most, and returns where it
// starts, its shift and its length.
func (d *differ) find(i, lit int) (j, shift, k int) {
	if i+8 > d.end {
		return 0, 0, 0
	}
	want := i + lookAhead
	if i-lit > maxMisses {
		want = len(d.old)
	}
	if d.tbl == nil || want > d.hi {
		d.index(i, want)
	}
	g := le64(d.new[i:])
	reach := 0 // how far the best candidate reaches, capped
	consider := func(s int) {
		b := i
		for b > lit && b+s > 0 && d.new[b-1] == d.old[b+s-1] {
			b--
		}
		n := commonPrefix(d.new[b:min(d.end, i+maxCompare)], d.old[b+s:])
		if b+n > reach {
			j, shift, reach = b, s, b+n
		}
	}
	if p := int(d.tbl[hash8(g)]) - 1; p >= 0 && p != i && le64(d.old[p:]) == g {
		consider(p - i)
	}
	for s := 1; s <= smallShift && i-lit <= maxMisses; s++ {
		if p := i - s; p >= 0 && p+8 <= len(d.old) && le64(d.old[p:]) == g {
			consider(-s)
		}
		if p := i + s; p+8 <= len(d.old) && le64(d.old[p:]) == g {
			consider(s)
		}
	}
	if reach == 0 {
		return 0, 0, 0
	}
	return j, shift, d.matchLen(j, j+shift)
}

// resync returns the position, no further than resyncScan from i, where
// new and old have at least minSame equal bytes in place, or -1.
func (d *differ) resync(i int) int {
	for j := i + 1; j < min(i+resyncScan, d.end, len(d.old)); j++ {
		if d.new[j] == d.old[j] && d.matchLen(j, j) >= minSame {
			return j
		}
	}
	return -1
}

// index extends the hash index of old up to position want. The first call,
// at i, the first place where new is more than an in-place change of old,
// starts it a little before i: text that moves there comes from later on,
// but nearby text makes good copies too.
func (d *differ) index(i, want int) {
	if d.tbl == nil {
		d.tbl = tablePool.Get().(*hashTable)
		clear(d.tbl[:])
		d.hi = max(0, i-lookBehind)
		d.next = d.hi
	}
	d.hi = max(d.hi, min(want, len(d.old), d.end+8, 1<<31-1))
	for ; d.next+8 <= d.hi; d.next += hashStride {
		d.tbl[hash8(le64(d.old[d.next:]))] = int32(d.next + 1)
	}
}

// literal appends a literal hunk for new[from:to], if it is not empty.
func (d *differ) literal(from, to int) {
	if to <= from {
		return
	}
	d.head(from, to-from, 0)
	d.out = append(d.out, d.new[from:to]...)
}

// copy appends a copy hunk for the n bytes of new at i, which old has at
// i+shift.
func (d *differ) copy(i, n, shift int) {
	d.head(i, n, 1)
	d.out = binary.AppendVarint(d.out, int64(shift))
}

// head appends the skip and length fields of a hunk at window index i.
func (d *differ) head(i, n int, c uint64) {
	off := d.base + i
	d.out = binary.AppendUvarint(d.out, uint64(off-d.cur))
	d.out = binary.AppendUvarint(d.out, uint64(n)<<1|c)
	d.cur = off + n
}

// hash8 hashes 8 bytes for the index.
func hash8(g uint64) uint32 { return uint32((g * 0x9E3779B97F4A7C15) >> (64 - hashBits)) }

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	// Most calls find a difference within a few words.
	for ; i+8 <= n && i < 64; i += 8 {
		if x := le64(a[i:]) ^ le64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)>>3
		}
	}
	for i+256 <= n && bytes.Equal(a[i:i+256], b[i:i+256]) {
		i += 256
	}
	for ; i+8 <= n; i += 8 {
		if x := le64(a[i:]) ^ le64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)>>3
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and b.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	a, b = a[len(a)-n:], b[len(b)-n:]
	i := n // a[i:] == b[i:]
	for i >= 256 && bytes.Equal(a[i-256:i], b[i-256:i]) {
		i -= 256
	}
	for ; i >= 8; i -= 8 {
		if x := le64(a[i-8:]) ^ le64(b[i-8:]); x != 0 {
			return n - i + bits.LeadingZeros64(x)>>3
		}
	}
	for i > 0 && a[i-1] == b[i-1] {
		i--
	}
	return n - i
}

// hunkOp is one decoded hunk.
type hunkOp struct {
	off, n int
	src    int    // copy source, or -1 for a literal
	lit    []byte // a literal's bytes, aliasing the delta
}

// nextOp decodes the hunk at delta[p:], the previous hunk having ended at
// region offset cur, and checks it against a region of size bytes. It
// returns the hunk and where the next one starts.
func nextOp(delta []byte, p, cur, size int) (o hunkOp, next int, err error) {
	skip, k := binary.Uvarint(delta[p:])
	if k <= 0 {
		return o, 0, errDeltaVarint
	}
	p += k
	if skip > uint64(size-cur) {
		return o, 0, errDeltaBounds
	}
	off := cur + int(skip)
	h, k := binary.Uvarint(delta[p:])
	if k <= 0 {
		return o, 0, errDeltaVarint
	}
	p += k
	n := h >> 1
	if n == 0 {
		return o, 0, errDeltaEmpty
	}
	if n > uint64(size-off) {
		return o, 0, errDeltaBounds
	}
	o = hunkOp{off: off, n: int(n), src: -1}
	if h&1 == 0 {
		if n > uint64(len(delta)-p) {
			return hunkOp{}, 0, errDeltaShort
		}
		o.lit = delta[p : p+int(n) : p+int(n)]
		return o, p + int(n), nil
	}
	shift, k := binary.Varint(delta[p:])
	if k <= 0 {
		return hunkOp{}, 0, errDeltaVarint
	}
	if shift == 0 || shift < -int64(off) || shift > int64(size-off-o.n) {
		return hunkOp{}, 0, errDeltaSource
	}
	o.src = off + int(shift)
	return o, p + k, nil
}

// Patch applies a delta made by Diff to mem, the whole data region as it
// was before the write. Copies read the region as it was before the write,
// whatever order their hunks come in. Patch checks the whole delta first:
// on error (a malformed delta, or one that reaches outside mem) mem is left
// unchanged. It does not allocate unless copies read each other's
// destinations in both orders, when it snapshots mem.
func Patch(mem, delta []byte) error {
	var stack [8]hunkOp
	copies := stack[:0]
	cur := 0
	for p := 0; p < len(delta); {
		o, next, err := nextOp(delta, p, cur, len(mem))
		if err != nil {
			return err
		}
		if o.src >= 0 {
			copies = append(copies, o)
		}
		cur, p = o.off+o.n, next
	}
	applyCopies(mem, copies)
	// Literals last: no copy reads what they write.
	cur = 0
	for p := 0; p < len(delta); {
		o, next, _ := nextOp(delta, p, cur, len(mem))
		if o.src < 0 {
			copy(mem[o.off:], o.lit)
		}
		cur, p = o.off+o.n, next
	}
	return nil
}

// applyCopies performs copy hunks so that each reads mem as it was before
// any of them. copy has memmove semantics, so a hunk may overlap its own
// source; across hunks, it picks an order in which no hunk reads bytes
// another has already written, or else works from a snapshot.
func applyCopies(mem []byte, cs []hunkOp) {
	switch {
	case len(cs) <= 64 && copiesOrdered(cs, true):
		for _, c := range cs {
			copy(mem[c.off:c.off+c.n], mem[c.src:c.src+c.n])
		}
	case len(cs) <= 64 && copiesOrdered(cs, false):
		for i := len(cs) - 1; i >= 0; i-- {
			c := cs[i]
			copy(mem[c.off:c.off+c.n], mem[c.src:c.src+c.n])
		}
	default:
		old := bytes.Clone(mem)
		for _, c := range cs {
			copy(mem[c.off:c.off+c.n], old[c.src:c.src+c.n])
		}
	}
}

// copiesOrdered reports whether performing cs front to back (forward) or
// back to front leaves every hunk's source untouched until it is read.
func copiesOrdered(cs []hunkOp, forward bool) bool {
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			w, r := cs[i], cs[j] // w is performed before r
			if !forward {
				w, r = r, w
			}
			if w.off < r.src+r.n && r.src < w.off+w.n {
				return false
			}
		}
	}
	return true
}

// A Hunk is one piece of a memory write, for display.
type Hunk struct {
	Off   int    // region offset of the first byte written
	Bytes []byte // the bytes now at [Off, Off+len(Bytes))
	Src   int    // for bytes moved by a copy, the region offset they came from; -1 for literal bytes
}

// Hunks decodes a delta for display. mem is the data region after the
// delta was applied: a copy hunk's Bytes alias it (a literal's alias the
// delta), since the moved bytes are not in the delta itself. It fails like
// Patch on a malformed delta or one that does not fit mem.
func Hunks(delta, mem []byte) ([]Hunk, error) {
	var hs []Hunk
	cur := 0
	for p := 0; p < len(delta); {
		o, next, err := nextOp(delta, p, cur, len(mem))
		if err != nil {
			return nil, err
		}
		h := Hunk{Off: o.off, Bytes: o.lit, Src: -1}
		if o.src >= 0 {
			h.Bytes = mem[o.off : o.off+o.n : o.off+o.n]
			h.Src = o.src
		}
		hs = append(hs, h)
		cur, p = o.off+o.n, next
	}
	return hs, nil
}

// A DeltaWriter writes a delta hunk by hunk, for a writer that knows where
// each piece of its write comes from (Diff has to find out). Pieces must
// come in increasing offset order without overlapping; adjacent copies with
// the same shift are merged.
type DeltaWriter struct {
	buf  []byte
	cur  int // region offset where the last hunk ended
	pOff int // the copy not yet written: offset, length, shift
	pN   int
	pSh  int
}

// Reset starts a new delta, appended to dst.
func (d *DeltaWriter) Reset(dst []byte) { *d = DeltaWriter{buf: dst} }

// Literal says that the bytes b now are at region offset off.
func (d *DeltaWriter) Literal(off int, b []byte) {
	if len(b) == 0 {
		return
	}
	d.flush()
	d.head(off, len(b), 0)
	d.buf = append(d.buf, b...)
}

// Copy says that the n bytes at region offset off now hold what the n bytes
// at src held before the write. A copy onto itself (src == off) changes
// nothing and costs nothing.
func (d *DeltaWriter) Copy(off, n, src int) {
	if n <= 0 || src == off {
		return
	}
	if d.pN > 0 && d.pOff+d.pN == off && d.pSh == src-off {
		d.pN += n
		return
	}
	d.flush()
	d.pOff, d.pN, d.pSh = off, n, src-off
}

// Bytes returns the delta.
func (d *DeltaWriter) Bytes() []byte {
	d.flush()
	return d.buf
}

func (d *DeltaWriter) flush() {
	if d.pN == 0 {
		return
	}
	d.head(d.pOff, d.pN, 1)
	d.buf = binary.AppendVarint(d.buf, int64(d.pSh))
	d.pN = 0
}

func (d *DeltaWriter) head(off, n int, c uint64) {
	d.buf = binary.AppendUvarint(d.buf, uint64(off-d.cur))
	d.buf = binary.AppendUvarint(d.buf, uint64(n)<<1|c)
	d.cur = off + n
}
