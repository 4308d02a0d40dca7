package shm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The golden data in this file and in testdata/python_floats.txt and
// testdata/board_golden.json was generated once with python3 (3.11) from the
// same values, using json.dumps(x, ensure_ascii=False, separators=(',', ':')).

// bjMenu is the original's menu.
var bjMenu = [...]string{
	"Pizza Margherita", "Hambúrguer Artesanal", "Salada Caesar", "Spaghetti Carbonara",
	"Risoto de Cogumelos", "Filé Mignon", "Sushi Variado", "Lasanha Bolonhesa",
	"Frango Grelhado", "Peixe Assado",
}

// bjGoldenBoard is the board in testdata/board_golden.json.
var bjGoldenBoard = Board{
	Orders: []Order{
		{ID: 10001, Table: 1, Item: "Pizza Margherita", Timestamp: 1760977200.123456, Status: StatusPending, Producer: 1, Consumer: -1},
		{ID: 20001, Table: 8, Item: "Hambúrguer Artesanal", Timestamp: 1760977200.0, Status: StatusInPrep, Producer: 2, Consumer: 2},
		{ID: 30001, Table: 15, Item: "Salada Caesar", Timestamp: 1760977201.5, Status: StatusDone, Producer: 3, Consumer: 3},
		{ID: 10002, Table: 2, Item: "Spaghetti Carbonara", Timestamp: 1760977202.25, Status: StatusCancelled, Producer: 1, Consumer: 4},
		{ID: 20002, Table: 9, Item: "Risoto de Cogumelos", Timestamp: 1760977203.125, Status: StatusPending, Producer: 2, Consumer: -1},
		{ID: 30002, Table: 16, Item: "Filé Mignon", Timestamp: 1760977204.1, Status: StatusInPrep, Producer: 3, Consumer: 6},
		{ID: 10003, Table: 3, Item: "Sushi Variado", Timestamp: 1760977205.12, Status: StatusDone, Producer: 1, Consumer: 7},
		{ID: 20003, Table: 10, Item: "Lasanha Bolonhesa", Timestamp: 1760977206.1234567, Status: StatusCancelled, Producer: 2, Consumer: 8},
		{ID: 30003, Table: 17, Item: "Frango Grelhado", Timestamp: 1760977207.12345, Status: StatusPending, Producer: 3, Consumer: -1},
		{ID: 10004, Table: 4, Item: "Peixe Assado", Timestamp: 1729443723.45, Status: StatusInPrep, Producer: 1, Consumer: 2},
		{ID: 20004, Table: 11, Item: "Suco \"natural\"", Timestamp: 1729443723.0, Status: StatusDone, Producer: 2, Consumer: 3},
		{ID: 30004, Table: 18, Item: "Café\\Leite", Timestamp: 0.0, Status: StatusCancelled, Producer: 3, Consumer: 4},
		{ID: 10005, Table: 5, Item: "Pão\x09de queijo", Timestamp: 1e-05, Status: StatusPending, Producer: 1, Consumer: -1},
		{ID: 20005, Table: 12, Item: "Água\x0a", Timestamp: 1e+16, Status: StatusInPrep, Producer: 2, Consumer: 6},
		{ID: 30005, Table: 19, Item: "\x00\x07", Timestamp: 1.5e+300, Status: StatusDone, Producer: 3, Consumer: 7},
		{ID: 10006, Table: 6, Item: "Crème brûlée 🍮", Timestamp: 0.1, Status: StatusCancelled, Producer: 1, Consumer: 8},
	},
	Stats: Stats{Created: 16, Processed: 8, Queued: 4},
}

// bjFloatGolden pairs floats with Python's repr of them.
var bjFloatGolden = []struct {
	f    float64
	want string
}{
	{0.0, "0.0"},
	{1.0, "1.0"},
	{0.1, "0.1"},
	{0.5, "0.5"},
	{0.3, "0.3"},
	{0.3333333333333333, "0.3333333333333333"},
	{0.6666666666666666, "0.6666666666666666"},
	{-1.5, "-1.5"},
	{100.0, "100.0"},
	{12345.678, "12345.678"},
	{1729443723.45, "1729443723.45"},
	{1729443723.0, "1729443723.0"},
	{1760977200.0, "1760977200.0"},
	{1760977200.1, "1760977200.1"},
	{1760977200.12, "1760977200.12"},
	{1760977200.123, "1760977200.123"},
	{1760977200.1234, "1760977200.1234"},
	{1760977200.12345, "1760977200.12345"},
	{1760977200.123456, "1760977200.123456"},
	{1760977200.1234567, "1760977200.1234567"},
	{1760977200.9999999, "1760977201.0"},
	{1761000000.000001, "1761000000.000001"},
	{1700000000.0, "1700000000.0"},
	{1000000000000000.0, "1000000000000000.0"},
	{9999999999999998.0, "9999999999999998.0"},
	{1e+16, "1e+16"},
	{2.000000000000001e+16, "2.000000000000001e+16"},
	{1.5e+16, "1.5e+16"},
	{1.2345678901234568e+17, "1.2345678901234568e+17"},
	{1e+22, "1e+22"},
	{1e+23, "1e+23"},
	{1e+100, "1e+100"},
	{1.5e+300, "1.5e+300"},
	{1.7976931348623157e+308, "1.7976931348623157e+308"},
	{0.001, "0.001"},
	{0.0001, "0.0001"},
	{0.00012345, "0.00012345"},
	{9.9e-05, "9.9e-05"},
	{1.5e-05, "1.5e-05"},
	{1e-05, "1e-05"},
	{1e-07, "1e-07"},
	{1.23456e-08, "1.23456e-08"},
	{-0.0001, "-0.0001"},
	{-1e-05, "-1e-05"},
	{2.2250738585072014e-308, "2.2250738585072014e-308"},
	{5e-324, "5e-324"},
	{1e-320, "1e-320"},
	{0.30000000000000004, "0.30000000000000004"},
	{1e+21, "1e+21"},
	{1e-10, "1e-10"},
	{12.0, "12.0"},
	{3.141592653589793, "3.141592653589793"},
	{255.5, "255.5"},
	{0.0009765625, "0.0009765625"},
	{math.Copysign(0, -1), "-0.0"},
	{math.NaN(), "NaN"},
	{math.Inf(1), "Infinity"},
	{math.Inf(-1), "-Infinity"},
}

