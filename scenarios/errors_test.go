package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseErrors parses src as scenario.toml and returns every message, or
// fails the test when Parse does not return an ErrorList.
func parseErrors(t *testing.T, src string) []string {
	t.Helper()
	s, err := Parse("scenario.toml", []byte(src))
	if err == nil {
		t.Fatalf("Parse accepted the file, want errors; got %+v", s)
	}
	if s != nil {
		t.Errorf("Parse returned a scenario along with an error")
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, want an ErrorList: %v", err, err)
	}
	var msgs []string
	for _, e := range list {
		msgs = append(msgs, e.Error())
	}
	if got, want := err.Error(), strings.Join(msgs, "\n"); got != want {
		t.Errorf("ErrorList.Error() = %q, want the messages one per line: %q", got, want)
	}
	return msgs
}

// TestParseErrors checks the exact text of the messages for many kinds of
// mistakes, and that every problem of a file is reported, in order.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "unknown key near miss in table",
			src: `name = "x"
[producers]
thnk = "1s"
`,
			want: []string{
				"scenario.toml:3:1: unknown key \"thnk\" in [producers] (did you mean \"think\"?)",
			},
		},
		{
			name: "unknown key without near miss",
			src: `name = "x"
[producers]
speed = 3
`,
			want: []string{
				"scenario.toml:3:1: unknown key \"speed\" in [producers] (valid keys: count, think)",
			},
		},
		{
			name: "unknown key at top level near miss",
			src: `name = "x"
seeed = 3
`,
			want: []string{
				"scenario.toml:2:1: unknown key \"seeed\" (did you mean \"seed\"?)",
			},
		},
		{
			name: "unknown key case and dash",
			src: `name = "x"
Seed = 3
lock-scope = "shared"
`,
			want: []string{
				"scenario.toml:2:1: unknown key \"Seed\" (did you mean \"seed\"?)",
				"scenario.toml:3:1: unknown key \"lock-scope\" (did you mean \"lock_scope\"?)",
			},
		},
		{
			name: "unknown key belongs at top",
			src: `name = "x"
[menu]
tables = 4
seed = 9
`,
			want: []string{
				"scenario.toml:4:1: unknown key \"seed\" in [menu]; seed goes at the top of the file, before the first [table]",
			},
		},
		{
			name: "unknown key belongs in other table",
			src: `name = "x"
[producers]
prep = "1s"
`,
			want: []string{
				"scenario.toml:3:1: unknown key \"prep\" in [producers] (did you mean \"think\"?)",
			},
		},
		{
			name: "unknown key in description",
			src: `name = "x"
description = { en = "a", pt_BR = "b", fr = "c" }
`,
			want: []string{
				"scenario.toml:2:27: unknown key \"pt_BR\" in [description] (did you mean \"pt-BR\"?)",
				"scenario.toml:2:40: unknown key \"fr\" in [description] (valid keys: en, pt-BR)",
			},
		},
		{
			name: "unknown key in faults",
			src: `name = "x"
[[faults]]
kil = "C1"
when = "holding-lock"
`,
			want: []string{
				"scenario.toml:3:1: unknown key \"kil\" in [[faults]] (did you mean \"kill\"?)",
			},
		},
		{
			name: "unknown key in inline fault",
			src: `name = "x"
faults = [{ kill = "C1", when = "holding-lock", times = 2 }]
`,
			want: []string{
				"scenario.toml:2:49: unknown key \"times\" in [[faults]] (valid keys: kill, when, after, count)",
			},
		},
		{
			name: "unknown dotted key",
			src: `name = "x"
producer.count = 2
`,
			want: []string{
				"scenario.toml:2:1: unknown key \"producer\" (did you mean \"producers\"?)",
			},
		},
		{
			name: "unknown table near miss",
			src: `name = "x"
[producer]
count = 2
`,
			want: []string{
				"scenario.toml:2:2: unknown table [producer] (did you mean [producers]?)",
			},
		},
		{
			name: "unknown table",
			src: `name = "x"
[kitchen]
stoves = 2
`,
			want: []string{
				"scenario.toml:2:2: unknown table [kitchen] (valid tables: [description], [producers], [consumers], [menu], [[faults]], [expect])",
			},
		},
		{
			name: "unknown array table",
			src: `name = "x"
[[fault]]
kill = "C1"
`,
			want: []string{
				"scenario.toml:2:3: unknown table [[fault]] (did you mean [[faults]]?)",
			},
		},
		{
			name: "unknown table inside table",
			src: `name = "x"
[producers.extra]
a = 1
`,
			want: []string{
				"scenario.toml:2:12: unknown table [producers.extra]: [producers] has no tables inside (valid keys: count, think)",
			},
		},
		{
			name: "unknown key with table given a plain value",
			src: `name = "x"
producers = 3
speeed = 1
`,
			want: []string{
				"scenario.toml:2:13: producers: expected a table, like [producers], found an integer (3)",
				"scenario.toml:3:1: unknown key \"speeed\" (did you mean \"seed\"?)",
			},
		},
		{
			name: "faults with one bracket",
			src: `name = "x"
[faults]
kill = "C1"
`,
			want: []string{
				"scenario.toml:2:2: faults: write [[faults]] with two brackets: each [[faults]] block is one fault",
			},
		},
		{
			name: "faults not tables",
			src: `name = "x"
faults = [1, "C1"]
`,
			want: []string{
				"scenario.toml:2:11: faults[1]: expected a table, like { kill = \"C1\", when = \"after\", after = \"2s\" }, found an integer (1)",
				"scenario.toml:2:14: faults[2]: expected a table, like { kill = \"C1\", when = \"after\", after = \"2s\" }, found a string (\"C1\")",
			},
		},
		{
			name: "bad enums",
			src: `name = "x"
protocol = "Shadow"
lock_scope = "global"
locks = "three"
mode = "step"
driver = "thread"
`,
			want: []string{
				"scenario.toml:2:12: protocol: \"Shadow\" is not a protocol (did you mean \"shadow\"?); expected one of: seed, shadow, ring",
				"scenario.toml:3:14: lock_scope: \"global\" is not a lock scope; expected one of: shared, per-process",
				"scenario.toml:4:9: locks: \"three\" is not a number of locks; expected one of: one, two",
				"scenario.toml:5:8: mode: \"step\" is not a mode; expected one of: free, stepped",
				"scenario.toml:6:10: driver: \"thread\" is not a driver; expected one of: process, inproc",
			},
		},
		{
			name: "wrong types",
			src: `name = 42
seed = "42"
capacity = "fifty"
lock = "yes"
fast = 1
duration = 60
max_steps = 2.5
`,
			want: []string{
				"scenario.toml:1:8: name: expected a string, found an integer (42)",
				"scenario.toml:2:8: seed: expected an integer, found a string (\"42\"); write it without quotes: seed = 42",
				"scenario.toml:3:12: capacity: expected an integer, found a string (\"fifty\")",
				"scenario.toml:4:8: lock: expected true or false, found a string (\"yes\"); write lock = true, without quotes",
				"scenario.toml:5:8: fast: expected true or false, found an integer (1); write fast = true",
				"scenario.toml:6:12: duration: expected a duration in quotes, like \"90s\", found an integer (60); write duration = \"60s\" if you mean seconds",
				"scenario.toml:7:13: max_steps: expected an integer, found a decimal number (2.5)",
			},
		},
		{
			name: "type table for value",
			src: `name = "x"
[producers]
count = { n = 2 }
`,
			want: []string{
				"scenario.toml:3:9: producers.count: expected an integer, found a table",
			},
		},
		{
			name: "negative seed",
			src: `name = "x"
seed = -1
`,
			want: []string{
				"scenario.toml:2:8: seed: -1 is out of range; expected 0 or more",
			},
		},
		{
			name: "name too long",
			src: `name = "Uma cena muito longa para um nome de cenário, passando do limite!"
`,
			want: []string{
				"scenario.toml:1:8: name: is 65 characters long; expected 1–60 characters",
			},
		},
		{
			name: "name empty",
			src: `name = ""
`,
			want: []string{
				"scenario.toml:1:8: name: is empty; expected 1–60 characters",
			},
		},
		{
			name: "name missing",
			src: `seed = 3
`,
			want: []string{
				"scenario.toml: name: missing; every scenario needs a name, like name = \"Lost update\"",
			},
		},
		{
			name: "out of range numbers",
			src: `name = "x"
capacity = 0
[producers]
count = 17
[consumers]
count = 0
[menu]
tables = 1000
`,
			want: []string{
				"scenario.toml:2:12: capacity: 0 is out of range; expected 1–100 with protocol = \"shadow\"",
				"scenario.toml:4:9: producers.count: 17 is out of range; expected 1–16",
				"scenario.toml:6:9: consumers.count: 0 is out of range; expected 1–16",
				"scenario.toml:8:10: menu.tables: 1000 is out of range; expected 1–999",
			},
		},
		{
			name: "capacity depends on protocol",
			src: `name = "x"
capacity = 200
`,
			want: []string{
				"scenario.toml:2:12: capacity: 200 is out of range; expected 1–100 with protocol = \"shadow\"",
			},
		},
		{
			name: "capacity ring",
			src: `name = "x"
protocol = "ring"
capacity = 70000
`,
			want: []string{
				"scenario.toml:3:12: capacity: 70000 is out of range; expected 1–65536 with protocol = \"ring\"",
			},
		},
		{
			name: "bad durations",
			src: `name = "x"
duration = "5 minutes"
write_pace = "60"
grace = ""
drain_timeout = "1 h"
`,
			want: []string{
				"scenario.toml:2:12: duration: \"5 minutes\" is not a duration; expected a number with a unit, like \"90s\" or \"2m\"",
				"scenario.toml:3:14: write_pace: \"60\" has no unit; expected a number with a unit, like \"90s\" or \"2m\"",
				"scenario.toml:4:9: grace: \"\" is not a duration; expected a number with a unit, like \"90s\" or \"2m\"",
				"scenario.toml:5:17: drain_timeout: \"1 h\" is not a duration; expected a number with a unit, like \"90s\" or \"2m\"",
			},
		},
		{
			name: "durations out of range",
			src: `name = "x"
duration = "25h"
write_pace = "11s"
grace = "-1s"
drain_timeout = "11m"
`,
			want: []string{
				"scenario.toml:2:12: duration: \"25h\" is out of range; expected 0s–24h",
				"scenario.toml:3:14: write_pace: \"11s\" is out of range; expected 0s–10s",
				"scenario.toml:4:9: grace: \"-1s\" is out of range; expected 0s–1m",
				"scenario.toml:5:17: drain_timeout: \"11m\" is out of range; expected 0s–10m",
			},
		},
		{
			name: "bad ranges",
			src: `name = "x"
[producers]
think = "1s..soon"
[consumers]
prep = "1s...4s"
`,
			want: []string{
				"scenario.toml:3:9: producers.think: \"1s..soon\" is not a duration or a range; expected a duration like \"2s\" or a range like \"1s..4s\"",
				"scenario.toml:5:8: consumers.prep: \"1s...4s\" is not a duration or a range; expected a duration like \"2s\" or a range like \"1s..4s\"",
			},
		},
		{
			name: "backwards and out of range ranges",
			src: `name = "x"
[producers]
think = "4s..1s"
[consumers]
prep = "30m..2h"
`,
			want: []string{
				"scenario.toml:3:9: producers.think: \"4s..1s\": the range is backwards; expected \"A..B\" with A ≤ B",
				"scenario.toml:5:8: consumers.prep: \"30m..2h\" is out of range; expected durations from 0s to 1h",
			},
		},
		{
			name: "range as number",
			src: `name = "x"
[producers]
think = 2
`,
			want: []string{
				"scenario.toml:3:9: producers.think: expected a duration or a range in quotes, like \"1s..4s\", found an integer (2); write think = \"2s\" if you mean seconds",
			},
		},
		{
			name: "policy in free mode",
			src: `name = "x"
policy = "round-robin"
`,
			want: []string{
				"scenario.toml:2:10: policy is only used in stepped mode; add mode = \"stepped\"",
			},
		},
		{
			name: "max_steps in free mode",
			src: `name = "x"
max_steps = 500
`,
			want: []string{
				"scenario.toml:2:13: max_steps is only used in stepped mode; add mode = \"stepped\"",
			},
		},
		{
			name: "max_steps out of range",
			src: `name = "x"
mode = "stepped"
max_steps = 0
`,
			want: []string{
				"scenario.toml:3:13: max_steps: 0 is out of range; expected 1–10000000",
			},
		},
		{
			name: "lock_order needs two locks",
			src: `name = "x"
lock_order = "opposite"
`,
			want: []string{
				"scenario.toml:2:14: lock_order: \"opposite\" only matters with two locks; add locks = \"two\"",
			},
		},
		{
			name: "policy bad value",
			src: `name = "x"
mode = "stepped"
policy = "robin"
`,
			want: []string{
				"scenario.toml:3:10: policy: \"robin\" is not a policy; expected one of: random, round-robin, script, manual",
			},
		},
		{
			name: "script without schedule",
			src: `name = "x"
mode = "stepped"
policy = "script"
`,
			want: []string{
				"scenario.toml:3:10: schedule: missing; policy = \"script\" needs a schedule, like schedule = \"P1 P2 C1\"",
			},
		},
		{
			name: "empty schedule",
			src: `name = "x"
mode = "stepped"
policy = "script"
schedule = "   "
`,
			want: []string{
				"scenario.toml:4:12: schedule: is empty; policy = \"script\" needs a schedule, like schedule = \"P1 P2 C1\"",
			},
		},
		{
			name: "schedule without script",
			src: `name = "x"
mode = "stepped"
schedule = "P1 C1"
`,
			want: []string{
				"scenario.toml:3:12: schedule is only used with policy = \"script\"; add policy = \"script\"",
			},
		},
		{
			name: "schedule tokens",
			src: `name = "x"
mode = "stepped"
policy = "script"
schedule = "P1 P2*3 X1 P1*0 P1*x P3 *2 p1 C1,C2 C1*1001"
`,
			want: []string{
				"scenario.toml:4:21: schedule: \"X1\" (column 9 of the schedule) is not a worker; this scenario has P1–P2 and C1–C3",
				"scenario.toml:4:24: schedule: \"P1*0\" (column 12 of the schedule): the repeat count 0 is out of range; expected 1–1000",
				"scenario.toml:4:29: schedule: \"P1*x\" (column 17 of the schedule): \"x\" is not a repeat count; expected \"NAME\" or \"NAME*N\" with N from 1 to 1000, like \"P1*3\"",
				"scenario.toml:4:34: schedule: \"P3\" (column 22 of the schedule) is not a worker; this scenario has P1–P2 and C1–C3",
				"scenario.toml:4:37: schedule: \"*2\" (column 25 of the schedule) has no worker name; expected \"NAME\" or \"NAME*N\" with N from 1 to 1000, like \"P1*3\"",
				"scenario.toml:4:40: schedule: \"p1\" (column 28 of the schedule) is not a worker (did you mean \"P1\"?); this scenario has P1–P2 and C1–C3",
				"scenario.toml:4:43: schedule: \"C1,C2\" (column 31 of the schedule) is not a worker; separate the names with spaces, not commas; this scenario has P1–P2 and C1–C3",
				"scenario.toml:4:49: schedule: \"C1*1001\" (column 37 of the schedule): the repeat count 1001 is out of range; expected 1–1000",
			},
		},
		{
			name: "schedule with escapes",
			src: `name = "x"
mode = "stepped"
policy = "script"
schedule = "P1\tX1"
`,
			want: []string{
				"scenario.toml:4:12: schedule: \"X1\" (column 4 of the schedule) is not a worker; this scenario has P1–P2 and C1–C3",
			},
		},
		{
			name: "schedule with fewer producers",
			src: `name = "x"
mode = "stepped"
policy = "script"
schedule = "P1 P2"
[producers]
count = 1
[consumers]
count = 1
`,
			want: []string{
				"scenario.toml:4:16: schedule: \"P2\" (column 4 of the schedule) is not a worker; this scenario has P1 and C1",
			},
		},
		{
			name: "fault errors",
			src: `name = "x"
[[faults]]
kill = "C9"
when = "after"
[[faults]]
when = "later"
count = 0
[[faults]]
kill = "P1"
when = "holding-lock"
after = "2s"
[[faults]]
kill = "c1"
`,
			want: []string{
				"scenario.toml:3:8: faults[1].kill: \"C9\" is not a worker; this scenario has P1–P2 and C1–C3",
				"scenario.toml:4:8: faults[1].after: missing; when = \"after\" needs after = \"2s\" (the time since the start)",
				"scenario.toml:5:1: faults[2].kill: missing; say which worker to kill, like kill = \"C1\"",
				"scenario.toml:6:8: faults[2].when: \"later\" is not a moment to kill (did you mean \"after\"?); expected one of: holding-lock, after",
				"scenario.toml:7:9: faults[2].count: 0 is out of range; expected 1–1000",
				"scenario.toml:11:9: faults[3].after is only used with when = \"after\"; remove it or use when = \"after\"",
				"scenario.toml:12:1: faults[4].when: missing; expected when = \"holding-lock\" or when = \"after\"",
				"scenario.toml:13:8: faults[4].kill: \"c1\" is not a worker (did you mean \"C1\"?); this scenario has P1–P2 and C1–C3",
			},
		},
		{
			name: "fault after out of range",
			src: `name = "x"
[[faults]]
kill = "P2"
when = "after"
after = "25h"
count = 1001
`,
			want: []string{
				"scenario.toml:5:9: faults[1].after: \"25h\" is out of range; expected 0s–24h",
				"scenario.toml:6:9: faults[1].count: 1001 is out of range; expected 1–1000",
			},
		},
		{
			name: "expect errors",
			src: `name = "x"
[expect]
violations = ["lost-updat", "torn-write", "raced"]
clean = true
lost = -1
duplicated = -2
completed_at_least = -3
within_steps = 0
`,
			want: []string{
				"scenario.toml:3:15: expect.violations[1]: \"lost-updat\" is not a violation (did you mean \"lost-update\"?); expected one of: lost-update, torn-write, double-processing, order-lost, stats-drift, deadlock, lock-owner-died",
				"scenario.toml:3:43: expect.violations[3]: \"raced\" is not a violation; expected one of: lost-update, torn-write, double-processing, order-lost, stats-drift, deadlock, lock-owner-died",
				"scenario.toml:4:9: expect.clean: clean = true means no violation at all, but violations lists \"lost-updat\"; keep only one of them",
				"scenario.toml:5:8: expect.lost: -1 is out of range; expected 0 or more",
				"scenario.toml:6:14: expect.duplicated: -2 is out of range; expected 0 or more",
				"scenario.toml:7:22: expect.completed_at_least: -3 is out of range; expected 0 or more",
				"scenario.toml:8:16: expect.within_steps: 0 is out of range; expected 1 or more",
			},
		},
		{
			name: "expect within_steps needs violations",
			src: `name = "x"
[expect]
within_steps = 40
`,
			want: []string{
				"scenario.toml:3:16: expect.within_steps: says by when the first expected violation happens, but violations is empty; add violations = [\"…\"]",
			},
		},
		{
			name: "expect violations not a list",
			src: `name = "x"
[expect]
violations = "lost-update"
clean = "yes"
`,
			want: []string{
				"scenario.toml:3:14: expect.violations: expected a list of strings, like [\"lost-update\"], found a string (\"lost-update\")",
				"scenario.toml:4:9: expect.clean: expected true or false, found a string (\"yes\"); write clean = true, without quotes",
			},
		},
		{
			name: "expect deadlock contradictions",
			src: `name = "x"
[expect]
violations = ["deadlock"]
deadlock = false
`,
			want: []string{
				"scenario.toml:4:12: expect.deadlock: deadlock = false contradicts violations, which lists \"deadlock\"",
			},
		},
		{
			name: "menu errors",
			src: `name = "x"
[menu]
items = ["Pizza", "", "Pizza", "Pão de queijo com recheio de catupiry e bacon crocante", "Tab\there", 7]
`,
			want: []string{
				"scenario.toml:3:103: menu.items[6]: expected a string, found an integer (7)",
			},
		},
		{
			name: "menu problems without wrong types",
			src: `name = "x"
[menu]
items = ["Pizza", "", "Pizza", "Pão de queijo com recheio de catupiry e bacon crocante", "Tab\there"]
`,
			want: []string{
				"scenario.toml:3:19: menu.items[2]: is empty; expected 1–48 bytes",
				"scenario.toml:3:23: menu.items[3]: \"Pizza\" is already item 1 of the menu; each item must be different",
				"scenario.toml:3:32: menu.items[4]: \"Pão de queijo com recheio de catupiry e …\" is 55 bytes long; expected 1–48 bytes (accented letters take 2)",
				"scenario.toml:3:90: menu.items[5]: \"Tab\\there\" contains a control character (like a tab or a new line); remove it",
			},
		},
		{
			name: "menu empty",
			src: `name = "x"
[menu]
items = []
`,
			want: []string{
				"scenario.toml:3:9: menu.items: the menu is empty; expected 1–32 items",
			},
		},
		{
			name: "menu too many",
			src: `name = "x"
[menu]
items = ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18","19","20","21","22","23","24","25","26","27","28","29","30","31","32","33"]
`,
			want: []string{
				"scenario.toml:3:9: menu.items: 33 items is too many; expected 1–32 items",
			},
		},
		{
			name: "syntax error",
			src: `name = "x"
capacity 50
`,
			want: []string{
				"scenario.toml:2:10: expected '=' after key\n    1| name = \"x\"\n    2| capacity 50\n     |          ~ expected '=' after key",
			},
		},
		{
			name: "syntax error duplicate key",
			src: `name = "x"
seed = 1
seed = 2
`,
			want: []string{
				"scenario.toml:3:1: key seed is already defined\n    1| name = \"x\"\n    2| seed = 1\n    3| seed = 2\n     | ~~~~ key seed is already defined",
			},
		},
		{
			name: "syntax error unterminated string",
			src: `name = "x
`,
			want: []string{
				"scenario.toml:1:10: basic strings cannot have new lines\n    1| name = \"x\n     |          ~ basic strings cannot have new lines",
			},
		},
		{
			name: "several errors in position order",
			src: `[producers]
count = 0
thnk = "1s"
[menu]
tables = 0
[top]
`,
			want: []string{
				"scenario.toml: name: missing; every scenario needs a name, like name = \"Lost update\"",
				"scenario.toml:2:9: producers.count: 0 is out of range; expected 1–16",
				"scenario.toml:3:1: unknown key \"thnk\" in [producers] (did you mean \"think\"?)",
				"scenario.toml:5:10: menu.tables: 0 is out of range; expected 1–999",
				"scenario.toml:6:2: unknown table [top] (valid tables: [description], [producers], [consumers], [menu], [[faults]], [expect])",
			},
		},
		{
			name: "case mismatch in tables",
			src: `name = "x"
[Producers]
count = 2
[consumers]
Prep = "1s"
`,
			want: []string{
				"scenario.toml:2:2: unknown table [Producers] (did you mean [producers]?)",
				"scenario.toml:5:1: unknown key \"Prep\" in [consumers] (did you mean \"prep\"?)",
			},
		},
		{
			name: "misspelled name is not also missing",
			src: `nme = "x"
`,
			want: []string{
				"scenario.toml:1:1: unknown key \"nme\" (did you mean \"name\"?)",
			},
		},
		{
			name: "unknown key in expect",
			src: `name = "x"
[expect]
violation = ["lost-update"]
lost = "zero"
`,
			want: []string{
				"scenario.toml:3:1: unknown key \"violation\" in [expect] (did you mean \"violations\"?)",
				"scenario.toml:4:8: expect.lost: expected an integer, found a string (\"zero\")",
			},
		},
		{
			name: "grace and drain out of range",
			src: `name = "x"
grace = "61s"
drain_timeout = "-1s"
`,
			want: []string{
				"scenario.toml:2:9: grace: \"61s\" is out of range; expected 0s–1m",
				"scenario.toml:3:17: drain_timeout: \"-1s\" is out of range; expected 0s–10m",
			},
		},
		{
			name: "opposite with two locks is fine but bad locks",
			src: `name = "x"
locks = "2"
lock_order = "reverse"
`,
			want: []string{
				"scenario.toml:2:9: locks: \"2\" is not a number of locks; expected one of: one, two",
				"scenario.toml:3:14: lock_order: \"reverse\" is not a lock order; expected one of: same, opposite",
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

func TestDescriptionTooLong(t *testing.T) {
	src := "name = \"x\"\ndescription.pt-BR = \"" + strings.Repeat("é", 401) + "\"\n"
	got := parseErrors(t, src)
	want := []string{"scenario.toml:2:21: description.pt-BR: is 401 characters long; expected at most 400 characters"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
}

func TestTooManyFaults(t *testing.T) {
	var b strings.Builder
	b.WriteString("name = \"x\"\n")
	for i := 0; i < 33; i++ {
		b.WriteString("[[faults]]\nkill = \"C1\"\nwhen = \"holding-lock\"\n")
	}
	got := parseErrors(t, b.String())
	want := []string{"scenario.toml:98:1: faults: 33 faults is too many; expected at most 32"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
}

func TestScheduleTooLong(t *testing.T) {
	src := "name = \"x\"\nmode = \"stepped\"\npolicy = \"script\"\nschedule = \"" +
		strings.Repeat("P1*1000 ", 100) + "C1\"\n"
	got := parseErrors(t, src)
	want := []string{fmt.Sprintf("scenario.toml:4:%d: schedule: \"C1\" (column %d of the schedule): "+
		"the schedule is too long; it may have at most 100000 steps once repeats are written out", 13+800, 801)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
}
