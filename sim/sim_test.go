package sim

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/trace"
	"github.com/google/go-cmp/cmp"
)

// events is a Recorder that keeps every event, for tests.
type events struct {
	all []trace.Event
	seq uint64
}

func (r *events) Full() bool { return true }
func (r *events) Record(e *trace.Event) {
	r.seq++
	e.Seq = r.seq
	c := *e
	c.Data = append([]byte(nil), e.Data...)
	r.all = append(r.all, c)
}

func (r *events) violations() []string {
	var v []string
	for _, e := range r.all {
		if e.Kind == trace.InvariantBroken {
			v = append(v, Invariant(e.Arg).String()+": "+string(e.Data))
		}
	}
	return v
}

func (r *events) count(inv Invariant) int {
	n := 0
	for _, e := range r.all {
		if e.Kind == trace.InvariantBroken && Invariant(e.Arg) == inv {
			n++
		}
	}
	return n
}

// testConfig is a small stepped restaurant.
func testConfig() *Config {
	return &Config{
		Scenario: "test", Seed: 7, Protocol: ProtoShadow, Capacity: 50, LockOn: true,
		LockScope: ScopeShared, Locks: 1, Mode: ModeStepped, Producers: 2, Consumers: 3,
		Think: Range{time.Second, 4 * time.Second}, Prep: Range{2 * time.Second, 6 * time.Second},
		Menu: DefaultMenu, Tables: 20, Duration: 30 * time.Second, MaxSteps: 5000,
		Grace: 2 * time.Second, Drain: 60 * time.Second,
	}
}

// stepAll runs a local run and returns its events and the data region after
// every step.
func stepAll(t *testing.T, cfg *Config, policy Policy, schedule []string) (*Local, *events, [][]byte) {
	t.Helper()
	rec := &events{}
	l, err := NewLocal(cfg, policy, schedule, rec)
	if err != nil {
		t.Fatal(err)
	}
	var regions [][]byte
	for l.M.Step() {
		regions = append(regions, append([]byte(nil), l.Seg.Data()...))
	}
	if _, err := l.M.Stopped(); err != nil {
		t.Fatalf("run stopped with %v", err)
	}
	return l, rec, regions
}

// The determinism promise: same scenario, seed and schedule give the same
// events and the same data-region bytes after every step.
func TestSteppedDeterministic(t *testing.T) {
	for _, proto := range []Protocol{ProtoShadow, ProtoSeed} {
		for _, policy := range []Policy{PolicyRandom, PolicyRoundRobin} {
			cfg := testConfig()
			cfg.Protocol = proto
			_, ev1, mem1 := stepAll(t, cfg, policy, nil)
			_, ev2, mem2 := stepAll(t, cfg, policy, nil)
			if diff := cmp.Diff(ev1.all, ev2.all); diff != "" {
				t.Fatalf("%s/%s: events differ between two runs (-first +second):\n%s", proto, policy, diff)
			}
			if len(mem1) != len(mem2) {
				t.Fatalf("%s/%s: %d steps vs %d", proto, policy, len(mem1), len(mem2))
			}
			for i := range mem1 {
				// bytes.Equal first: go-cmp walks a byte slice element by
				// element, which is slow for 40 KB after every step.
				if !bytes.Equal(mem1[i], mem2[i]) {
					t.Fatalf("%s/%s: data region differs after step %d:\n%s", proto, policy, i+1, cmp.Diff(mem1[i], mem2[i]))
				}
			}
			if len(mem1) < 100 {
				t.Fatalf("%s/%s: only %d steps", proto, policy, len(mem1))
			}
		}
	}
}

func TestDifferentSeedDifferentRun(t *testing.T) {
	a := testConfig()
	b := testConfig()
	b.Seed = 8
	_, ev1, _ := stepAll(t, a, PolicyRandom, nil)
	_, ev2, _ := stepAll(t, b, PolicyRandom, nil)
	if cmp.Equal(ev1.all, ev2.all) {
		t.Fatalf("seeds 7 and 8 gave the same run")
	}
}