// bjStringGolden pairs strings with Python's JSON for them.
var bjStringGolden = []struct {
	s    string
	want string
}{
	{"Hambúrguer Artesanal", "\"Hambúrguer Artesanal\""},
	{"Filé Mignon", "\"Filé Mignon\""},
	{"Concluído", "\"Concluído\""},
	{"Em Preparo", "\"Em Preparo\""},
	{"say \"hi\"", "\"say \\\"hi\\\"\""},
	{"back\\slash\\", "\"back\\\\slash\\\\\""},
	{"tab\x09here", "\"tab\\there\""},
	{"nl\x0ax", "\"nl\\nx\""},
	{"\x0d\x08\x0c", "\"\\r\\b\\f\""},
	{"\x00\x01\x1f\x7f", "\"\\u0000\\u0001\\u001f\x7f\""},
	{"emoji 😀", "\"emoji 😀\""},
	{"\u2028\u2029", "\"\u2028\u2029\""},
	{"日本語", "\"日本語\""},
	{"/slash/", "\"/slash/\""},
	{"", "\"\""},
	{"ção à la carte", "\"ção à la carte\""},
	{"<script>&amp;</script>", "\"<script>&amp;</script>\""},
	{"\x1b[31m", "\"\\u001b[31m\""},
	{"mixed \"é\\\x09\" end", "\"mixed \\\"é\\\\\\t\\\" end\""},
	{"\ufeffbom", "\"\ufeffbom\""},
	{"\u0080ÿ߿ࠀ\uffff\U0010ffff", "\"\u0080ÿ߿ࠀ\uffff\U0010ffff\""},
	// Not reachable from Python, whose strings are never invalid UTF-8.
	{"bad\xffbyte", "\"bad\uFFFDbyte\""},
}

// bjTestBoard returns a realistic board of n orders, the same for the same
// seed.
func bjTestBoard(n int, seed uint64) *Board {
	r := rand.New(rand.NewPCG(seed, 1))
	b := &Board{Orders: make([]Order, 0, n)}
	var seq [5]int
	for i := 0; i < n; i++ {
		p := 1 + r.IntN(4)
		seq[p]++
		st := Status(1 + r.IntN(4))
		cons := -1
		if st != StatusPending {
			cons = 1 + r.IntN(8)
		}
		// A timestamp with 6 decimals, as time.time() mostly prints.
		ts := float64(1760977200_000000+int64(i)*137_000+r.Int64N(100_000)) / 1e6
		b.Orders = append(b.Orders, Order{
			ID: OrderID(p, seq[p]), Table: 1 + r.IntN(20), Item: bjMenu[r.IntN(len(bjMenu))],
			Timestamp: ts, Status: st, Producer: p, Consumer: cons,
		})
	}
	b.Stats = Stats{Created: int64(n + 40), Processed: 40, Queued: int64(n / 3)}
	return b
}

// bjRandomBoard returns a board with adversarial content: odd strings,
// floats of every magnitude, extreme integers. It never holds NaN, infinities
// or invalid UTF-8, which do not survive a round trip.
func bjRandomBoard(r *rand.Rand) *Board {
	runes := []rune("aZ09 \"\\/\b\f\n\r\t\x00\x01\x1f\x7féçãü€😀\u2028\uFFFD\U0010FFFF日")
	randInt := func() int64 {
		switch r.IntN(6) {
		case 0:
			return math.MaxInt64
		case 1:
			return math.MinInt64
		case 2:
			return int64(r.Uint64())
		}
		return r.Int64N(100) - 1
	}
	randFloat := func() float64 {
		switch r.IntN(5) {
		case 0:
			for {
				f := math.Float64frombits(r.Uint64())
				if !math.IsNaN(f) && !math.IsInf(f, 0) {
					return f
				}
			}
		case 1:
			return float64(r.IntN(3)) * math.Pow(10, float64(r.IntN(40)-20))
		case 2:
			return math.Copysign(0, -1)
		}
		f := 1760977200 + r.Float64()*1e6
		return math.Round(f*1e7) / math.Pow(10, float64(r.IntN(8)))
	}
	b := &Board{}
	n := r.IntN(12)
	if n > 0 {
		b.Orders = make([]Order, n)
	}
	for i := range b.Orders {
		item := bjMenu[r.IntN(len(bjMenu))]
		if r.IntN(2) == 0 {
			rs := make([]rune, r.IntN(10))
			for k := range rs {
				rs[k] = runes[r.IntN(len(runes))]
			}
			item = string(rs)
		}
		b.Orders[i] = Order{
			ID: randInt(), Table: int(randInt()), Item: item, Timestamp: randFloat(),
			Status: Status(1 + r.IntN(4)), Producer: int(randInt()), Consumer: int(randInt()),
		}
	}
	b.Stats = Stats{Created: randInt(), Processed: randInt(), Queued: randInt()}
	return b
}

