package replay_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from current output")

// smallConfig is a small stepped restaurant: one waiter, one kitchen.
func smallConfig(seed uint64) sim.Config {
	return sim.Config{
		Scenario: "small", Seed: seed, Protocol: sim.ProtoShadow, Capacity: 50, LockOn: true,
		LockScope: sim.ScopeShared, Locks: 1, Mode: sim.ModeStepped, Producers: 1, Consumers: 1,
		Think: sim.Range{Min: 0, Max: 200 * time.Millisecond}, Prep: sim.Range{Min: 0, Max: 300 * time.Millisecond},
		Menu: sim.DefaultMenu, Tables: 20, MaxSteps: 60, Grace: time.Second, Drain: time.Minute,
	}
}

// record runs cfg in-process, stepped, and returns its trace.
func record(t testing.TB, cfg sim.Config, policy sim.Policy) *replay.Replay {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.trace")
	r, err := runner.Start(runner.Options{Config: cfg, Policy: policy, Driver: "inproc", TracePath: path, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Wait(); s.Error != "" {
		t.Fatalf("run: %s", s.Error)
	}
	rep, err := replay.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Truncated() {
		t.Fatalf("a complete run's trace reads as cut short")
	}
	return rep
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("differs from %s (review, then -update):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

// The canonical export of a small stepped run, as a teacher can read it.
func TestCanonicalGolden(t *testing.T) {
	rep := record(t, smallConfig(3), sim.PolicyRoundRobin)
	var buf bytes.Buffer
	if err := rep.WriteJSONL(&buf, true); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "small-canonical.jsonl", buf.Bytes())
}

// Two runs of one scenario and seed give identical canonical exports; a
// different seed gives a different run.
func TestCanonicalDeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := smallConfig(seed)
		cfg.Producers, cfg.Consumers, cfg.MaxSteps = 2, 3, 400
		a, b := record(t, cfg, sim.PolicyRandom), record(t, cfg, sim.PolicyRandom)
		if diff := cmp.Diff(a.Lines(true), b.Lines(true)); diff != "" {
			t.Fatalf("seed %d: two runs differ:\n%s", seed, diff)
		}
		cfg.Seed += 100
		c := record(t, cfg, sim.PolicyRandom)
		if cmp.Equal(a.Lines(true), c.Lines(true)) {
			t.Fatalf("seeds %d and %d gave the same run", seed, cfg.Seed)
		}
	}
}

// Five steps forward then five back is exactly where we started; and any
// state equals the one reached from the start (snapshots change nothing).
func TestForwardBackward(t *testing.T) {
	cfg := smallConfig(9)
	cfg.Producers, cfg.Consumers, cfg.MaxSteps = 2, 3, 3000
	cfg.Fast = true
	rep := record(t, cfg, sim.PolicyRandom)
	if rep.Len() < 5000 {
		t.Fatalf("only %d events: the test needs several snapshots", rep.Len())
	}
	opt := cmp.AllowUnexported(replay.State{})
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 200; i++ {
		step := uint64(r.IntN(int(rep.Steps())))
		start := rep.AtStep(step)
		rep.AtStep(step + 5)
		back := rep.AtStep(step)
		if diff := cmp.Diff(start, back, opt); diff != "" {
			t.Fatalf("step %d, forward 5 and back: states differ:\n%s", step, diff)
		}
	}
	// Folding every event from the start gives the same states as the
	// snapshots do.
	events := rep.Events()
	again, err := replay.New(rep.Header(), events[:len(events)-1], true)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 2047, 2048, 2049, 4100, len(events) - 1} {
		if diff := cmp.Diff(rep.At(n), again.At(n), opt); diff != "" {
			t.Fatalf("event %d: states differ:\n%s", n, diff)
		}
	}
}