// With the lock on, any seed: no violation, and every order is accounted
// for after the graceful stop.
func TestLockOnAnySeed(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		for _, proto := range []Protocol{ProtoShadow, ProtoSeed} {
			cfg := testConfig()
			cfg.Seed, cfg.Protocol = seed, proto
			if proto == ProtoShadow {
				// Faster than the kitchens can cook: the window fills and
				// the waiters wait.
				cfg.Think = Range{0, 500 * time.Millisecond}
				cfg.Prep = Range{0, time.Second}
			}
			l, rec, _ := stepAll(t, cfg, PolicyRandom, nil)
			if v := rec.violations(); len(v) > 0 {
				t.Fatalf("seed %d %s: violations with the lock on: %v", seed, proto, v)
			}
			o := l.Orders()
			if r, _ := l.M.Stopped(); r != StopGraceful {
				t.Fatalf("seed %d: stopped by %s", seed, r)
			}
			if !o.Balanced() || o.Lost != 0 || o.Duplicated != 0 || o.Pending != 0 || o.InPrep != 0 || o.Created == 0 {
				t.Fatalf("seed %d %s: accounting %+v", seed, proto, o)
			}
			if o.Created != o.Completed+o.Cancelled {
				t.Fatalf("seed %d: created %d != completed %d + cancelled %d", seed, o.Created, o.Completed, o.Cancelled)
			}
		}
	}
}

// The classic lost update: two waiters read the same board, both write;
// the second write wipes the first waiter's order. The violation names both
// writers.
func TestLostUpdateScript(t *testing.T) {
	cfg := testConfig()
	cfg.LockOn = false
	cfg.Protocol = ProtoSeed
	cfg.Fast = true
	cfg.Consumers = 1
	// Each waiter: acquire (skipped), read, write, release.
	schedule := strings.Fields("P1 P2 P1 P2 P1 P2 P1 P2")
	l, rec, _ := stepAll(t, cfg, PolicyScript, schedule)
	if r, _ := l.M.Stopped(); r != StopScript {
		t.Fatalf("stopped by %s; want schedule-end", r)
	}
	v := rec.violations()
	if len(v) == 0 || !strings.HasPrefix(v[0], "lost-update: P2 wrote over write #1 by P1") {
		t.Fatalf("violations = %q; want P2 overwriting P1's write", v)
	}
	if got := SumCounts(l.Cfg, l.Seg).Created; got != 2 {
		t.Fatalf("waiters created %d orders; want 2", got)
	}
	var d shm.BoardDecoder
	var b shm.Board
	raw, _ := BoardBytes(l.Cfg, l.Seg.Data())
	if err := d.Decode(raw, &b); err != nil {
		t.Fatal(err)
	}
	if len(b.Orders) != 1 || b.Stats.Created != 1 {
		t.Fatalf("board has %d orders, total_criados %d; want 1 and 1 (one order lost)", len(b.Orders), b.Stats.Created)
	}
}