// bjCmpOpts compare boards, treating a nil and an empty order list alike.
var bjCmpOpts = cmp.Options{cmpopts.EquateEmpty()}

func TestBoardStatus(t *testing.T) {
	for s, word := range map[Status]string{
		StatusPending: "Pendente", StatusInPrep: "Em Preparo", StatusDone: "Concluído", StatusCancelled: "Cancelado",
	} {
		if got := s.String(); got != word {
			t.Errorf("Status(%d).String() = %q, want %q", s, got, word)
		}
		if got, ok := ParseStatus([]byte(word)); !ok || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", word, got, ok)
		}
	}
	for _, s := range []Status{StatusNone, 5, 255} {
		if got := s.String(); got != "?" {
			t.Errorf("Status(%d).String() = %q, want \"?\"", s, got)
		}
	}
	for _, w := range []string{"", "?", "pendente", "Concluido", "Em preparo", "Pendente "} {
		if s, ok := ParseStatus([]byte(w)); ok {
			t.Errorf("ParseStatus(%q) = %v, true", w, s)
		}
	}
}

func TestBoardOrderID(t *testing.T) {
	for _, c := range []struct {
		p, n int
		id   int64
	}{
		{1, 1, 10001}, {12, 7, 120007}, {1, 12345, 112345}, {3, 9999, 39999}, {3, 10000, 310000},
		{0, 1, 1}, {8, 0, 80000}, {2, 100000, 2100000}, {-1, 1, -10001},
	} {
		if got := OrderID(c.p, c.n); got != c.id {
			t.Errorf("OrderID(%d, %d) = %d, want %d", c.p, c.n, got, c.id)
		}
		// The original's definition, spelled out.
		want, _ := strconv.ParseInt(fmt.Sprintf("%d%04d", c.p, c.n), 10, 64)
		if want != c.id {
			t.Errorf("test case (%d, %d): python says %d", c.p, c.n, want)
		}
		if c.p > 0 {
			if n, ok := OrderSeq(c.id, c.p); !ok || n != c.n {
				t.Errorf("OrderSeq(%d, %d) = %d, %v, want %d, true", c.id, c.p, n, ok, c.n)
			}
		}
	}
	for _, c := range []struct {
		id int64
		p  int
	}{{10001, 2}, {1, 1}, {5, 12}, {-10001, 1}, {20001, 21}} {
		if n, ok := OrderSeq(c.id, c.p); ok {
			t.Errorf("OrderSeq(%d, %d) = %d, true; want false", c.id, c.p, n)
		}
	}
	if n, ok := OrderSeq(10001, 10); ok { // OrderID(10, 1) is 100001
		t.Errorf("OrderSeq(10001, 10) = %d, true; want false", n)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000; i++ {
		p, n := 1+r.IntN(1000), r.IntN(1_000_000)
		if got, ok := OrderSeq(OrderID(p, n), p); !ok || got != n {
			t.Fatalf("OrderSeq(OrderID(%d, %d)) = %d, %v", p, n, got, ok)
		}
	}
}

func TestBoardFloatGolden(t *testing.T) {
	for _, c := range bjFloatGolden {
		if got := string(bjAppendFloat(nil, c.f)); got != c.want {
			t.Errorf("float %v: got %s, python %s", c.f, got, c.want)
		}
	}
	f, err := os.Open(filepath.Join("testdata", "python_floats.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		hex, want, ok := strings.Cut(line, " ")
		bits, err := strconv.ParseUint(hex, 16, 64)
		if !ok || err != nil {
			t.Fatalf("bad line %q", line)
		}
		fl := math.Float64frombits(bits)
		if got := string(bjAppendFloat(nil, fl)); got != want {
			t.Errorf("float %016x (%v): got %s, python %s", bits, fl, got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 5000 {
		t.Fatalf("only %d golden floats", n)
	}
}

func TestBoardStringGolden(t *testing.T) {
	for _, c := range bjStringGolden {
		if got := string(bjAppendString(nil, c.s)); got != c.want {
			t.Errorf("string %q: got %s, python %s", c.s, got, c.want)
		}
	}
}

func TestBoardGolden(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "board_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendBoardJSON(nil, &bjGoldenBoard); !bytes.Equal(got, golden) {
		t.Errorf("AppendBoardJSON differs from python:\n got %s\nwant %s", got, golden)
	}
	var d BoardDecoder
	var b Board
	if err := d.Decode(golden, &b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(bjGoldenBoard, b); diff != "" {
		t.Errorf("Decode(golden) mismatch (-want +got):\n%s", diff)
	}
	// The other parts of the format, also from python.
	empty := &Board{}
	if got, want := string(AppendBoardJSON(nil, empty)), `{"pedidos":[],"stats":{"total_criados":0,"total_processados":0,"em_fila":0}}`; got != want {
		t.Errorf("empty board: got %s, want %s", got, want)
	}
	// AppendBoardJSON appends.
	if got := AppendBoardJSON([]byte("x"), empty); got[0] != 'x' || got[1] != '{' {
		t.Errorf("AppendBoardJSON does not append: %s", got)
	}
}

// TestBoardPython checks random adversarial boards against the real
// python3, when it is installed: Python must read AppendBoardJSON's output
// and write it back byte for byte.
func TestBoardPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || testing.Short() {
		t.Skip("python3 not available or -short")
	}
	const script = `import json, sys
for line in sys.stdin.buffer:
    line = line.rstrip(b"\n")
    out = json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    print("ok" if out == line else "MISMATCH " + out.decode("utf-8", "replace"))
`
	r := rand.New(rand.NewPCG(7, 7))
	var in bytes.Buffer
	var lines []string
	for i := 0; i < 2000; i++ {
		b := bjRandomBoard(r)
		if i%10 == 0 {
			b = bjTestBoard(i/10, uint64(i))
		}
		line := AppendBoardJSON(nil, b)
		lines = append(lines, string(line))
		in.Write(line)
		in.WriteByte('\n')
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	results := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(results) != len(lines) {
		t.Fatalf("python3 answered %d lines for %d", len(results), len(lines))
	}
	for i, res := range results {
		if res != "ok" {
			t.Errorf("line %d:\n   go %s\npython %s", i, lines[i], strings.TrimPrefix(res, "MISMATCH "))
		}
	}
}

func TestBoardRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var d BoardDecoder
	var got Board
	var buf []byte
	for i := 0; i < 5000; i++ {
		want := bjRandomBoard(r)
		buf = AppendBoardJSON(buf[:0], want)
		if err := d.Decode(buf, &got); err != nil {
			t.Fatalf("Decode(%s): %v", buf, err)
		}
		if diff := cmp.Diff(want, &got, bjCmpOpts); diff != "" {
			t.Fatalf("round trip of %s (-want +got):\n%s", buf, diff)
		}
		for k := range want.Orders { // cmp treats -0 and 0 alike
			if math.Signbit(want.Orders[k].Timestamp) != math.Signbit(got.Orders[k].Timestamp) {
				t.Fatalf("sign of zero lost in %s", buf)
			}
		}
	}
}

// TestBoardDecodeAccepts decodes valid spellings of boards other than the
// one Python writes.
func TestBoardDecodeAccepts(t *testing.T) {
	one := func(o Order, s Stats) Board { return Board{Orders: []Order{o}, Stats: s} }
	base := Order{ID: 10001, Table: 2, Item: "Filé Mignon", Timestamp: 1760977200.123456, Status: StatusDone, Producer: 1, Consumer: 3}
	with := func(f func(*Order)) Board {
		o := base
		f(&o)
		return one(o, Stats{1, 2, 3})
	}
	const order = `{"id":10001,"mesa":2,"item":"Filé Mignon","timestamp":%s,"status":"Concluído","produtor_id":1,"consumidor_id":3}`
	const stats = `"stats":{"total_criados":1,"total_processados":2,"em_fila":3}`
	ts := func(s string) string { return `{"pedidos":[` + fmt.Sprintf(order, s) + `],` + stats + `}` }
	indented, err := json.MarshalIndent(json.RawMessage(ts("1760977200.123456")), " \t", "\r\n ")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, in string
		want     Board
	}{
		{"python", ts("1760977200.123456"), with(func(*Order) {})},
		{"whitespace", string(indented), with(func(*Order) {})},
		{"leading and trailing whitespace", " \n\t\r" + ts("1760977200.123456") + "\r\n\t ", with(func(*Order) {})},
		{"keys reordered", `{` + stats + `,"pedidos":[{"consumidor_id":3,"produtor_id":1,"status":"Concluído","timestamp":1760977200.123456,"item":"Filé Mignon","mesa":2,"id":10001}]}`, with(func(*Order) {})},
		{"escapes everywhere", `{"\u0070edidos":[{"i\u0064":10001,"mesa":2,"item":"Fil\u00E9 Mignon","timestamp":1760977200.123456,"status":"Conclu\u00eddo","produtor_id":1,"consumidor_id":3}],` + stats + `}`, with(func(*Order) {})},
		{"surrogate pair", strings.Replace(ts("1760977200.123456"), "Filé Mignon", `\ud83c\udf54 \/\b\f\n\r\t\"\\`, 1), with(func(o *Order) { o.Item = "🍔 /\b\f\n\r\t\"\\" })},
		{"lone surrogates", strings.Replace(ts("1760977200.123456"), "Filé Mignon", `\ud800x\udc00\ud800\ud800\ude00`, 1), with(func(o *Order) { o.Item = "\uFFFDx\uFFFD\uFFFD\U00010200" })},
		{"exponent timestamp", ts("1.760977200123456E9"), with(func(*Order) {})},
		{"exponent timestamp 2", ts("1760977200123456e-6"), with(func(*Order) {})},
		{"integer timestamp", ts("1760977200"), with(func(o *Order) { o.Timestamp = 1760977200 })},
		{"negative zero timestamp", ts("-0"), with(func(o *Order) { o.Timestamp = 0 })},
		{"tiny timestamp", ts("0.5e-3"), with(func(o *Order) { o.Timestamp = 0.0005 })},
		{"underflowing timestamp", ts("1e-400"), with(func(o *Order) { o.Timestamp = 0 })},
		{"long timestamp", ts("1760977200.12345600000000000000000000000000000000001"), with(func(*Order) {})},
		{"negative zero int", strings.Replace(ts("1.5"), `"mesa":2`, `"mesa":-0`, 1), with(func(o *Order) { o.Table = 0; o.Timestamp = 1.5 })},
		{"extreme ids", strings.Replace(ts("1.5"), `"id":10001`, `"id":-9223372036854775808`, 1), with(func(o *Order) { o.ID = math.MinInt64; o.Timestamp = 1.5 })},
		{"empty", `{"pedidos":[],"stats":{"total_criados":0,"total_processados":0,"em_fila":0}}`, Board{}},
		{"empty spaced", `{ "stats" : { "em_fila" : 9 , "total_criados" : 0 , "total_processados" : 0 } , "pedidos" : [ ] }`, Board{Stats: Stats{Queued: 9}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d BoardDecoder
			var b Board
			if err := d.Decode([]byte(c.in), &b); err != nil {
				t.Fatalf("Decode(%s): %v", c.in, err)
			}
			if diff := cmp.Diff(c.want, b, bjCmpOpts); diff != "" {
				t.Errorf("Decode(%s) (-want +got):\n%s", c.in, diff)
			}
			bjCheckAgreement(t, []byte(c.in), &b, nil)
		})
	}
}

// TestBoardDecodeErrors checks the errors for broken boards, many of them
// what a torn write or a bug in a writer would leave.
func TestBoardDecodeErrors(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "board_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	g := string(golden)
	const o1 = `{"id":10001,"mesa":1,"item":"x","timestamp":1.5,"status":"Pendente","produtor_id":1,"consumidor_id":-1}`
	const st = `"stats":{"total_criados":1,"total_processados":0,"em_fila":1}`
	board := func(order string) string { return `{"pedidos":[` + order + `],` + st + `}` }
	field := func(old, new string) string { return board(strings.Replace(o1, old, new, 1)) }
	noStats := g[:strings.Index(g, `,"stats"`)] + "}"
	for _, c := range []struct {
		name   string
		in     string
		schema bool
		msg    string
		off    int // -1: not checked
	}{
		// Torn or partial writes.
		{"cut in half", g[:len(g)/2], false, "unexpected end of JSON input", len(g) / 2},
		{"cut before last brace", g[:len(g)-1], false, "unexpected end of JSON input", len(g) - 1},
		{"cut in a UTF-8 sequence", g[:strings.Index(g, "ú")+1], false, "unexpected end of JSON input", -1},
		{"empty", "", false, "unexpected end of JSON input", 0},
		{"only whitespace", " \n ", false, "unexpected end of JSON input", 3},
		{"stats missing", noStats, true, `missing key "stats"`, len(noStats) - 1},
		{"pedidos missing", `{` + st + `}`, true, `missing key "pedidos"`, -1},
		{"order missing status", board(strings.Replace(o1, `"status":"Pendente",`, "", 1)), true, `pedidos[0]: missing key "status"`, -1},
		{"second order missing id", board(o1 + "," + strings.Replace(o1, `"id":10001,`, "", 1)), true, `pedidos[1]: missing key "id"`, -1},
		{"empty order", board("{}"), true, `pedidos[0]: missing key "id"`, -1},
		{"stats missing a counter", `{"pedidos":[],"stats":{"total_criados":1,"em_fila":1}}`, true, `stats: missing key "total_processados"`, -1},
		// Schema.
		{"unknown status", field("Pendente", "Pronto"), true, `pedidos[0]: unknown status "Pronto"`, strings.Index(board(o1), `"Pendente"`)},
		{"status in lower case", field("Pendente", "pendente"), true, `unknown status "pendente"`, -1},
		{"status without accent", field("Pendente", "Concluido"), true, `unknown status "Concluido"`, -1},
		{"duplicate key", field(`"mesa":1`, `"mesa":1,"mesa":2`), true, `pedidos[0]: duplicate key "mesa"`, strings.Index(board(o1), `"mesa"`) + 9},
		{"duplicate escaped key", field(`"mesa":1`, `"mesa":1,"\u006desa":2`), true, `pedidos[0]: duplicate key "mesa"`, -1},
		{"duplicate top key", `{"pedidos":[],"pedidos":[],` + st + `}`, true, `duplicate key "pedidos"`, 14},
		{"unknown key", field(`"mesa":1`, `"mesa":1,"extra":true`), true, `pedidos[0]: unknown key "extra"`, -1},
		{"key in wrong case", field(`"mesa"`, `"Mesa"`), true, `unknown key "Mesa"`, -1},
		{"unknown top key", `{"pedidos":[],` + st + `,"versao":2}`, true, `unknown key "versao"`, -1},
		{"unknown stats key", `{"pedidos":[],"stats":{"total":1}}`, true, `stats: unknown key "total"`, -1},
		{"int as string", field(`"mesa":1`, `"mesa":"1"`), true, `pedidos[0]: "mesa" must be an integer, found string`, -1},
		{"int with fraction", field(`"mesa":1`, `"mesa":1.0`), true, `"mesa" must be an integer, found 1.0`, -1},
		{"int with exponent", field(`"id":10001`, `"id":1e4`), true, `"id" must be an integer, found 1e4`, -1},
		{"int too big", field(`"id":10001`, `"id":9223372036854775808`), true, `"id" value 9223372036854775808 out of range`, -1},
		{"int far too big", field(`"id":10001`, `"id":-100000000000000000000`), true, `out of range`, -1},
		{"null int", field(`"consumidor_id":-1`, `"consumidor_id":null`), true, `"consumidor_id" must be an integer, found null`, -1},
		{"stats counter float", `{"pedidos":[],"stats":{"total_criados":1.5,"total_processados":0,"em_fila":1}}`, true, `stats: "total_criados" must be an integer, found 1.5`, -1},
		{"timestamp as string", field(`"timestamp":1.5`, `"timestamp":"1.5"`), true, `"timestamp" must be a number, found string`, -1},
		{"timestamp too big", field(`"timestamp":1.5`, `"timestamp":1e400`), true, `"timestamp" value 1e400 out of range`, -1},
		{"item null", field(`"item":"x"`, `"item":null`), true, `"item" must be a string, found null`, -1},
		{"status number", field(`"status":"Pendente"`, `"status":1`), true, `"status" must be a string, found number`, -1},
		{"pedidos object", `{"pedidos":{},` + st + `}`, true, `"pedidos" must be an array, found object`, 11},
		{"order array", board("[]"), true, `pedidos[0] must be an object, found array`, 12},
		{"stats array", `{"pedidos":[],"stats":[]}`, true, `"stats" must be an object, found array`, -1},
		{"top-level array", `[` + g + `]`, true, `top-level value must be an object, found array`, 0},
		{"top-level null", `null`, true, `top-level value must be an object, found null`, 0},
		// Syntax, including errors after a schema problem.
		{"trailing garbage", g + "x", false, `invalid character 'x' after top-level value`, len(g)},
		{"second value", g + " " + g, false, `invalid character '{' after top-level value`, len(g) + 1},
		{"NUL padding", g + "\x00\x00\x00", false, `unexpected NUL byte after top-level value`, len(g)},
		{"NUL in a string", field(`"x"`, "\"a\x00b\""), false, `unexpected NUL byte in string literal`, -1},
		{"NUL region", "\x00\x00\x00\x00", false, `unexpected NUL byte looking for value`, 0},
		{"schema then syntax", `{"versao":1,"pedidos":[}`, false, `invalid character '}' looking for value`, 23},
		{"schema then truncated", field(`"mesa":1`, `"mesa":"1"`)[:60], false, `unexpected end of JSON input`, 60},
		{"schema then bad UTF-8", field(`"mesa":1`, "\"mesa\":\"1\",\"z\":\"\xff\""), false, `invalid UTF-8 in string`, -1},
		{"invalid UTF-8", field(`"x"`, "\"\xc3\x28\""), false, `invalid UTF-8 in string`, -1},
		{"UTF-8 surrogate", field(`"x"`, "\"\xed\xa0\x80\""), false, `invalid UTF-8 in string`, -1},
		{"raw newline in string", field(`"x"`, "\"a\nb\""), false, `invalid character '\x0a' in string literal`, -1},
		{"bad escape", field(`"x"`, `"\x41"`), false, `invalid character 'x' in string escape code`, -1},
		{"bad unicode escape", field(`"x"`, `"\u12G4"`), false, `invalid character 'G' in \u hexadecimal character escape`, -1},
		{"leading zero", field(`"mesa":1`, `"mesa":01`), false, `invalid character '1' after object key:value pair`, -1},
		{"plus sign", field(`"mesa":1`, `"mesa":+1`), false, `invalid character '+' looking for value`, -1},
		{"bare minus", field(`"mesa":1`, `"mesa":-`), false, `invalid character ',' in numeric literal`, -1},
		{"dot without digits", field(`"timestamp":1.5`, `"timestamp":1.`), false, `after decimal point in numeric literal`, -1},
		{"exponent without digits", field(`"timestamp":1.5`, `"timestamp":1e+`), false, `in exponent of numeric literal`, -1},
		{"NaN", field(`"timestamp":1.5`, `"timestamp":NaN`), false, `invalid character 'N' looking for value`, -1},
		{"Infinity", field(`"timestamp":1.5`, `"timestamp":-Infinity`), false, `invalid character 'I' in numeric literal`, -1},
		{"trailing comma in array", board(o1 + ","), false, `invalid character ']' looking for value`, -1},
		{"trailing comma in object", `{"pedidos":[],` + st + `,}`, false, `invalid character '}' looking for beginning of object key string`, -1},
		{"missing colon", `{"pedidos" []}`, false, `invalid character '[' after object key`, 11},
		{"single quotes", `{'pedidos':[]}`, false, `invalid character '\'' looking for beginning of object key string`, 1},
		{"comment", `{"pedidos":[] /* x */}`, false, `invalid character '/' after object key:value pair`, 14},
		{"bad literal", field(`"item":"x"`, `"item":nul`), false, `invalid character ',' in literal null`, -1},
		{"non-ASCII outside string", "\xef\xbb\xbf" + g, false, `invalid byte 0xef looking for value`, 0},
		{"deep nesting", strings.Repeat("[", bjMaxDepth+1) + strings.Repeat("]", bjMaxDepth+1), false, `exceeded max depth`, bjMaxDepth},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d BoardDecoder
			b := bjGoldenBoard
			b.Orders = append([]Order(nil), b.Orders...)
			err := d.Decode([]byte(c.in), &b)
			var be *BoardError
			if !errors.As(err, &be) {
				t.Fatalf("Decode(%q) = %v, want a *BoardError", bjSnippet([]byte(c.in)), err)
			}
			if be.Schema != c.schema || !strings.Contains(be.Msg, c.msg) || (c.off >= 0 && be.Offset != c.off) {
				t.Errorf("Decode(%q):\n got %+v\nwant Schema:%v, Msg containing %q, Offset %d", bjSnippet([]byte(c.in)), *be, c.schema, c.msg, c.off)
			}
			if want := fmt.Sprintf("board: offset %d: %s", be.Offset, be.Msg); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			if diff := cmp.Diff(bjGoldenBoard, b); diff != "" {
				t.Errorf("Decode changed the board on error:\n%s", diff)
			}
			bjCheckAgreement(t, []byte(c.in), nil, err)
		})
	}
}

// TestBoardTorn cuts a board at every offset, alone and followed by the NUL
// bytes of an unused shared-memory region: every cut is an incomplete text.
func TestBoardTorn(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "board_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d BoardDecoder
	var b Board
	padded := make([]byte, 0, len(golden)+16)
	for cut := 0; cut < len(golden); cut++ {
		err := d.Decode(golden[:cut], &b)
		var be *BoardError
		if !errors.As(err, &be) || be.Schema || be.Offset != cut || be.Msg != "unexpected end of JSON input" {
			t.Fatalf("cut at %d: got %v", cut, err)
		}
		padded = append(append(padded[:0], golden[:cut]...), make([]byte, 16)...)
		err = d.Decode(padded, &b)
		if !errors.As(err, &be) || be.Schema || be.Offset > cut ||
			!(strings.Contains(be.Msg, "NUL") || be.Msg == "invalid UTF-8 in string") { // a cut inside "ú"
			t.Fatalf("cut at %d, padded: got %v", cut, err)
		}
	}
}

// bjStdOrder and bjStdBoard are the board for encoding/json.
type bjStdOrder struct {
	ID         int64   `json:"id"`
	Mesa       int     `json:"mesa"`
	Item       string  `json:"item"`
	Timestamp  float64 `json:"timestamp"`
	Status     string  `json:"status"`
	Produtor   int     `json:"produtor_id"`
	Consumidor int     `json:"consumidor_id"`
}

type bjStdBoard struct {
	Pedidos []bjStdOrder `json:"pedidos"`
	Stats   struct {
		Created   int64 `json:"total_criados"`
		Processed int64 `json:"total_processados"`
		Queued    int64 `json:"em_fila"`
	} `json:"stats"`
}

// bjCheckAgreement checks Decode's verdict on data (b and err) against
// encoding/json: what Decode accepts, encoding/json reads the same way; what
// encoding/json finds invalid, Decode rejects as a syntax error; a schema
// error is only given for valid JSON.
func bjCheckAgreement(t *testing.T, data []byte, b *Board, err error) {
	t.Helper()
	valid := json.Valid(data)
	if err != nil {
		var be *BoardError
		if !errors.As(err, &be) {
			t.Fatalf("error %v (%T) is not a *BoardError", err, err)
		}
		if be.Offset < 0 || be.Offset > len(data) {
			t.Errorf("offset %d outside input of %d bytes", be.Offset, len(data))
		}
		if be.Msg == "" || strings.ToLower(be.Msg[:1]) != be.Msg[:1] {
			t.Errorf("bad message %q", be.Msg)
		}
		switch {
		case be.Schema && !(valid && utf8.Valid(data)):
			t.Errorf("schema error %v for invalid JSON %q", err, bjSnippet(data))
		case !be.Schema && valid && utf8.Valid(data):
			t.Errorf("syntax error %v for valid JSON %q", err, bjSnippet(data))
		}
		return
	}
	if !valid {
		t.Fatalf("Decode accepted invalid JSON %q", data)
	}
	var sb bjStdBoard
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sb); err != nil {
		t.Fatalf("Decode accepted %q but encoding/json says %v", data, err)
	}
	want := &Board{Stats: Stats{sb.Stats.Created, sb.Stats.Processed, sb.Stats.Queued}}
	for _, o := range sb.Pedidos {
		st, _ := ParseStatus([]byte(o.Status))
		want.Orders = append(want.Orders, Order{o.ID, o.Mesa, o.Item, o.Timestamp, st, o.Produtor, o.Consumidor})
	}
	if diff := cmp.Diff(want, b, bjCmpOpts); diff != "" {
		t.Fatalf("Decode and encoding/json disagree on %q (-json +Decode):\n%s", data, diff)
	}
}

