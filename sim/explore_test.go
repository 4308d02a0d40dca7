package sim

import (
	"strings"
	"testing"
	"time"
)

// A lost update is found by the explorer and shrunk to a short schedule
// that still loses the update.
func TestExploreLostUpdate(t *testing.T) {
	cfg := testConfig()
	cfg.LockOn, cfg.Protocol = false, ProtoSeed
	cfg.Consumers = 1
	cfg.Think = Range{0, 500 * time.Millisecond}
	start := time.Now()
	f := Explore(cfg, InvLostUpdate, 2000, 300)
	if !f.Found || f.Inv != InvLostUpdate {
		t.Fatalf("no lost update found in %d schedules", f.Tried)
	}
	if len(f.Schedule) > 12 || len(f.Schedule) > len(f.First) {
		t.Errorf("shrunk schedule %v (from %d steps) is not short", f.Schedule, len(f.First))
	}
	if !strings.Contains(f.Detail, "wrote over write") {
		t.Errorf("detail %q", f.Detail)
	}
	t.Logf("found by %s in %d schedules, %d steps, %v; shrunk %d → %d: %s",
		f.How, f.Tried, f.Steps, time.Since(start), len(f.First), len(f.Schedule), strings.Join(f.Schedule, " "))
}

// With the lock on there is nothing to find.
func TestExploreLockOnFindsNothing(t *testing.T) {
	cfg := testConfig()
	cfg.Think = Range{0, 300 * time.Millisecond}
	f := Explore(cfg, InvNone, 300, 200)
	if f.Found {
		t.Fatalf("found %s with the lock on: %s (%v)", f.Inv, f.Detail, f.Schedule)
	}
}

// The systematic search finds a deadlock of two locks taken in opposite
// orders.
func TestExploreDeadlock(t *testing.T) {
	cfg := testConfig()
	cfg.Locks, cfg.Opposite, cfg.Fast = 2, true, true
	cfg.Producers, cfg.Consumers = 1, 1
	f := Explore(cfg, InvDeadlock, 500, 100)
	if !f.Found || f.Inv != InvDeadlock || len(f.Schedule) > 8 {
		t.Fatalf("deadlock: found %v, schedule %v, tried %d", f.Found, f.Schedule, f.Tried)
	}
}
