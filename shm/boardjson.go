package shm

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is the board's JSON codec. The encoder writes byte for byte what
// the original Python wrote with
//
//	json.dumps(data, ensure_ascii=False, separators=(',', ':'))
//
// and the decoder is a strict hand-written scanner specialised for the
// board's schema. Neither allocates in steady state.

// AppendBoardJSON appends b encoded exactly as the original Python did:
// json.dumps(data, ensure_ascii=False, separators=(',', ':')) of
// {"pedidos":[{"id":…,"mesa":…,"item":…,"timestamp":…,"status":…,"produtor_id":…,"consumidor_id":…},…],
// "stats":{"total_criados":…,"total_processados":…,"em_fila":…}}
// (keys in exactly this order, UTF-8 output, no spaces).
//
// Floats are written as Python's repr writes them. NaN and infinities, which
// valid boards never hold, come out as Python's NaN, Infinity and -Infinity,
// which are not JSON. Invalid UTF-8 in an item is written as U+FFFD, and a
// StatusNone status as "?"; the decoder rejects the latter.
func AppendBoardJSON(dst []byte, b *Board) []byte {
	dst = append(dst, bjCanon...)
	return bjAppendRest(dst, b, 0)
}

// bjAppendRest appends the orders of b from index from on, then the end of
// the list and the stats.
func bjAppendRest(dst []byte, b *Board, from int) []byte {
	for i := from; i < len(b.Orders); i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = bjAppendOrder(dst, &b.Orders[i])
	}
	return bjAppendStats(dst, &b.Stats)
}

// bjAppendOrder appends one order object.
func bjAppendOrder(dst []byte, o *Order) []byte {
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendInt(dst, o.ID, 10)
	dst = append(dst, `,"mesa":`...)
	dst = strconv.AppendInt(dst, int64(o.Table), 10)
	dst = append(dst, `,"item":`...)
	dst = bjAppendString(dst, o.Item)
	dst = append(dst, `,"timestamp":`...)
	dst = bjAppendFloat(dst, o.Timestamp)
	dst = append(dst, `,"status":"`...)
	dst = append(dst, o.Status.String()...) // the words need no escaping
	dst = append(dst, `","produtor_id":`...)
	dst = strconv.AppendInt(dst, int64(o.Producer), 10)
	dst = append(dst, `,"consumidor_id":`...)
	dst = strconv.AppendInt(dst, int64(o.Consumer), 10)
	return append(dst, '}')
}

// bjAppendStats appends the end of the list of orders and the stats.
func bjAppendStats(dst []byte, st *Stats) []byte {
	dst = append(dst, `],"stats":{"total_criados":`...)
	dst = strconv.AppendInt(dst, st.Created, 10)
	dst = append(dst, `,"total_processados":`...)
	dst = strconv.AppendInt(dst, st.Processed, 10)
	dst = append(dst, `,"em_fila":`...)
	dst = strconv.AppendInt(dst, st.Queued, 10)
	return append(dst, "}}"...)
}

// bjHex is the digit set Python uses for \u00XX escapes.
const bjHex = "0123456789abcdef"

// bjPlain reports the bytes that appear unchanged inside a JSON string, in
// both directions: printable ASCII other than '"' and '\\'. Bytes from 0x80
// up are UTF-8 and handled separately.
var bjPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// bjAppendString appends s as a JSON string the way Python's
// ensure_ascii=False encoder does: only '"', '\\' and control characters
// are escaped; everything else is copied as UTF-8.
func bjAppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if bjPlain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', bjHex[c>>4], bjHex[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// bjAppendFloat appends f as Python's repr(float) spells it: the shortest
// digits that round-trip; positional notation with at least one digit after
// the point ("1729443723.45", "1729443723.0") when the point falls within 16
// digits of the start, that is for 1e-4 <= |f| < 1e16 and for zero;
// otherwise exponent notation with a sign and at least two digits and no
// ".0" ("1e+16", "1.5e-05"), which is also how strconv writes it.
func bjAppendFloat(dst []byte, f float64) []byte {
	switch abs := math.Abs(f); {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case abs == 0 || (abs >= 1e-4 && abs < 1e16):
		// The shortest digits of f are on the same side of these bounds
		// as f, because they round to f.
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		if f == math.Trunc(f) {
			dst = append(dst, '.', '0')
		}
		return dst
	default:
		return strconv.AppendFloat(dst, f, 'e', -1, 64)
	}
}

// A BoardDecoder decodes board JSON, reusing its memory between calls
// (interns item strings so steady-state decoding does not allocate).
// The zero value is ready to use. A BoardDecoder must not be used by
// several goroutines at once.
type BoardDecoder struct {
	lex    bjLex
	buf    []byte            // scratch for unescaped strings
	orders []Order           // orders being decoded; copied out on success
	strs   map[string]string // interned item strings

	// The text of the last successful decode, where each of its orders
	// starts and ends, and the orders. A board changes in one or two places
	// between two reads (an order appended, a status changed, the oldest
	// order dropped), so most orders of a new text are, byte for byte, orders
	// of the last one, maybe moved: their values are reused instead of
	// parsed, and an encoder can copy their bytes (see AppendMapped).
	prev         []byte
	starts, ends []int
	// The same for the decode before, while the current one runs.
	oldText            []byte
	oldStarts, oldEnds []int
	oldOrders          []Order
	next               int // the old order expected next
}