// TestBoardAgreesWithEncodingJSON runs bjCheckAgreement on many mutations of
// valid boards.
func TestBoardAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	seeds := [][]byte{AppendBoardJSON(nil, &bjGoldenBoard), AppendBoardJSON(nil, bjTestBoard(3, 1))}
	for i := 0; i < 20; i++ {
		seeds = append(seeds, AppendBoardJSON(nil, bjRandomBoard(r)))
	}
	const alphabet = "{}[],:\"\\/ \t\r\n0123456789.eE+-tfnulrasbu\x00\xff\xc3\xa9"
	tokens := []string{`"id"`, `"mesa"`, `"stats"`, `"pedidos"`, `"status"`, `"Pendente"`, `null`, `true`, `1e400`, `-0`, `\u00e9`, `\ud800`, `\ud83d\ude00`, `{}`, `[]`, `,`, `:`, `1.5`, `"x"`}
	var d BoardDecoder
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		data := append([]byte(nil), seeds[r.IntN(len(seeds))]...)
		for k := 1 + r.IntN(3); k > 0 && len(data) > 0; k-- {
			p := r.IntN(len(data))
			switch r.IntN(6) {
			case 0:
				data[p] = alphabet[r.IntN(len(alphabet))]
			case 1:
				data = append(data[:p], data[p+1:]...)
			case 2:
				data = append(data[:p], append([]byte{alphabet[r.IntN(len(alphabet))]}, data[p:]...)...)
			case 3:
				data = append(data[:p], append([]byte(tokens[r.IntN(len(tokens))]), data[p:]...)...)
			case 4:
				q := p + r.IntN(len(data)-p)
				data = append(data[:p], data[q:]...)
			case 5:
				data = data[:p]
			}
		}
		var b Board
		err := d.Decode(data, &b)
		bjCheckAgreement(t, data, &b, err)
		if t.Failed() {
			t.FailNow()
		}
	}
}

