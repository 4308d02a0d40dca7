package trace

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// refPatch applies a delta the obvious way, from a snapshot of the old
// region; it is the specification Patch is tested against.
func refPatch(mem, delta []byte) ([]byte, bool) {
	old := bytes.Clone(mem)
	out := bytes.Clone(mem)
	cur := 0
	for len(delta) > 0 {
		skip, k := binary.Uvarint(delta)
		if k <= 0 {
			return nil, false
		}
		delta = delta[k:]
		h, k := binary.Uvarint(delta)
		if k <= 0 {
			return nil, false
		}
		delta = delta[k:]
		n := h >> 1
		if skip > uint64(len(mem)) || n == 0 || n > uint64(len(mem)) || cur+int(skip)+int(n) > len(mem) {
			return nil, false
		}
		off := cur + int(skip)
		if h&1 == 0 {
			if uint64(len(delta)) < n {
				return nil, false
			}
			copy(out[off:], delta[:n])
			delta = delta[n:]
		} else {
			shift, k := binary.Varint(delta)
			if k <= 0 || shift == 0 || shift < -int64(off) || shift > int64(len(mem)) || int64(off)+shift+int64(n) > int64(len(mem)) {
				return nil, false
			}
			delta = delta[k:]
			src := off + int(shift)
			copy(out[off:off+int(n)], old[src:src+int(n)])
		}
		cur = off + int(n)
	}
	return out, true
}

// checkDiff diffs old and new (a window of a larger region at base), and
// checks that Patch, refPatch and Hunks agree with new.
func checkDiff(t testing.TB, name string, old, new []byte) []byte {
	t.Helper()
	const base = 5
	region := func(w []byte) []byte {
		r := append(bytes.Repeat([]byte{'#'}, base), w...)
		return append(r, "tail"...)
	}
	delta := Diff(nil, base, old, new)
	mem := region(old)
	if err := Patch(mem, delta); err != nil {
		t.Fatalf("%s: Patch: %v", name, err)
	}
	if want := region(new); !bytes.Equal(mem, want) {
		t.Fatalf("%s: Patch(old, Diff(old, new)) != new\nold %q\nnew %q\ngot %q", name, old, new, mem[base:base+len(new)])
	}
	if ref, ok := refPatch(region(old), delta); !ok || !bytes.Equal(ref, mem) {
		t.Fatalf("%s: refPatch disagrees (ok %v)", name, ok)
	}
	hs, err := Hunks(delta, mem)
	if err != nil {
		t.Fatalf("%s: Hunks: %v", name, err)
	}
	oldMem := region(old)
	for _, h := range hs {
		if !bytes.Equal(mem[h.Off:h.Off+len(h.Bytes)], h.Bytes) {
			t.Fatalf("%s: hunk at %d does not show the bytes written", name, h.Off)
		}
		if h.Src >= 0 && !bytes.Equal(oldMem[h.Src:h.Src+len(h.Bytes)], h.Bytes) {
			t.Fatalf("%s: copy hunk at %d does not come from %d", name, h.Off, h.Src)
		}
		if h.Off < base || h.Off+len(h.Bytes) > base+len(new) {
			t.Fatalf("%s: hunk [%d, %d) outside the window", name, h.Off, h.Off+len(h.Bytes))
		}
	}
	if bytes.Equal(old, new) && len(delta) != 0 {
		t.Fatalf("%s: equal windows gave a %d-byte delta", name, len(delta))
	}
	return delta
}

func randBytes(r *rand.Rand, n, alphabet int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(alphabet))
	}
	return b
}

// mutate returns a copy of old, of the same length, changed by a few
// random edits: replacements, insertions (the rest shifts right),
// deletions (the rest shifts left) and moved blocks.
func mutate(r *rand.Rand, old []byte, alphabet int) []byte {
	n := len(old)
	b := bytes.Clone(old)
	if n == 0 {
		return b
	}
	for range 1 + r.IntN(4) {
		at := r.IntN(n)
		k := 1 + r.IntN(min(n, 300))
		switch r.IntN(4) {
		case 0: // replace
			copy(b[at:], randBytes(r, k, alphabet))
		case 1: // insert
			b = append(b[:at:at], append(randBytes(r, k, alphabet), b[at:]...)...)[:n]
		case 2: // delete
			b = append(b[:at:at], append(b[min(n, at+k):], randBytes(r, k, alphabet)...)...)[:n]
		case 3: // move a block
			from := r.IntN(n)
			copy(b[at:], bytes.Clone(b[from:min(n, from+k)]))
		}
	}
	return b
}

func TestDiffPatchRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for iter := range 3000 {
		n := []int{0, 1, 2, 7, 8, 9, 31, 100, 1000, 5000}[iter%10]
		alphabet := []int{2, 4, 16, 256}[iter/10%4]
		old := randBytes(r, n, alphabet)
		var new []byte
		switch iter / 40 % 3 {
		case 0:
			new = mutate(r, old, alphabet)
		case 1:
			new = randBytes(r, n, alphabet)
		case 2:
			new = bytes.Clone(old)
			if n > 0 && r.IntN(2) == 0 {
				new[r.IntN(n)] ^= 1
			}
		}
		checkDiff(t, fmt.Sprintf("iter %d (n %d, alphabet %d)", iter, n, alphabet), old, new)
	}
}

// A change of a few bytes in place is told as one literal without a
// search: the same delta the search finds.
func TestDiffSmallChangeNeedsNoSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 20000; n++ {
		old := make([]byte, 1+rng.IntN(24))
		for k := range old {
			old[k] = byte(rng.IntN(3)) // few values: runs of equal bytes
		}
		new := append([]byte(nil), old...)
		// One byte changed, and another up to 9 bytes on: the window
		// between them is sometimes small enough for no search, sometimes
		// not.
		at := rng.IntN(len(new))
		new[at] ^= 1
		if k := at + rng.IntN(10); k < len(new) {
			new[k] ^= 2
		}
		i := commonPrefix(old, new)
		if i == len(new) {
			continue
		}
		end := len(new) - commonSuffix(old[i:], new[i:])
		slow := (&differ{base: 100, old: old, new: new}).search(i, end)
		if got := Diff(nil, 100, old, new); !bytes.Equal(got, slow) {
			t.Fatalf("Diff(%x, %x) = %x, the search gives %x", old, new, got, slow)
		}
	}
}

func TestDiffUnequalLengths(t *testing.T) {
	old := []byte("hello, world")
	for _, new := range []string{"hello", "hello, world and more", ""} {
		delta := Diff(nil, 0, old, []byte(new))
		mem := make([]byte, max(len(old), len(new)))
		copy(mem, old)
		if err := Patch(mem, delta); err != nil {
			t.Fatalf("%q: %v", new, err)
		}
		if !bytes.HasPrefix(mem, []byte(new)) {
			t.Errorf("%q: got %q", new, mem)
		}
	}
}