// bjInternMax bounds the intern table: when it is full it is emptied, so a
// stream of ever-new items cannot grow it without limit.
const bjInternMax = 4096

// Keys of the three kinds of object, in the order the original writes them.
var (
	bjTopKeys   = [...]string{"pedidos", "stats"}
	bjOrderKeys = [...]string{"id", "mesa", "item", "timestamp", "status", "produtor_id", "consumidor_id"}
	bjStatsKeys = [...]string{"total_criados", "total_processados", "em_fila"}

	// The same keys with their quotes and colon, as Python writes them.
	bjTopLits   = bjLits(bjTopKeys[:])
	bjOrderLits = bjLits(bjOrderKeys[:])
	bjStatsLits = bjLits(bjStatsKeys[:])

	// The status words with their quotes, indexed by Status.
	bjStatusLits = [...]string{StatusPending: `"` + bjWordPending + `"`, StatusInPrep: `"` + bjWordInPrep + `"`,
		StatusDone: `"` + bjWordDone + `"`, StatusCancelled: `"` + bjWordCancelled + `"`}
)

// bjLits returns `"key":` for each key.
func bjLits(keys []string) []string {
	lits := make([]string, len(keys))
	for i, k := range keys {
		lits[i] = `"` + k + `":`
	}
	return lits
}

// Contexts for messages: an order's index, or one of these.
const (
	bjCtxTop   = -1
	bjCtxStats = -2
)

// Decode parses src into b (reusing b.Orders' backing array). It accepts any
// valid JSON text (whitespace anywhere JSON allows it, keys in any order,
// \uXXXX escapes including surrogate pairs, numbers in any JSON form that fits
// the field) but enforces the schema: top-level object with exactly the keys
// "pedidos" (array of order objects) and "stats"; each order has exactly the
// seven keys above with the right JSON types (id, mesa, produtor_id,
// consumidor_id: integers that fit; timestamp: any number; item, status:
// strings; status one of the four words); "stats" has exactly the three keys,
// integers. Unknown or duplicate keys, missing keys, trailing bytes after the
// value (other than JSON whitespace), invalid UTF-8, NUL bytes, and anything
// else that is not valid JSON are errors. Errors are of type *BoardError.
// src may change while Decode runs (another process writing): Decode reads
// a copy.
//
// An integer field takes only a number without fraction or exponent, as
// Python's json.loads would read it as an int ("-0" is 0); a timestamp that
// overflows float64 is out of range. A lone surrogate escape decodes as
// U+FFFD, as in encoding/json. On error b is left unchanged. Decode does not
// keep src.
func (d *BoardDecoder) Decode(src []byte, b *Board) error {
	// The last decode becomes the old one; its buffers are reused.
	d.oldText, d.prev = d.prev, d.oldText
	d.oldStarts, d.starts = d.starts, d.oldStarts[:0]
	d.oldEnds, d.ends = d.ends, d.oldEnds[:0]
	d.oldOrders, d.orders = d.orders, d.oldOrders[:0]
	d.next = 0
	// src may be shared memory that another process writes while we read
	// (the lock off): decode a private copy, which cannot change between
	// checking a byte and using it.
	d.prev = append(d.prev[:0], src...)
	src = d.prev
	d.lex = bjLex{src: src}
	var stats Stats
	err := d.board(&stats)
	d.lex.src = nil
	if err != nil {
		d.prev, d.starts, d.ends, d.orders = d.prev[:0], d.starts[:0], d.ends[:0], d.orders[:0]
		// The decoder stops at the first problem of either kind. Only a
		// full syntax check can tell whether the text is valid JSON, in
		// which case the problem was one of schema.
		if serr := bjValidate(src); serr != nil {
			return serr
		}
		err.Schema = true
		return err
	}
	b.Orders = append(b.Orders[:0], d.orders...)
	b.Stats = stats
	return nil
}

// forget drops what the last decode left, so that the next one parses
// every order (benchmarks of the parser use it).
func (d *BoardDecoder) forget() {
	d.prev, d.starts, d.ends, d.orders = d.prev[:0], d.starts[:0], d.ends[:0], d.orders[:0]
}

// bjCanon is how every board the encoder writes begins.
const bjCanon = `{"pedidos":[`

// bjLookAhead is how many old orders past the expected one an order of the
// new text is compared with: orders dropped from the window since then.
const bjLookAhead = 8