// The exports parse back: CSV as CSV with the original's sections, JSON
// with the original's keys, Chrome trace events with their fields, JSON
// Lines line by line.
func TestExportsParseBack(t *testing.T) {
	cfg := smallConfig(4)
	cfg.MaxSteps = 400
	rep := record(t, cfg, sim.PolicyRandom)
	final := rep.At(rep.Len())
	board, err := final.Board()
	if err != nil {
		t.Fatal(err)
	}
	p := replay.ExportParams{Producers: 1, Consumers: 1, Now: time.Date(2025, 10, 20, 16, 25, 30, 123456000, time.Local)}

	var buf bytes.Buffer
	if err := replay.WriteOriginalCSV(&buf, final, p); err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(bytes.NewReader(buf.Bytes()))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	text := buf.String()
	for _, want := range []string{"PARÂMETROS DO SISTEMA\r\n", "ESTATÍSTICAS\r\n", "FILA DE PEDIDOS\r\n",
		"Duração (segundos),Ilimitada\r\n", "Data/Hora Exportação,20/10/2025 16:25:30\r\n", "ID,Mesa,Item,Status,Produtor,Consumidor,Timestamp\r\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("CSV lacks %q", want)
		}
	}
	orderRows := 0
	for i, row := range rows {
		if len(row) > 0 && row[0] == "ID" {
			orderRows = len(rows) - i - 1
		}
	}
	if orderRows != len(board.Orders) || orderRows == 0 {
		t.Errorf("CSV has %d order rows; the board has %d orders", orderRows, len(board.Orders))
	}

	buf.Reset()
	if err := replay.WriteOriginalJSON(&buf, final, p); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Parametros   map[string]any   `json:"parametros"`
		Estatisticas map[string]any   `json:"estatisticas"`
		Pedidos      []map[string]any `json:"pedidos"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JSON does not parse: %v", err)
	}
	if doc.Parametros["duracao_segundos"] != "ilimitada" || doc.Parametros["data_exportacao"] != "2025-10-20T16:25:30.123456" ||
		len(doc.Pedidos) != len(board.Orders) || doc.Estatisticas["em_preparo"] == nil {
		t.Errorf("JSON export: %s", buf.String())
	}
	if o := doc.Pedidos[0]; o["timestamp"] == nil || o["produtor_id"] == nil {
		t.Errorf("order fields: %v", o)
	}

	buf.Reset()
	if err := rep.WritePerfetto(&buf); err != nil {
		t.Fatal(err)
	}
	var pf struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &pf); err != nil {
		t.Fatalf("Perfetto JSON does not parse: %v", err)
	}
	phases := map[string]int{}
	for _, e := range pf.TraceEvents {
		for _, k := range []string{"name", "ph", "ts", "pid", "tid"} {
			if _, ok := e[k]; !ok {
				t.Fatalf("trace event without %q: %v", k, e)
			}
		}
		phases[e["ph"].(string)]++
	}
	if phases["B"] == 0 || phases["B"] != phases["E"] || phases["i"] == 0 || phases["C"] == 0 || phases["M"] < 3 {
		t.Errorf("Perfetto phases %v: want lock slices (B/E), instants, a counter and track names", phases)
	}

	buf.Reset()
	if err := rep.WriteJSONL(&buf, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != rep.Len()+1 {
		t.Fatalf("%d lines for %d events", len(lines), rep.Len())
	}
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
	}
}

// A trace cut short opens up to its last whole record, and its states are
// the states of the whole trace up to there.
func TestCutShort(t *testing.T) {
	cfg := smallConfig(5)
	cfg.MaxSteps = 300
	path := filepath.Join(t.TempDir(), "run.trace")
	r, err := runner.Start(runner.Options{Config: cfg, Policy: sim.PolicyRandom, Driver: "inproc", TracePath: path})
	if err != nil {
		t.Fatal(err)
	}
	r.Wait()
	whole, err := replay.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, cut := range []int{len(data) - 1, len(data) * 2 / 3, len(data) / 3} {
		rep, err := replay.Read(bytes.NewReader(data[:cut]))
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if !rep.Truncated() || rep.Len() >= whole.Len() {
			t.Fatalf("cut at %d: truncated %v, %d events of %d", cut, rep.Truncated(), rep.Len(), whole.Len())
		}
		n := rep.Len()
		if diff := cmp.Diff(whole.At(n), rep.At(n), cmp.AllowUnexported(replay.State{})); diff != "" {
			t.Fatalf("cut at %d: state after %d events differs:\n%s", cut, n, diff)
		}
	}
}
