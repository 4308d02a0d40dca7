package scenarios

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTeacherMistakes checks the messages for mistakes a teacher makes
// writing an assignment's [expect] block: misspelled keys, values in the
// wrong form, run_for out of range. Each message names the file, line,
// column and key, says what was expected, and how to write it.
func TestTeacherMistakes(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "misspelled expect keys",
			src: `name = "x"
[expect]
runfor = "8s"
completed_atleast = 3
violation = ["lost-update"]
Lost = 0
`,
			want: []string{
				`scenario.toml:3:1: unknown key "runfor" in [expect] (did you mean "run_for"?)`,
				`scenario.toml:4:1: unknown key "completed_atleast" in [expect] (did you mean "completed_at_least"?)`,
				`scenario.toml:5:1: unknown key "violation" in [expect] (did you mean "violations"?)`,
				`scenario.toml:6:1: unknown key "Lost" in [expect] (did you mean "lost"?)`,
			},
		},
		{
			name: "near-miss violation names",
			src: `name = "x"
[expect]
violations = ["lost update", "Deadlock", "order_lost"]
`,
			want: []string{
				`scenario.toml:3:15: expect.violations[1]: "lost update" is not a violation (did you mean "lost-update"?); expected one of: lost-update, torn-write, double-processing, order-lost, stats-drift, deadlock, lock-owner-died`,
				`scenario.toml:3:30: expect.violations[2]: "Deadlock" is not a violation (did you mean "deadlock"?); expected one of: lost-update, torn-write, double-processing, order-lost, stats-drift, deadlock, lock-owner-died`,
				`scenario.toml:3:42: expect.violations[3]: "order_lost" is not a violation (did you mean "order-lost"?); expected one of: lost-update, torn-write, double-processing, order-lost, stats-drift, deadlock, lock-owner-died`,
			},
		},
		{
			name: "values in the wrong form get a hint",
			src: `name = "x"
lock = "off"
duration = 60
[producers]
count = "2"
think = 1.5
[expect]
within_steps = "40"
lost = 1.0
deadlock = "yes"
clean = 0
`,
			want: []string{
				`scenario.toml:2:8: lock: expected true or false, found a string ("off"); write lock = false, without quotes`,
				`scenario.toml:3:12: duration: expected a duration in quotes, like "90s", found an integer (60); write duration = "60s" if you mean seconds`,
				`scenario.toml:5:9: producers.count: expected an integer, found a string ("2"); write it without quotes: count = 2`,
				`scenario.toml:6:9: producers.think: expected a duration or a range in quotes, like "1s..4s", found a decimal number (1.5); write think = "1.5s" if you mean seconds`,
				`scenario.toml:8:16: expect.within_steps: expected an integer, found a string ("40"); write it without quotes: within_steps = 40`,
				`scenario.toml:9:8: expect.lost: expected an integer, found a decimal number (1); write it without a decimal point: lost = 1`,
				`scenario.toml:10:12: expect.deadlock: expected true or false, found a string ("yes"); write deadlock = true, without quotes`,
				`scenario.toml:11:9: expect.clean: expected true or false, found an integer (0); write clean = false`,
			},
		},
		{
			name: "expect with two brackets",
			src: `name = "x"
[[expect]]
lost = 0
`,
			want: []string{
				`scenario.toml:2:3: expect: expected a table, like [expect], found a list; write [expect] with one bracket`,
			},
		},
		{
			name: "run_for out of range and unreadable",
			src: `name = "x"
[expect]
run_for = "500ms"
[[faults]]
kill = "C1"
when = "after"
after = "1s"
`,
			want: []string{
				`scenario.toml:3:11: expect.run_for: "500ms" is out of range; expected 1s–10m`,
			},
		},
		{
			name: "run_for too long, zero, no unit, a number",
			src: `name = "x"
[expect]
run_for = "11m"
`,
			want: []string{
				`scenario.toml:3:11: expect.run_for: "11m" is out of range; expected 1s–10m`,
			},
		},
		{
			name: "run_for zero",
			src: `name = "x"
[expect]
run_for = "0s"
`,
			want: []string{
				`scenario.toml:3:11: expect.run_for: "0s" is out of range; expected 1s–10m`,
			},
		},
		{
			name: "run_for without unit",
			src: `name = "x"
[expect]
run_for = "8"
`,
			want: []string{
				`scenario.toml:3:11: expect.run_for: "8" has no unit; expected a number with a unit, like "90s" or "2m"`,
			},
		},
		{
			name: "run_for as a number",
			src: `name = "x"
[expect]
run_for = 8
`,
			want: []string{
				`scenario.toml:3:11: expect.run_for: expected a duration in quotes, like "90s", found an integer (8); write run_for = "8s" if you mean seconds`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, tt.src)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages differ (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGradable checks what keeps a valid scenario from being graded by
// `comanda check`, and that run_for counts as the check's duration.
func TestGradable(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // nil: gradable
	}{
		{
			name: "stepped with expect",
			src: `name = "x"
mode = "stepped"
[expect]
clean = true
`,
		},
		{
			name: "free with a duration",
			src: `name = "x"
duration = "3s"
[expect]
lost = 0
`,
		},
		{
			name: "free, run_for instead of a duration",
			src: `name = "x"
duration = "0s"
[expect]
lost = 0
run_for = "5s"
`,
		},
		{
			name: "no expect",
			src: `name = "x"
duration = "3s"
`,
			want: []string{
				`scenario.toml: no [expect] block: check has nothing to test; add one, like [expect] with clean = true (docs/scenarios.md lists its keys)`,
			},
		},
		{
			name: "expect with nothing to test",
			src: `name = "x"
duration = "3s"
[expect]
run_for = "2s"
`,
			want: []string{
				`scenario.toml:3:2: expect: [expect] tests nothing: give at least one of violations, clean, lost, duplicated, completed_at_least, deadlock, within_steps`,
			},
		},
		{
			name: "free mode that never ends",
			src: `name = "x"
duration = "0s"
[expect]
lost = 0
`,
			want: []string{
				`scenario.toml:2:12: duration: "0s" runs until stopped, so check would never end; give a duration, or add run_for = "10s" to [expect]`,
			},
		},
		{
			name: "free mode without a duration",
			src: `name = "x"
[expect]
lost = 0
`,
			want: []string{
				`scenario.toml: duration: not given, so the run never stops by itself and check would never end; add duration = "10s", or run_for = "10s" to [expect]`,
			},
		},
		{
			name: "manual policy",
			src: `name = "x"
mode = "stepped"
policy = "manual"
[expect]
lost = 0
`,
			want: []string{
				`scenario.toml:3:10: policy: "manual" needs someone at the keyboard, and check runs without one; use "random", "round-robin" or "script"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.src)
			var got []string
			for _, e := range s.Gradable() {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Gradable() differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunTime(t *testing.T) {
	s := mustParse(t, "name = \"x\"\nduration = \"60s\"\n[expect]\nlost = 0\nrun_for = \"8s\"\n")
	if got := s.RunTime(false); got != 60*time.Second {
		t.Errorf("RunTime(false) = %v; want the duration, 1m0s", got)
	}
	if got := s.RunTime(true); got != 8*time.Second {
		t.Errorf("RunTime(true) = %v; want run_for, 8s", got)
	}
	s = mustParse(t, "name = \"x\"\nduration = \"60s\"\n")
	if got := s.RunTime(true); got != 60*time.Second {
		t.Errorf("RunTime(true) without [expect] = %v; want 1m0s", got)
	}
}