// reuse looks for an order of the last decode whose text is at pos, and if
// there is one, takes its value and moves past it. Parsing those bytes
// would give that same value: an order's text is a complete object, read
// the same whatever follows it.
func (d *BoardDecoder) reuse() bool {
	l := &d.lex
	for j := d.next; j < min(d.next+bjLookAhead, len(d.oldOrders)); j++ {
		text := d.oldText[d.oldStarts[j]:d.oldEnds[j]]
		if len(l.src)-l.pos >= len(text) && string(l.src[l.pos:l.pos+len(text)]) == string(text) {
			d.starts = append(d.starts, l.pos)
			d.orders = append(d.orders, d.oldOrders[j])
			l.pos += len(text)
			d.ends = append(d.ends, l.pos)
			d.next = j + 1
			return true
		}
	}
	return false
}

// A Span is a piece of an encoding made by AppendMapped: Len bytes at Off
// in the new text, copied from Src in the text the decoder read last (Src
// -1: formatted anew).
type Span struct {
	Off, Len, Src int
}

// AppendMapped appends the encoding of b, exactly as AppendBoardJSON would,
// where b is the board this decoder decoded last after some changes: src[k]
// is the index j, in that decode, of an unchanged order that is now b's
// k-th order, -(j+2) when it is order j changed, or -1 for an order added. The text of unchanged orders
// is copied instead of formatted. It also appends to spans where each piece
// of the new text came from, relative to the start of the encoding (for a
// writer that describes its write as copies of what was there before); the
// last span is always the stats, a literal.
func (d *BoardDecoder) AppendMapped(dst []byte, b *Board, src []int, spans []Span) ([]byte, []Span) {
	base := len(dst)
	lit := func(from int) {
		if n := len(dst) - base - from; n > 0 {
			if k := len(spans) - 1; k >= 0 && spans[k].Src < 0 && spans[k].Off+spans[k].Len == from {
				spans[k].Len += n
			} else {
				spans = append(spans, Span{Off: from, Len: n, Src: -1})
			}
		}
	}
	// copied says that the n bytes at off came from src in the old text; a
	// copy that goes on where the last one ended, from where it ended,
	// lengthens it (a run of unchanged orders is one span).
	copied := func(off, n, src int) {
		if k := len(spans) - 1; k >= 0 && spans[k].Src >= 0 && spans[k].Off+spans[k].Len == off && spans[k].Src+spans[k].Len == src {
			spans[k].Len += n
			return
		}
		spans = append(spans, Span{Off: off, Len: n, Src: src})
	}
	dst = append(dst, bjCanon...)
	mark := 0
	for i := range b.Orders {
		j := -1
		if i < len(src) {
			j = src[i]
		}
		if j < -1 && -j-2 < len(d.starts) {
			// Changed from order -j-2 of the read: formatted anew, but the
			// bytes it shares with the old text at its start and end are
			// copies too (a status word changes; the rest stays).
			if i > 0 {
				dst = append(dst, ',')
			}
			lit(mark)
			at := len(dst)
			dst = bjAppendOrder(dst, &b.Orders[i])
			oldText := d.prev[d.starts[-j-2]:d.ends[-j-2]]
			newText := dst[at:]
			pre := bjCommon(oldText, newText, false)
			suf := bjCommon(oldText[pre:], newText[pre:], true)
			off := at - base
			if pre > 0 {
				copied(off, pre, d.starts[-j-2])
			}
			if mid := len(newText) - pre - suf; mid > 0 {
				spans = append(spans, Span{Off: off + pre, Len: mid, Src: -1})
			}
			if suf > 0 {
				copied(off+len(newText)-suf, suf, d.ends[-j-2]-suf)
			}
			mark = len(dst) - base
			continue
		}
		if j < 0 || j >= len(d.starts) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = bjAppendOrder(dst, &b.Orders[i])
			continue
		}
		from, to := d.starts[j], d.ends[j]
		if i > 0 {
			if from > 0 && d.prev[from-1] == ',' {
				from-- // the comma goes with the order: runs of orders make one copy
			} else {
				dst = append(dst, ',')
			}
		}
		lit(mark)
		off := len(dst) - base
		dst = append(dst, d.prev[from:to]...)
		copied(off, to-from, from)
		mark = len(dst) - base
	}
	lit(mark)
	// The stats, always a span of their own: a writer describes them
	// against the stats it read (see sim's tailDelta).
	mark = len(dst) - base
	dst = bjAppendStats(dst, &b.Stats)
	spans = append(spans, Span{Off: mark, Len: len(dst) - base - mark, Src: -1})
	return dst, spans
}

// bjCommon returns the length of the common prefix (or suffix) of a and b.
func bjCommon(a, b []byte, suffix bool) int {
	n := min(len(a), len(b))
	i := 0
	for i < n {
		x, y := a[i], b[i]
		if suffix {
			x, y = a[len(a)-1-i], b[len(b)-1-i]
		}
		if x != y {
			break
		}
		i++
	}
	return i
}

// Text returns the text of the last successful decode (valid until the
// next Decode).
func (d *BoardDecoder) Text() []byte { return d.prev }