func TestBoardAllocs(t *testing.T) {
	src := AppendBoardJSON(nil, bjTestBoard(50, 1))
	var d BoardDecoder
	var b Board
	if err := d.Decode(src, &b); err != nil { // warm up
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := d.Decode(src, &b); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Decode: %v allocations per run, want 0", n)
	}
	buf := AppendBoardJSON(nil, &b)
	if n := testing.AllocsPerRun(100, func() { buf = AppendBoardJSON(buf[:0], &b) }); n != 0 {
		t.Errorf("AppendBoardJSON: %v allocations per run, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { OrderSeq(10001, 1) }); n != 0 {
		t.Errorf("OrderSeq: %v allocations per run, want 0", n)
	}
}

// FuzzBoardDecode checks that Decode does not panic, that it agrees with
// encoding/json, and that what it accepts survives encode and decode.
func FuzzBoardDecode(f *testing.F) {
	f.Add(AppendBoardJSON(nil, &bjGoldenBoard))
	f.Add(AppendBoardJSON(nil, bjTestBoard(3, 1)))
	f.Add([]byte(`{"pedidos":[],"stats":{"total_criados":0,"total_processados":0,"em_fila":0}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d BoardDecoder
		var b Board
		err := d.Decode(data, &b)
		bjCheckAgreement(t, data, &b, err)
		if err != nil {
			return
		}
		enc := AppendBoardJSON(nil, &b)
		var b2 Board
		if err := d.Decode(enc, &b2); err != nil {
			t.Fatalf("Decode(AppendBoardJSON(Decode(%q))) = %v; encoded %s", data, err, enc)
		}
		if diff := cmp.Diff(b, b2, bjCmpOpts); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", data, diff)
		}
		if enc2 := AppendBoardJSON(nil, &b2); !bytes.Equal(enc, enc2) {
			t.Fatalf("encodings differ:\n%s\n%s", enc, enc2)
		}
	})
}

func benchmarkDecode(b *testing.B, n int) {
	src := AppendBoardJSON(nil, bjTestBoard(n, 1))
	var d BoardDecoder
	var board Board
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		d.forget() // parse it all, as for a board never seen
		if err := d.Decode(src, &board); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoardDecode50(b *testing.B)  { benchmarkDecode(b, 50) }
func BenchmarkBoardDecode130(b *testing.B) { benchmarkDecode(b, 130) }

func BenchmarkBoardEncode50(b *testing.B) {
	board := bjTestBoard(50, 1)
	buf := AppendBoardJSON(nil, board)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendBoardJSON(buf[:0], board)
	}
}

// BenchmarkBoardModify50 is the workers' critical section: decode, change
// one order, encode.
func BenchmarkBoardModify50(b *testing.B) {
	src := AppendBoardJSON(nil, bjTestBoard(50, 1))
	var d BoardDecoder
	var board Board
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Decode(src, &board); err != nil {
			b.Fatal(err)
		}
		board.Orders[7].Status = StatusDone
		board.Stats.Processed++
		src = AppendBoardJSON(src[:0], &board)
	}
}

func BenchmarkBoardDecode50EncodingJSON(b *testing.B) {
	src := AppendBoardJSON(nil, bjTestBoard(50, 1))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		var sb bjStdBoard
		if err := json.Unmarshal(src, &sb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoardEncode50EncodingJSON(b *testing.B) {
	src := AppendBoardJSON(nil, bjTestBoard(50, 1))
	var sb bjStdBoard
	if err := json.Unmarshal(src, &sb); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&sb); err != nil {
			b.Fatal(err)
		}
	}
}
