package main

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/shm"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/google/go-cmp/cmp"
)

// A free run of real processes switches to stepped mode in the middle: the
// workers park at their next step boundary, then step one at a time when
// told, by the scheduler or by hand, and the run ends clean.
func TestSwitchFreeRunToStepped(t *testing.T) {
	bin, err := exec.LookPath("comanda")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("COMANDA_SHM_DIR", dir)
	t.Setenv("GORACE", "atexit_sleep_ms=0") // the workers are this race-instrumented binary
	s, err := scenarios.LoadBundled("restaurante")
	if err != nil {
		t.Fatal(err)
	}
	opts := runner.FromScenario(s)
	opts.Exe = bin
	opts.Config.Fast = true
	opts.Config.Duration = 0
	opts.Log = func(m runner.Message) { t.Logf("%s %s", time.Now().Format("05.000"), m.Text) }
	r, err := runner.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Kill()
	time.Sleep(300 * time.Millisecond)
	if err := r.StepOnce(); err != runner.ErrNotStepped {
		t.Fatalf("StepOnce of a free run: %v, want ErrNotStepped", err)
	}
	if err := r.SwitchToStepped(); err != nil {
		t.Fatal(err)
	}
	if !r.Stepped() {
		t.Fatal("Stepped() is false after the switch")
	}
	before := r.Progress().Steps
	time.Sleep(100 * time.Millisecond)
	if p := r.Progress(); p.Steps != before {
		t.Fatalf("paused stepped run moved on by itself: %d → %d steps", before, p.Steps)
	}
	for i := 0; i < 40; i++ {
		if err := r.StepOnce(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	picked := 0
	for i := 0; i < 40; i++ {
		if r.Pick(i%5) == nil {
			picked++
		}
	}
	if got := r.Progress().Steps; got != before+40+uint64(picked) {
		t.Fatalf("steps after 40 steps and %d picks: %d, want %d", picked, got, before+40+uint64(picked))
	}
	if err := r.SetStepDelay(time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := r.SetPaused(false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if got := r.Progress().Steps; got < before+80+uint64(picked) {
		t.Fatalf("unpaused run did not step by itself: %d steps", got)
	}
	r.Stop()
	sum := r.Wait()
	checkClean(t, sum, 5)
	if left := shm.Segments(dir); len(left) > 0 {
		t.Errorf("segment files left behind: %v", left)
	}
}

// "Take over from here": a stepped trace replayed with real processes up to
// one of its steps, then paused for a person. Up to there the new run's
// events are the recorded ones; from there it steps when told.
func TestTakeOverFromAStep(t *testing.T) {
	bin, err := exec.LookPath("comanda")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("COMANDA_SHM_DIR", dir)
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	rec := filepath.Join(dir, "rec.trace")
	cmd := comanda(t, dir, "run", "torn-write", "--headless", "--trace", rec)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	rep, err := replay.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	n := rep.StepEnd(12)
	opts, err := runner.TakeOver(rep, n, bin, version)
	if err != nil {
		t.Fatal(err)
	}
	took := filepath.Join(dir, "took.trace")
	opts.TracePath = took
	r, err := runner.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Kill()
	deadline := time.Now().Add(10 * time.Second)
	for !r.TookOver() {
		if time.Now().After(deadline) {
			t.Fatal("the run did not reach the step to take over from")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := r.Progress().Steps; got != 12 {
		t.Fatalf("took over at step %d, want 12", got)
	}
	time.Sleep(50 * time.Millisecond)
	if got := r.Progress().Steps; got != 12 {
		t.Fatalf("the run went on by itself to step %d", got)
	}
	for i := 0; i < 5; i++ {
		if err := r.StepOnce(); err != nil {
			t.Fatal(err)
		}
	}
	r.Stop()
	r.Wait()
	again, err := replay.Open(took)
	if err != nil {
		t.Fatal(err)
	}
	if again.Steps() < 17 {
		t.Errorf("the taken-over run has %d steps, want at least 17", again.Steps())
	}
	want, got := rep.Lines(true)[:n], again.Lines(true)
	if len(got) < n {
		t.Fatalf("the taken-over run has %d events, want at least %d", len(got), n)
	}
	if d := cmp.Diff(want, got[:n]); d != "" {
		t.Errorf("up to step 12 the runs differ (-recorded +taken over):\n%s", d)
	}
}