// board decodes the top-level object.
func (d *BoardDecoder) board(stats *Stats) *BoardError {
	l := &d.lex
	l.ws()
	if err := d.expect('{', bjCtxTop, "", "an object"); err != nil {
		return err
	}
	return d.members(stats, 0, l.objBegin())
}

// members decodes the top-level object's members from pos on, with seen
// the keys already decoded and more whether a member follows.
func (d *BoardDecoder) members(stats *Stats, seen uint, more bool) *BoardError {
	l := &d.lex
	for more {
		k, err := d.member(bjTopKeys[:], bjTopLits, &seen, bjCtxTop)
		if err != nil {
			return err
		}
		if k == 0 {
			err = d.orderArray()
		} else {
			err = d.stats(stats)
		}
		if err != nil {
			return err
		}
		if more, err = l.objNext(); err != nil {
			return err
		}
	}
	if err := d.missing(seen, bjTopKeys[:], bjCtxTop); err != nil {
		return err
	}
	l.ws()
	if l.pos < len(l.src) {
		return l.syntaxErr("after top-level value")
	}
	return nil
}

// orderArray decodes the value of "pedidos" into d.orders.
func (d *BoardDecoder) orderArray() *BoardError {
	if err := d.expect('[', bjCtxTop, "pedidos", "an array"); err != nil {
		return err
	}
	return d.orderElems(true)
}

// orderElems decodes the elements of the list of orders: from its start
// (after the '['), or after an element already decoded.
func (d *BoardDecoder) orderElems(start bool) *BoardError {
	l := &d.lex
	var more bool
	if start {
		more = l.arrBegin()
	} else {
		var err *BoardError
		if more, err = l.arrNext(); err != nil {
			return err
		}
	}
	for more {
		if !d.reuse() {
			start := l.pos
			if err := d.order(len(d.orders)); err != nil {
				return err
			}
			d.starts = append(d.starts, start)
			d.ends = append(d.ends, l.pos)
		}
		var err *BoardError
		if more, err = l.arrNext(); err != nil {
			return err
		}
	}
	return nil
}

// order decodes the i-th order object and appends it to d.orders.
func (d *BoardDecoder) order(i int) *BoardError {
	l := &d.lex
	if err := d.expect('{', i, "", "an object"); err != nil {
		return err
	}
	d.orders = append(d.orders, Order{})
	o := &d.orders[len(d.orders)-1]
	var seen uint
	for more := l.objBegin(); more; {
		k, err := d.member(bjOrderKeys[:], bjOrderLits, &seen, i)
		if err != nil {
			return err
		}
		name := bjOrderKeys[k]
		var v int64
		switch k {
		case 0:
			o.ID, err = d.intValue(i, name, 64)
		case 1:
			v, err = d.intValue(i, name, strconv.IntSize)
			o.Table = int(v)
		case 2:
			o.Item, err = d.itemValue(i, name)
		case 3:
			o.Timestamp, err = d.floatValue(i, name)
		case 4:
			o.Status, err = d.statusValue(i, name)
		case 5:
			v, err = d.intValue(i, name, strconv.IntSize)
			o.Producer = int(v)
		case 6:
			v, err = d.intValue(i, name, strconv.IntSize)
			o.Consumer = int(v)
		}
		if err != nil {
			return err
		}
		if more, err = l.objNext(); err != nil {
			return err
		}
	}
	return d.missing(seen, bjOrderKeys[:], i)
}

// stats decodes the value of "stats".
func (d *BoardDecoder) stats(s *Stats) *BoardError {
	l := &d.lex
	if err := d.expect('{', bjCtxTop, "stats", "an object"); err != nil {
		return err
	}
	var seen uint
	for more := l.objBegin(); more; {
		k, err := d.member(bjStatsKeys[:], bjStatsLits, &seen, bjCtxStats)
		if err != nil {
			return err
		}
		v, err := d.intValue(bjCtxStats, bjStatsKeys[k], 64)
		if err != nil {
			return err
		}
		switch k {
		case 0:
			s.Created = v
		case 1:
			s.Processed = v
		case 2:
			s.Queued = v
		}
		if more, err = l.objNext(); err != nil {
			return err
		}
	}
	return d.missing(seen, bjStatsKeys[:], bjCtxStats)
}

// key reads an object key and the colon after it, returning the unescaped
// key (valid until the next string is read) and the offset of its quote.
func (d *BoardDecoder) key() (key []byte, off int, err *BoardError) {
	l := &d.lex
	l.ws()
	off = l.pos
	if l.pos >= len(l.src) || l.src[l.pos] != '"' {
		return nil, off, l.syntaxErr("looking for beginning of object key string")
	}
	key, err = d.str()
	if err != nil {
		return nil, off, err
	}
	l.ws()
	if l.pos >= len(l.src) || l.src[l.pos] != ':' {
		return nil, off, l.syntaxErr("after object key")
	}
	l.pos++
	l.ws()
	return key, off, nil
}

