package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/google/go-cmp/cmp"
)

// checkJSON runs `comanda check --json` on args and returns the exit
// status and the results.
func checkJSON(t testing.TB, args ...string) (int, []checkResult) {
	t.Helper()
	cmd := comanda(t, t.TempDir(), append([]string{"check", "--json"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("comanda check %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	var results []checkResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("comanda check --json %v: not JSON: %v\n%s\nstderr:\n%s", args, err, out, stderr.String())
	}
	if len(results) != len(args) {
		t.Fatalf("comanda check --json: %d results for %d files", len(results), len(args))
	}
	for i, r := range results {
		if r.File != args[i] {
			t.Errorf("result %d is for %q; want %q (the order of the arguments)", i, r.File, args[i])
		}
	}
	return code, results
}

// Every bundled scenario, run as it is written (with its run_for), passes
// its own [expect] block: one `comanda check` of them all.
func TestBundledScenariosHoldTheirExpect(t *testing.T) {
	names := scenarios.Bundled()
	code, results := checkJSON(t, names...)
	for _, r := range results {
		if !r.Pass || r.Error != "" || len(r.Expectations) == 0 {
			t.Errorf("%s: pass %v, error %q", r.File, r.Pass, r.Error)
		}
		for _, o := range r.Expectations {
			if !o.Pass {
				t.Errorf("%s: %s: expected %s, found %s", r.File, o.Key, o.Expected, o.Found)
			}
		}
	}
	if code != 0 {
		t.Errorf("comanda check of the bundled scenarios exited with %d; want 0", code)
	}
}

// failsLine is the annotation of a teacher's file that makes wrong
// claims: "# fails: KEY KEY…", the keys whose claims must fail.
var failsLine = regexp.MustCompile(`(?m)^# fails: (.+)$`)

// Scenario files written the way a teacher would, from docs/scenarios.md
// alone (testdata/teacher): right claims pass; wrong claims, marked
// "# fails: KEY…", fail on exactly those keys, each with its reason at
// its line in the file.
func TestTeacherScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/teacher/*.toml")
	if err != nil || len(files) < 6 {
		t.Fatalf("found %d teacher files (%v)", len(files), err)
	}
	wantFail := map[string][]string{}
	var wrong []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := failsLine.FindSubmatch(src); m != nil {
			wantFail[f] = strings.Fields(string(m[1]))
			wrong = append(wrong, f)
		}
	}
	if len(wrong) == 0 || len(wrong) == len(files) {
		t.Fatalf("%d of %d teacher files make wrong claims; want some right, some wrong", len(wrong), len(files))
	}
	code, results := checkJSON(t, files...)
	if code != 1 {
		t.Errorf("exit status %d; want 1 (some fail)", code)
	}
	for _, r := range results {
		var failed []string
		for _, o := range r.Expectations {
			if !o.Pass {
				failed = append(failed, o.Key)
			}
		}
		want := wantFail[r.File]
		slices.Sort(failed)
		slices.Sort(want)
		if !slices.Equal(failed, want) || r.Pass != (len(want) == 0) || r.Error != "" {
			t.Errorf("%s: pass %v, failed keys %v, error %q; want failed keys %v", r.File, r.Pass, failed, r.Error, want)
		}
	}

	// The table gives each failure's reason at its place in the file.
	out, _ := comanda(t, t.TempDir(), append([]string{"check"}, wrong...)...).Output()
	for _, f := range wrong {
		s, err := scenarios.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range wantFail[f] {
			pos := s.Expect.Pos[key]
			reason := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(f) + `:` + itoa(pos.Line) + `:` + itoa(pos.Col) +
				`: expect\.` + key + `: expected .+, found .+$`)
			if !reason.Match(out) {
				t.Errorf("%s: no reason for %s at %d:%d in the table:\n%s", f, key, pos.Line, pos.Col, out)
			}
		}
	}
}

// EvaluateIn writes what was expected and what was found in the language
// asked for; Evaluate stays in English (JSON, logs).
func TestEvaluateIn(t *testing.T) {
	yes, no, zero, one, ten, six := true, false, 0, 1, 10, 6
	exp := &scenarios.Expect{
		Violations: []string{"lost-update"}, Clean: &no, Lost: &one, Duplicated: &zero,
		CompletedAtLeast: &ten, Deadlock: &yes, WithinSteps: &six,
	}
	sum := &runner.Summary{
		Orders:     sim.Orders{Lost: 1, Completed: 3},
		Counts:     map[string]int{"lost-update": 2, "order-lost": 1},
		Violations: []runner.Violation{{Kind: "lost-update", Step: 5}},
		Stop:       "max-steps",
	}
	type row struct{ Key, Expected, Found string }
	rows := func(outs []runner.Outcome) []row {
		var rs []row
		for _, o := range outs {
			rs = append(rs, row{o.Key, o.Expected, o.Found})
		}
		return rs
	}
	en := []row{
		{"violations", "lost-update happens", "lost-update ×2"},
		{"clean", "some violation", "lost-update ×2, order-lost ×1"},
		{"lost", "1 lost", "1"},
		{"duplicated", "0 duplicated", "0"},
		{"completed_at_least", "at least 10 completed", "3"},
		{"deadlock", "a deadlock", "no deadlock"},
		{"within_steps", "by step 6", "step 5"},
	}
	pt := []row{
		{"violations", "lost-update acontece", "lost-update ×2"},
		{"clean", "alguma violação", "lost-update ×2, order-lost ×1"},
		{"lost", "1 perdido(s)", "1"},
		{"duplicated", "0 duplicado(s)", "0"},
		{"completed_at_least", "pelo menos 10 concluído(s)", "3"},
		{"deadlock", "um deadlock", "nenhum deadlock"},
		{"within_steps", "até o passo 6", "passo 5"},
	}
	if diff := cmp.Diff(en, rows(runner.Evaluate(exp, sum))); diff != "" {
		t.Errorf("Evaluate (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(pt, rows(runner.EvaluateIn(i18n.PTBR, exp, sum))); diff != "" {
		t.Errorf("EvaluateIn(pt-BR) (-want +got):\n%s", diff)
	}
	var pass []bool
	for _, o := range runner.Evaluate(exp, sum) {
		pass = append(pass, o.Pass)
	}
	if want := []bool{true, true, true, true, false, false, true}; !slices.Equal(pass, want) {
		t.Errorf("Pass = %v; want %v", pass, want)
	}
}