// Hand-made deltas whose copies overlap their own sources and each other's
// destinations, in every direction.
func TestPatchOverlaps(t *testing.T) {
	lit := func(skip, n int, b string) []byte {
		d := binary.AppendUvarint(nil, uint64(skip))
		d = binary.AppendUvarint(d, uint64(n)<<1)
		return append(d, b...)
	}
	cp := func(skip, n, shift int) []byte {
		d := binary.AppendUvarint(nil, uint64(skip))
		d = binary.AppendUvarint(d, uint64(n)<<1|1)
		return binary.AppendVarint(d, int64(shift))
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	cases := []struct {
		name  string
		delta []byte
		want  string
	}{
		{"shift right after a literal", cat(lit(2, 2, "ab"), cp(0, 6, -2)), "01ab234567"},
		{"shift left then literal", cat(cp(0, 8, 2), lit(0, 2, "xy")), "23456789xy"},
		{"shift right by one", cp(1, 9, -1), "0012345678"},
		{"shift left by one", cp(0, 9, 1), "1234567899"},
		{"swap halves", cat(cp(0, 5, 5), cp(0, 5, -5)), "5678901234"},
		{"chain left", cat(cp(0, 3, 3), cp(0, 3, 3)), "3456786789"},
		{"chain right", cat(cp(3, 3, -3), cp(0, 3, -3)), "0120123459"},
		{"rotate three", cat(cp(0, 3, 3), cp(0, 3, 3), cp(0, 3, -6)), "3456780129"},
		{"copy then literal over its source", cat(cp(0, 3, 5), lit(2, 3, "XYZ")), "56734XYZ89"},
	}
	for _, c := range cases {
		mem := []byte("0123456789")
		ref, ok := refPatch(mem, c.delta)
		if !ok || string(ref) != c.want {
			t.Fatalf("%s: refPatch = %q, %v; the test is wrong", c.name, ref, ok)
		}
		if err := Patch(mem, c.delta); err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else if string(mem) != c.want {
			t.Errorf("%s: got %q, want %q", c.name, mem, c.want)
		}
	}
}

func TestPatchErrors(t *testing.T) {
	cases := map[string][]byte{
		"cut varint":         {0x80},
		"no length":          {0},
		"empty hunk":         {0, 0},
		"skip past the end":  {11, 2, 'a'},
		"hunk past the end":  {8, 3 << 1, 'a', 'b', 'c'},
		"literal cut":        {0, 5 << 1, 'a'},
		"copy onto itself":   {0, 2<<1 | 1, 0},
		"copy from before 0": {1, 2<<1 | 1, 3}, // shift -2
		"copy from past end": {5, 3<<1 | 1, 6}, // shift +3
		"copy shift cut":     {0, 2<<1 | 1, 0x80},
		"good then bad":      {0, 1 << 1, 'z', 0, 0},
		"huge skip":          {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2, 'a'},
		"huge length":        {0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"huge shift":         {0, 2<<1 | 1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	}
	for name, delta := range cases {
		mem := []byte("0123456789")
		if err := Patch(mem, delta); err == nil || !strings.HasPrefix(err.Error(), "trace: delta: ") {
			t.Errorf("%s: Patch = %v, want a trace: delta: error", name, err)
		}
		if string(mem) != "0123456789" {
			t.Errorf("%s: Patch changed mem to %q on error", name, mem)
		}
		if _, err := Hunks(delta, mem); err == nil {
			t.Errorf("%s: Hunks accepted it", name)
		}
		if _, ok := refPatch(mem, delta); ok {
			t.Errorf("%s: refPatch accepted it; the test is wrong", name)
		}
	}
}

// The realistic workload: the data region holds a 4-byte length and a JSON
// text of orders and stats.

type order struct {
	id, mesa   int
	item       string
	ts         float64
	status     string
	prod, cons int
}

type kitchen struct {
	orders                   []order
	created, processed, fila int
}

var items = []string{"Pizza Margherita", "Hamburguer", "Salada Caesar", "Lasanha", "Sopa do Dia", "Risoto de Cogumelos", "Bife a Cavalo", "Pastel de Queijo"}

// newKitchen returns a state whose JSON is about size bytes.
func newKitchen(r *rand.Rand, size int) *kitchen {
	k := &kitchen{}
	for len(k.json()) < size {
		k.add(r)
	}
	for i := range k.orders[:len(k.orders)/3] {
		k.orders[i].status = "Pronto"
		k.orders[i].cons = 1 + r.IntN(3)
		k.processed++
		k.fila--
	}
	return k
}

func (k *kitchen) add(r *rand.Rand) {
	p := 1 + r.IntN(3)
	n := 1
	for _, o := range k.orders {
		if o.prod == p {
			n++
		}
	}
	ts := 1760977200.0
	if len(k.orders) > 0 {
		ts = k.orders[len(k.orders)-1].ts + r.Float64()*3
	}
	k.orders = append(k.orders, order{id: p*10000 + n, mesa: 1 + r.IntN(20), item: items[r.IntN(len(items))], ts: ts, status: "Pendente", prod: p, cons: -1})
	k.created++
	k.fila++
}

func (k *kitchen) json() []byte {
	var b strings.Builder
	b.WriteString(`{"pedidos":[`)
	for i, o := range k.orders {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"mesa":%d,"item":%q,"timestamp":%.6f,"status":%q,"produtor_id":%d,"consumidor_id":%d}`,
			o.id, o.mesa, o.item, o.ts, o.status, o.prod, o.cons)
	}
	fmt.Fprintf(&b, `],"stats":{"total_criados":%d,"total_processados":%d,"em_fila":%d}}`, k.created, k.processed, k.fila)
	return []byte(b.String())
}

// regionSize is the data region of the measurements: a 4-byte length and
// up to 20 KB of JSON.
const regionSize = 4 + 20<<10

func (k *kitchen) region() []byte {
	js := k.json()
	mem := make([]byte, regionSize)
	binary.LittleEndian.PutUint32(mem, uint32(len(js)))
	copy(mem[4:], js)
	return mem
}

// realisticWrites returns the region before and after each typical write,
// for a JSON text of about size bytes.
func realisticWrites(size int) (names []string, olds, news [][]byte) {
	r := rand.New(rand.NewPCG(uint64(size), 9))
	k := newKitchen(r, size)
	before := k.region()

	// A producer appends an order.
	k.add(r)
	names, olds, news = append(names, "append"), append(olds, before), append(news, k.region())
	k.orders = k.orders[:len(k.orders)-1]
	k.created--
	k.fila--

	// A consumer takes the oldest pending order: 2 bytes longer.
	for i := range k.orders {
		if k.orders[i].status == "Pendente" {
			k.orders[i].status = "Em Preparo"
			k.orders[i].cons = 2
			k.fila--
			break
		}
	}
	names, olds, news = append(names, "status"), append(olds, before), append(news, k.region())

	// The window drops its two oldest orders.
	k = newKitchen(rand.New(rand.NewPCG(uint64(size), 9)), size)
	k.orders = k.orders[2:]
	k.processed++
	names, olds, news = append(names, "drop"), append(olds, before), append(news, k.region())
	return names, olds, news
}

func TestDiffRealistic(t *testing.T) {
	for _, size := range []int{7 << 10, 19500} {
		names, olds, news := realisticWrites(size)
		for i, name := range names {
			delta := checkDiff(t, name, olds[i], news[i])
			changed := 0
			for j := range olds[i] {
				if olds[i][j] != news[i][j] {
					changed++
				}
			}
			t.Logf("%5d-byte JSON, %-6s: delta %4d bytes (%d bytes of memory changed)", size, name, len(delta), changed)
			// Generous bounds: an appended order is ~150 bytes of new text;
			// the other writes are a few bytes of news plus shifts.
			limit := map[string]int{"append": 100, "status": 50, "drop": 50}[name]
			if len(delta) > limit {
				t.Errorf("%d-byte JSON, %s: delta is %d bytes, want ≤ %d", size, name, len(delta), limit)
			}
		}
	}
}

func BenchmarkDiff(b *testing.B) {
	for _, size := range []int{7 << 10, 19500} {
		names, olds, news := realisticWrites(size)
		for i, name := range names {
			b.Run(fmt.Sprintf("%dKB/%s", size>>10, name), func(b *testing.B) {
				var dst []byte
				b.SetBytes(int64(len(olds[i])))
				for b.Loop() {
					dst = Diff(dst[:0], 0, olds[i], news[i])
				}
				b.ReportMetric(float64(len(dst)), "delta-bytes")
			})
		}
	}
}

func BenchmarkPatch(b *testing.B) {
	names, olds, news := realisticWrites(19500)
	for i, name := range names {
		b.Run(name, func(b *testing.B) {
			delta := Diff(nil, 0, olds[i], news[i])
			mem := bytes.Clone(olds[i])
			for b.Loop() {
				copy(mem, olds[i])
				if err := Patch(mem, delta); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A delta written piece by piece patches old into new, like Diff's.
func TestDeltaWriter(t *testing.T) {
	old := []byte("0123456789abcdefghijABCDEFGHIJ")
	new := []byte("0123XY456789abcdefghijABCDEFGH") // "XY" inserted, the rest shifted right by 2
	var d DeltaWriter
	d.Reset(nil)
	d.Copy(0, 4, 0)            // unchanged: costs nothing
	d.Literal(4, []byte("XY")) // new bytes
	d.Copy(6, 10, 4)           // "456789abcd" moved right
	d.Copy(16, 14, 14)         // merged with the copy before: same shift
	mem := append([]byte(nil), old...)
	if err := Patch(mem, d.Bytes()); err != nil {
		t.Fatal(err)
	}
	if string(mem) != string(new) {
		t.Fatalf("patched %q; want %q", mem, new)
	}
	hunks, err := Hunks(d.Bytes(), mem)
	if err != nil || len(hunks) != 2 {
		t.Fatalf("hunks %v, %v; want a literal and one merged copy", hunks, err)
	}
}