// member reads the next key of an object, the colon after it and the
// whitespace before the value. It returns the key's index in keys, rejecting
// unknown and duplicate keys; seen records the keys already read.
func (d *BoardDecoder) member(keys, lits []string, seen *uint, ctx int) (int, *BoardError) {
	// Fast path: the key Python writes next, the first one not yet seen,
	// spelled as Python spells it.
	l := &d.lex
	if k := bits.TrailingZeros(^*seen); k < len(lits) && l.hasPrefix(lits[k]) {
		l.pos += len(lits[k])
		l.ws()
		*seen |= 1 << k
		return k, nil
	}
	key, off, err := d.key()
	if err != nil {
		return 0, err
	}
	for k, name := range keys {
		if string(key) == name {
			if *seen&(1<<k) != 0 {
				return 0, d.schemaErr(off, ctx, "duplicate key %q", name)
			}
			*seen |= 1 << k
			return k, nil
		}
	}
	return 0, d.schemaErr(off, ctx, "unknown key %q", bjSnippet(key))
}

// missing reports the first key of keys not in seen. The offset is that of
// the object's closing brace, just read.
func (d *BoardDecoder) missing(seen uint, keys []string, ctx int) *BoardError {
	for k, name := range keys {
		if seen&(1<<k) == 0 {
			return d.schemaErr(d.lex.pos-1, ctx, "missing key %q", name)
		}
	}
	return nil
}

// expect checks that the value at the current position starts with c ('{'
// or '['); otherwise it reports a type error, or a syntax error if no value
// starts there.
func (d *BoardDecoder) expect(c byte, ctx int, key, want string) *BoardError {
	l := &d.lex
	if l.pos < len(l.src) && l.src[l.pos] == c {
		return nil
	}
	return d.typeErr(ctx, key, want)
}

// typeErr reports that the value at the current position is not what the
// schema wants.
func (d *BoardDecoder) typeErr(ctx int, key, want string) *BoardError {
	l := &d.lex
	if l.pos >= len(l.src) {
		return l.syntaxErr("looking for value")
	}
	kind := bjKind(l.src[l.pos])
	if kind == "" {
		return l.syntaxErr("looking for value")
	}
	switch {
	case key != "":
		return d.schemaErr(l.pos, ctx, "%q must be %s, found %s", key, want, kind)
	case ctx >= 0:
		return d.schemaErr(l.pos, bjCtxTop, "pedidos[%d] must be %s, found %s", ctx, want, kind)
	default:
		return d.schemaErr(l.pos, ctx, "top-level value must be %s, found %s", want, kind)
	}
}

// number scans a number value, reporting a type error for anything else.
func (d *BoardDecoder) number(ctx int, key, want string) ([]byte, bool, *BoardError) {
	l := &d.lex
	start := l.pos
	if start >= len(l.src) || (l.src[start] != '-' && (l.src[start] < '0' || l.src[start] > '9')) {
		return nil, false, d.typeErr(ctx, key, want)
	}
	isInt, err := l.number()
	if err != nil {
		return nil, false, err
	}
	return l.src[start:l.pos], isInt, nil
}

// intValue decodes an integer that fits in a signed integer of the given
// number of bits.
func (d *BoardDecoder) intValue(ctx int, key string, size int) (int64, *BoardError) {
	if v, ok := d.lex.smallInt(); ok && (size == 64 || v == int64(int32(v))) {
		return v, nil
	}
	start := d.lex.pos
	txt, isInt, err := d.number(ctx, key, "an integer")
	if err != nil {
		return 0, err
	}
	if !isInt {
		return 0, d.schemaErr(start, ctx, "%q must be an integer, found %s", key, bjSnippet(txt))
	}
	v, ok := bjParseInt(txt, size)
	if !ok {
		return 0, d.schemaErr(start, ctx, "%q value %s out of range", key, bjSnippet(txt))
	}
	return v, nil
}

// floatValue decodes any number that fits a float64.
func (d *BoardDecoder) floatValue(ctx int, key string) (float64, *BoardError) {
	start := d.lex.pos
	txt, _, err := d.number(ctx, key, "a number")
	if err != nil {
		return 0, err
	}
	if f, ok := bjFastFloat(txt); ok {
		return f, nil
	}
	f, perr := strconv.ParseFloat(string(txt), 64)
	if perr != nil { // the syntax is already checked: out of range
		return 0, d.schemaErr(start, ctx, "%q value %s out of range", key, bjSnippet(txt))
	}
	return f, nil
}

// itemValue decodes an item string, interned.
func (d *BoardDecoder) itemValue(ctx int, key string) (string, *BoardError) {
	if d.lex.pos >= len(d.lex.src) || d.lex.src[d.lex.pos] != '"' {
		return "", d.typeErr(ctx, key, "a string")
	}
	s, err := d.str()
	if err != nil {
		return "", err
	}
	if v, ok := d.strs[string(s)]; ok {
		return v, nil
	}
	if d.strs == nil || len(d.strs) >= bjInternMax {
		d.strs = make(map[string]string)
	}
	v := string(s)
	d.strs[v] = v
	return v, nil
}