// A script that names a worker that does not exist is refused at once; one
// that names a blocked worker stops the run with a clear error.
func TestScheduleErrors(t *testing.T) {
	cfg := testConfig()
	if _, err := NewLocal(cfg, PolicyScript, []string{"P1", "C9"}, nil); err == nil ||
		err.Error() != "schedule step 2 names C9, which is not a worker of this run (it has P1 P2 C1 C2 C3)" {
		t.Fatalf("err = %v", err)
	}
	cfg.Fast = true
	// P1 takes the lock (acquire), then P2 tries (blocks), then P2 again.
	l, err := NewLocal(cfg, PolicyScript, []string{"P1", "P2", "P2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for l.M.Step() {
	}
	r, err := l.M.Stopped()
	if r != StopError || err == nil || err.Error() != "schedule step 3 names P2, but P2 is waiting for the lock, which P1 holds" {
		t.Fatalf("stopped %s: %v", r, err)
	}
}

// Two locks taken in opposite orders: a waiter holds the orders lock and
// wants the stats lock, a kitchen the other way round. Nobody can move.
func TestDeadlockTwoLocks(t *testing.T) {
	cfg := testConfig()
	cfg.Locks, cfg.Opposite, cfg.Fast = 2, true, true
	cfg.Producers, cfg.Consumers = 1, 1
	// P1 takes lock 1; C1 takes lock 2; P1 wants 2 (blocks); C1 wants 1
	// (blocks). The schedule has more steps, but nobody can take them.
	l, rec, _ := stepAll(t, cfg, PolicyScript, strings.Fields("P1 C1 P1 C1 P1 C1"))
	r, _ := l.M.Stopped()
	if r != StopDeadlock || rec.count(InvDeadlock) != 1 {
		t.Fatalf("stopped by %s with %v; want a deadlock", r, rec.violations())
	}
}

// A waiter killed in the middle of its write, holding the lock: with the
// shadow protocol the committed copy is intact and nothing is lost.
func TestCrashHoldingLockShadow(t *testing.T) {
	cfg := testConfig()
	cfg.Faults = []Fault{{Slot: 0, When: "holding-lock", Count: 1}}
	cfg.Think = Range{0, 300 * time.Millisecond}
	cfg.Prep = Range{0, time.Second}
	l, rec, _ := stepAll(t, cfg, PolicyRandom, nil)
	if rec.count(InvLockOwnerDied) != 1 {
		t.Fatalf("violations %v; want one lock-owner-died", rec.violations())
	}
	for _, v := range rec.violations() {
		if !strings.HasPrefix(v, "lock-owner-died") {
			t.Fatalf("unexpected violation %s", v)
		}
	}
	if o := l.Orders(); o.Lost != 0 || !o.Balanced() || o.Pending+o.InPrep != 0 {
		t.Fatalf("accounting %+v", o)
	}
}

// The same with the seed protocol: the half-written blob does not decode,
// and the next reader says so.
func TestCrashHoldingLockSeedTears(t *testing.T) {
	cfg := testConfig()
	cfg.Protocol = ProtoSeed
	cfg.Faults = []Fault{{Slot: 0, When: "holding-lock", Count: 1}}
	cfg.Think = Range{0, 300 * time.Millisecond}
	cfg.Prep = Range{0, time.Second}
	_, rec, _ := stepAll(t, cfg, PolicyRandom, nil)
	if rec.count(InvLockOwnerDied) != 1 || rec.count(InvTornWrite) == 0 {
		t.Fatalf("violations %v; want lock-owner-died and torn-write", rec.violations())
	}
}

// patcher is a Recorder that rebuilds the data region from the write
// events alone, as a replay does.
type patcher struct {
	events
	mem []byte
	err error
}

func (p *patcher) Record(e *trace.Event) {
	if e.Kind == trace.MemWritten && p.err == nil {
		p.err = trace.Patch(p.mem, e.Data)
	}
	p.events.Record(e)
}

// The data region rebuilt from the recorded writes equals the real one
// after every step: with the lock on and off, switched during the run, a
// per-process lock, both protocols, paced writes, a worker dying mid-write.
func TestWritesRebuildMemory(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tweak  func(*Config)
		toggle bool // switch the lock off and on every 50 steps
	}{
		{"shadow", func(c *Config) {}, false},
		{"seed", func(c *Config) { c.Protocol = ProtoSeed }, false},
		{"seed lock off", func(c *Config) { c.Protocol, c.LockOn = ProtoSeed, false }, false},
		{"shadow lock off", func(c *Config) { c.LockOn = false }, false},
		{"shadow lock switched", func(c *Config) {}, true},
		{"seed lock switched", func(c *Config) { c.Protocol = ProtoSeed }, true},
		{"shadow per-process", func(c *Config) { c.LockScope = ScopePerProcess }, false},
		{"seed paced lock off", func(c *Config) { c.Protocol, c.LockOn, c.WritePace = ProtoSeed, false, 10*time.Millisecond }, false},
		{"seed crash", func(c *Config) {
			c.Protocol = ProtoSeed
			c.Faults = []Fault{{Slot: 0, When: "holding-lock", Count: 2}}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Think = Range{0, 300 * time.Millisecond}
			cfg.Prep = Range{0, 600 * time.Millisecond}
			tc.tweak(cfg)
			p := &patcher{}
			l, err := NewLocal(cfg, PolicyRandom, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			p.mem = append([]byte(nil), l.Seg.Data()...)
			steps := 0
			for {
				for _, slot := range l.M.Due() {
					if l.Workers[slot] != nil {
						l.kill(slot)
					}
				}
				if tc.toggle && steps%50 == 0 {
					l.Seg.SetFlag(shm.FlagLockOn, steps%100 == 0)
				}
				if !l.M.Step() {
					break
				}
				steps++
				if p.err != nil {
					t.Fatalf("step %d: %v", steps, p.err)
				}
				if !bytes.Equal(p.mem, l.Seg.Data()) {
					t.Fatalf("step %d: the region rebuilt from the writes differs from the real one", steps)
				}
			}
			if steps < 500 {
				t.Fatalf("only %d steps", steps)
			}
		})
	}
}

// equalRun agrees with a byte-by-byte count, wherever the first difference is.
func TestEqualRun(t *testing.T) {
	for n := 0; n <= 20; n++ {
		a := []byte("abcdefghijklmnopqrstuvwxyz")[:n]
		if got := equalRun(a, a); got != n {
			t.Errorf("equalRun(a, a), len %d = %d", n, got)
		}
		for k := 0; k < n; k++ {
			b := append([]byte(nil), a...)
			b[k] = '#'
			if got := equalRun(a, b); got != k {
				t.Errorf("len %d, first difference at %d: equalRun = %d", n, k, got)
			}
			if got := equalRun(a, b[:k]); got != k {
				t.Errorf("len %d against %d: equalRun = %d", n, k, got)
			}
		}
	}
}