// statusValue decodes a status word.
func (d *BoardDecoder) statusValue(ctx int, key string) (Status, *BoardError) {
	for st := StatusPending; st <= StatusCancelled; st++ {
		if d.lex.hasPrefix(bjStatusLits[st]) { // fast path
			d.lex.pos += len(bjStatusLits[st])
			return st, nil
		}
	}
	start := d.lex.pos
	if start >= len(d.lex.src) || d.lex.src[start] != '"' {
		return StatusNone, d.typeErr(ctx, key, "a string")
	}
	s, err := d.str()
	if err != nil {
		return StatusNone, err
	}
	st, ok := ParseStatus(s)
	if !ok {
		return StatusNone, d.schemaErr(start, ctx, "unknown status %q", bjSnippet(s))
	}
	return st, nil
}

// str scans the string at the current position and returns its unescaped
// content, which is valid until the next call.
func (d *BoardDecoder) str() ([]byte, *BoardError) {
	start, end, esc, err := d.lex.str()
	if err != nil {
		return nil, err
	}
	if !esc {
		return d.lex.src[start:end], nil
	}
	d.buf = bjUnescape(d.buf[:0], d.lex.src[start:end])
	return d.buf, nil
}

// schemaErr makes an error about the schema; ctx says where in the board.
func (d *BoardDecoder) schemaErr(off, ctx int, format string, args ...any) *BoardError {
	msg := fmt.Sprintf(format, args...)
	switch {
	case ctx >= 0:
		msg = fmt.Sprintf("pedidos[%d]: %s", ctx, msg)
	case ctx == bjCtxStats:
		msg = "stats: " + msg
	}
	return &BoardError{Offset: off, Schema: true, Msg: msg}
}

// bjParseInt parses txt, known to be "-?digits", as an integer of the given
// bit size.
func bjParseInt(txt []byte, size int) (int64, bool) {
	neg := txt[0] == '-'
	if neg {
		txt = txt[1:]
	}
	if len(txt) > 19 { // no leading zeros: more than 19 digits cannot fit
		return 0, false
	}
	var u uint64
	for _, c := range txt {
		u = u*10 + uint64(c-'0')
	}
	limit := uint64(1)<<(size-1) - 1
	if neg {
		limit++
	}
	if u > limit {
		return 0, false
	}
	if neg {
		return -int64(u), true // u == 1<<63 wraps to MinInt64, as wanted
	}
	return int64(u), true
}

// bjPow10 are the powers of ten that float64 holds exactly.
var bjPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// bjFastFloat converts txt, a valid JSON number, when that can be done
// exactly with one float64 operation (Clinger's fast path): its digits make
// an integer of at most 2^53 and its power of ten is at most 22 away. Such
// are Python's timestamps with up to 6 decimals. ok is false otherwise.
func bjFastFloat(txt []byte) (f float64, ok bool) {
	neg := txt[0] == '-'
	if neg {
		txt = txt[1:]
	}
	var m uint64
	nd, exp, i := 0, 0, 0
	for ; i < len(txt) && txt[i] >= '0' && txt[i] <= '9'; i++ {
		m = m*10 + uint64(txt[i]-'0')
		nd++
	}
	if i < len(txt) && txt[i] == '.' {
		for i++; i < len(txt) && txt[i] >= '0' && txt[i] <= '9'; i++ {
			m = m*10 + uint64(txt[i]-'0')
			nd++
			exp--
		}
	}
	if nd > 19 || m > 1<<53 { // more than 19 digits may have wrapped m
		return 0, false
	}
	if i < len(txt) { // exponent
		i++
		eneg := txt[i] == '-'
		if txt[i] == '+' || eneg {
			i++
		}
		if len(txt)-i > 3 {
			return 0, false
		}
		e := 0
		for ; i < len(txt); i++ {
			e = e*10 + int(txt[i]-'0')
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	f = float64(m)
	switch {
	case exp == 0:
	case exp > 0 && exp < len(bjPow10):
		f *= bjPow10[exp]
	case exp < 0 && -exp < len(bjPow10):
		f /= bjPow10[-exp]
	default:
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// bjKind names the JSON type of the value starting with c, or "" if no value
// starts with c.
func bjKind(c byte) string {
	switch c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "number"
	}
	return ""
}

// bjSnippet returns b for an error message, shortened if long.
func bjSnippet(b []byte) string {
	const max = 64
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// bjUnescape appends the content of a JSON string, already validated by
// bjLex.str, with its escapes resolved. Like encoding/json it turns a
// surrogate escape that is not half of a pair into U+FFFD.
func bjUnescape(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		c = s[i+1]
		i += 2
		switch c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := bjHex4(s[i:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2 = bjHex4(s[i+2:])
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
	}
	return dst
}

// bjHex4 decodes four hex digits, already validated.
func bjHex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// bjMaxDepth is how deeply arrays and objects may nest, as in encoding/json.
const bjMaxDepth = 10000

// bjValidate checks that src is exactly one valid JSON value, surrounded by
// optional whitespace, in valid UTF-8. It returns the first syntax error.
func bjValidate(src []byte) *BoardError {
	l := bjLex{src: src}
	var stack []byte // open containers: '{' or '['
	for {
		// Read a value, or open a container and go on to its first value.
		l.ws()
		if l.pos >= len(src) {
			return l.syntaxErr("looking for value")
		}
		var err *BoardError
		switch c := src[l.pos]; c {
		case '{', '[':
			if len(stack) >= bjMaxDepth {
				return &BoardError{Offset: l.pos, Msg: "exceeded max depth"}
			}
			l.pos++
			l.ws()
			if l.pos < len(src) && src[l.pos] == c+2 { // '}' or ']'
				l.pos++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				err = l.objKey()
			}
			if err != nil {
				return err
			}
			continue
		case '"':
			_, _, _, err = l.str()
		case 't':
			err = l.literal("true")
		case 'f':
			err = l.literal("false")
		case 'n':
			err = l.literal("null")
		default:
			if c == '-' || (c >= '0' && c <= '9') {
				_, err = l.number()
			} else {
				err = l.syntaxErr("looking for value")
			}
		}
		if err != nil {
			return err
		}
		// A value has ended: close containers until one has a next value.
		for {
			l.ws()
			if len(stack) == 0 {
				if l.pos < len(src) {
					return l.syntaxErr("after top-level value")
				}
				return nil
			}
			top := stack[len(stack)-1]
			if l.pos < len(src) && src[l.pos] == top+2 { // '}' or ']'
				l.pos++
				stack = stack[:len(stack)-1]
				continue
			}
			if l.pos < len(src) && src[l.pos] == ',' {
				l.pos++
				if top == '{' {
					if err := l.objKey(); err != nil {
						return err
					}
				}
				break
			}
			if top == '{' {
				return l.syntaxErr("after object key:value pair")
			}
			return l.syntaxErr("after array element")
		}
	}
}

// bjLex holds the JSON scanning primitives shared by the decoder and the
// validator. Each reads at pos and leaves pos after what it read.
type bjLex struct {
	src []byte
	pos int
}

// ws skips JSON whitespace.
func (l *bjLex) ws() {
	for l.pos < len(l.src) {
		switch l.src[l.pos] {
		case ' ', '\t', '\n', '\r':
			l.pos++
		default:
			return
		}
	}
}

// objBegin consumes the '{' at pos and reports whether a member follows
// (false after consuming an immediate '}').
func (l *bjLex) objBegin() bool {
	l.pos++
	l.ws()
	if l.pos < len(l.src) && l.src[l.pos] == '}' {
		l.pos++
		return false
	}
	return true
}

// objNext, after a member's value, consumes ',' (true: another member
// follows) or '}' (false).
func (l *bjLex) objNext() (bool, *BoardError) {
	l.ws()
	if l.pos < len(l.src) {
		switch l.src[l.pos] {
		case ',':
			l.pos++
			l.ws()
			return true, nil
		case '}':
			l.pos++
			return false, nil
		}
	}
	return false, l.syntaxErr("after object key:value pair")
}

// arrBegin consumes the '[' at pos and reports whether an element follows.
func (l *bjLex) arrBegin() bool {
	l.pos++
	l.ws()
	if l.pos < len(l.src) && l.src[l.pos] == ']' {
		l.pos++
		return false
	}
	return true
}

// arrNext, after an element, consumes ',' (true: another element follows)
// or ']' (false).
func (l *bjLex) arrNext() (bool, *BoardError) {
	l.ws()
	if l.pos < len(l.src) {
		switch l.src[l.pos] {
		case ',':
			l.pos++
			l.ws()
			return true, nil
		case ']':
			l.pos++
			return false, nil
		}
	}
	return false, l.syntaxErr("after array element")
}

// hasPrefix reports whether the input at pos starts with lit.
func (l *bjLex) hasPrefix(lit string) bool {
	return len(l.src)-l.pos >= len(lit) && string(l.src[l.pos:l.pos+len(lit)]) == lit
}

// smallInt reads an integer of at most 18 digits, which cannot overflow,
// written as Python writes integers. ok is false, and nothing is read, for
// anything else, which the general path then handles.
func (l *bjLex) smallInt() (v int64, ok bool) {
	src, i := l.src, l.pos
	neg := i < len(src) && src[i] == '-'
	if neg {
		i++
	}
	start := i
	for i < len(src) && src[i] >= '0' && src[i] <= '9' && i-start < 18 {
		v = v*10 + int64(src[i]-'0')
		i++
	}
	if i == start || (src[start] == '0' && i-start > 1) {
		return 0, false
	}
	if i < len(src) {
		switch c := src[i]; {
		case c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9'):
			return 0, false
		}
	}
	l.pos = i
	if neg {
		v = -v
	}
	return v, true
}

// objKey skips an object key and the colon after it.
func (l *bjLex) objKey() *BoardError {
	l.ws()
	if l.pos >= len(l.src) || l.src[l.pos] != '"' {
		return l.syntaxErr("looking for beginning of object key string")
	}
	if _, _, _, err := l.str(); err != nil {
		return err
	}
	l.ws()
	if l.pos >= len(l.src) || l.src[l.pos] != ':' {
		return l.syntaxErr("after object key")
	}
	l.pos++
	return nil
}

// str scans the string whose opening quote is at pos. It returns the bounds
// of its content and whether it has escapes.
func (l *bjLex) str() (start, end int, esc bool, err *BoardError) {
	src := l.src
	start = l.pos + 1
	i := start
	for i < len(src) {
		c := src[i]
		if bjPlain[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			l.pos = i + 1
			return start, i, esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(src) {
				l.pos = len(src)
				return 0, 0, false, l.syntaxErr("")
			}
			switch src[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for j := i + 2; j < i+6; j++ {
					if j >= len(src) || !bjIsHex(src[j]) {
						l.pos = j
						return 0, 0, false, l.syntaxErr("in \\u hexadecimal character escape")
					}
				}
				i += 6
			default:
				l.pos = i + 1
				return 0, 0, false, l.syntaxErr("in string escape code")
			}
		case c < 0x20:
			l.pos = i
			return 0, 0, false, l.syntaxErr("in string literal")
		default: // UTF-8 sequence
			if !utf8.FullRune(src[i:]) {
				l.pos = len(src)
				return 0, 0, false, l.syntaxErr("")
			}
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, 0, false, &BoardError{Offset: i, Msg: "invalid UTF-8 in string"}
			}
			i += size
		}
	}
	l.pos = len(src)
	return 0, 0, false, l.syntaxErr("")
}

// number scans a number whose first byte ('-' or a digit) is at pos,
// reporting whether it is an integer (no fraction or exponent).
func (l *bjLex) number() (isInt bool, err *BoardError) {
	src := l.src
	i := l.pos
	if src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && src[i] >= '1' && src[i] <= '9':
		for i++; i < len(src) && src[i] >= '0' && src[i] <= '9'; i++ {
		}
	default:
		l.pos = i
		return false, l.syntaxErr("in numeric literal")
	}
	isInt = true
	if i < len(src) && src[i] == '.' {
		isInt = false
		i++
		if i >= len(src) || src[i] < '0' || src[i] > '9' {
			l.pos = i
			return false, l.syntaxErr("after decimal point in numeric literal")
		}
		for i++; i < len(src) && src[i] >= '0' && src[i] <= '9'; i++ {
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		isInt = false
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i >= len(src) || src[i] < '0' || src[i] > '9' {
			l.pos = i
			return false, l.syntaxErr("in exponent of numeric literal")
		}
		for i++; i < len(src) && src[i] >= '0' && src[i] <= '9'; i++ {
		}
	}
	l.pos = i
	return isInt, nil
}

// literal scans the literal word (true, false or null) at pos.
func (l *bjLex) literal(word string) *BoardError {
	for k := 0; k < len(word); k++ {
		if l.pos >= len(l.src) || l.src[l.pos] != word[k] {
			return l.syntaxErr("in literal " + word)
		}
		l.pos++
	}
	return nil
}

// syntaxErr reports the byte at pos as unexpected in the given context, or
// the end of the input if pos is there.
func (l *bjLex) syntaxErr(context string) *BoardError {
	if l.pos >= len(l.src) {
		return &BoardError{Offset: len(l.src), Msg: "unexpected end of JSON input"}
	}
	c := l.src[l.pos]
	var msg string
	switch {
	case c == 0:
		msg = "unexpected NUL byte " + context
	case c >= utf8.RuneSelf:
		msg = fmt.Sprintf("invalid byte 0x%02x %s", c, context)
	default:
		msg = "invalid character " + bjQuoteChar(c) + " " + context
	}
	return &BoardError{Offset: l.pos, Msg: msg}
}

// bjQuoteChar quotes an ASCII byte for a message.
func bjQuoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c < 0x20 || c == 0x7f:
		return fmt.Sprintf(`'\x%02x'`, c)
	}
	return "'" + string(rune(c)) + "'"
}

// bjIsHex reports whether c is a hex digit.
func bjIsHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// A BoardError says why a data region is not a valid board.
type BoardError struct {
	Offset int    // byte offset in src where the problem was found
	Schema bool   // true: the text is valid JSON but not the board's schema (e.g. a torn write left a field out)
	Msg    string // e.g. `missing key "stats"`, `invalid character 'x' looking for value`
}

// Error returns "board: offset N: MSG".
func (e *BoardError) Error() string {
	return fmt.Sprintf("board: offset %d: %s", e.Offset, e.Msg)
}
