package scenarios

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ignoreFile leaves out the unexported record of where values were.
var ignoreFile = cmpopts.IgnoreUnexported(Scenario{})

func mustParse(t *testing.T, src string) *Scenario {
	t.Helper()
	s, err := Parse("scenario.toml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func intPtr(n int) *int    { return &n }
func boolPtr(b bool) *bool { return &b }

func TestDefault(t *testing.T) {
	want := &Scenario{
		Name:         "restaurante",
		Seed:         1,
		Protocol:     "shadow",
		LockScope:    "shared",
		Locks:        "one",
		LockOrder:    "same",
		Mode:         "free",
		Policy:       "random",
		Driver:       "process",
		Capacity:     50,
		Lock:         true,
		Grace:        2 * time.Second,
		DrainTimeout: 60 * time.Second,
		Producers:    Group{Count: 2, Think: Range{Min: time.Second, Max: 4 * time.Second}},
		Consumers:    Group{Count: 3, Think: Range{Min: 2 * time.Second, Max: 6 * time.Second}},
		Menu: Menu{Items: []string{
			"Pizza Margherita", "Hambúrguer Artesanal", "Salada Caesar", "Spaghetti Carbonara",
			"Risoto de Cogumelos", "Filé Mignon", "Sushi Variado", "Lasanha Bolonhesa",
			"Frango Grelhado", "Peixe Assado",
		}, Tables: 20},
		Given: map[string]bool{},
	}
	if diff := cmp.Diff(want, Default(), ignoreFile); diff != "" {
		t.Errorf("Default() differs (-want +got):\n%s", diff)
	}
	if errs := Default().Validate(); errs != nil {
		t.Errorf("Default().Validate() = %v, want no errors", errs)
	}
}

// TestParseDefaults checks that a file with only a name gets every default.
func TestParseDefaults(t *testing.T) {
	src := "name = \"Só o nome\"\n"
	got := mustParse(t, src)
	want := Default()
	want.Name = "Só o nome"
	want.File = "scenario.toml"
	want.Source = []byte(src)
	want.Given = map[string]bool{"name": true}
	if diff := cmp.Diff(want, got, ignoreFile); diff != "" {
		t.Errorf("Parse differs from the defaults (-want +got):\n%s", diff)
	}
	if got.Expect != nil {
		t.Errorf("Expect = %+v, want nil without [expect]", got.Expect)
	}
}

func TestParseSteppedDefaultMaxSteps(t *testing.T) {
	s := mustParse(t, "name = \"x\"\nmode = \"stepped\"\n")
	if s.MaxSteps != 100000 {
		t.Errorf("MaxSteps = %d, want 100000 in stepped mode", s.MaxSteps)
	}
	if s.Given["max_steps"] {
		t.Errorf("Given[max_steps] is true for a defaulted key")
	}
}

// TestParseEveryKey parses a file that gives every key, in an unusual
// order, with inline tables and dotted keys.
func TestParseEveryKey(t *testing.T) {
	src := `# every key
drain_timeout = "30s"
grace = "5s"
driver = "inproc"
fast = true
max_steps = 500
schedule = "P1*2 C1 P2"
policy = "script"
mode = "stepped"
lock_order = "opposite"
locks = "two"
write_pace = "5ms"
lock_scope = "per-process"
lock = false
capacity = 8
protocol = "ring"
duration = "1m30s"
seed = 42
description = { en = "Two waiters, no lock.", pt-BR = "Dois garçons, sem trava." }
name = "Lost update"
producers.count = 4
producers.think = "500ms..1s"

[consumers]
count = 1
prep = "3s"

[menu]
items = ["Pizza", "Pão de queijo"]
tables = 5

[[faults]]
kill = "C1"
when = "holding-lock"
count = 2

[[faults]]
kill = "P4"
when = "after"
after = "2s"

[expect]
violations = ["lost-update", "deadlock"]
clean = false
lost = 3
duplicated = 0
completed_at_least = 10
deadlock = true
within_steps = 40
run_for = "8s"
`
	got := mustParse(t, src)
	want := &Scenario{
		Name:         "Lost update",
		Description:  Text{EN: "Two waiters, no lock.", PTBR: "Dois garçons, sem trava."},
		Seed:         42,
		Duration:     90 * time.Second,
		Protocol:     "ring",
		LockScope:    "per-process",
		Locks:        "two",
		LockOrder:    "opposite",
		Mode:         "stepped",
		Policy:       "script",
		Driver:       "inproc",
		Capacity:     8,
		Lock:         false,
		WritePace:    5 * time.Millisecond,
		Schedule:     []string{"P1", "P1", "C1", "P2"},
		MaxSteps:     500,
		Fast:         true,
		Grace:        5 * time.Second,
		DrainTimeout: 30 * time.Second,
		Producers:    Group{Count: 4, Think: Range{Min: 500 * time.Millisecond, Max: time.Second}},
		Consumers:    Group{Count: 1, Think: Range{Min: 3 * time.Second, Max: 3 * time.Second}},
		Menu:         Menu{Items: []string{"Pizza", "Pão de queijo"}, Tables: 5},
		Faults: []Fault{
			{Kill: "C1", When: "holding-lock", Count: 2, Pos: Position{Line: 32, Col: 1}},
			{Kill: "P4", When: "after", After: 2 * time.Second, Count: 1, Pos: Position{Line: 37, Col: 1}},
		},
		Expect: &Expect{
			Violations:       []string{"lost-update", "deadlock"},
			Clean:            boolPtr(false),
			Lost:             intPtr(3),
			Duplicated:       intPtr(0),
			CompletedAtLeast: intPtr(10),
			Deadlock:         boolPtr(true),
			WithinSteps:      intPtr(40),
			RunFor:           8 * time.Second,
			Pos: map[string]Position{
				"violations":         {Line: 43, Col: 1},
				"clean":              {Line: 44, Col: 1},
				"lost":               {Line: 45, Col: 1},
				"duplicated":         {Line: 46, Col: 1},
				"completed_at_least": {Line: 47, Col: 1},
				"deadlock":           {Line: 48, Col: 1},
				"within_steps":       {Line: 49, Col: 1},
				"run_for":            {Line: 50, Col: 1},
			},
			At: Position{Line: 42, Col: 2},
		},
		File:   "scenario.toml",
		Source: []byte(src),
		Given: map[string]bool{
			"name": true, "description": true, "description.en": true, "description.pt-BR": true,
			"seed": true, "duration": true, "protocol": true, "capacity": true, "lock": true,
			"lock_scope": true, "write_pace": true, "locks": true, "lock_order": true, "mode": true,
			"policy": true, "schedule": true, "max_steps": true, "fast": true, "driver": true,
			"grace": true, "drain_timeout": true,
			"producers": true, "producers.count": true, "producers.think": true,
			"consumers": true, "consumers.count": true, "consumers.prep": true,
			"menu": true, "menu.items": true, "menu.tables": true,
			"faults": true, "faults[1].kill": true, "faults[1].when": true, "faults[1].count": true,
			"faults[2].kill": true, "faults[2].when": true, "faults[2].after": true,
			"expect": true, "expect.violations": true, "expect.clean": true, "expect.lost": true,
			"expect.duplicated": true, "expect.completed_at_least": true, "expect.deadlock": true,
			"expect.within_steps": true, "expect.run_for": true,
		},
	}
	if diff := cmp.Diff(want, got, ignoreFile); diff != "" {
		t.Errorf("Parse differs (-want +got):\n%s", diff)
	}
}

func TestParseInlineFaultsPosition(t *testing.T) {
	s := mustParse(t, "name = \"x\"\nfaults = [ { kill = \"C2\", when = \"holding-lock\" } ]\n")
	want := []Fault{{Kill: "C2", When: "holding-lock", Count: 1, Pos: Position{Line: 2, Col: 12}}}
	if diff := cmp.Diff(want, s.Faults); diff != "" {
		t.Errorf("Faults differ (-want +got):\n%s", diff)
	}
}

func TestParseKeepsSourceAndSkipsBOM(t *testing.T) {
	src := []byte("\xef\xbb\xbfname = \"x\"\nseed = -2\n")
	_, err := Parse("bom.toml", src)
	want := "bom.toml:2:8: seed: -2 is out of range; expected 0 or more"
	if err == nil || err.Error() != want {
		t.Fatalf("Parse error = %v, want %q", err, want)
	}
	src = []byte("\xef\xbb\xbfname = \"x\"\r\nseed = 2\r\n")
	s, err := Parse("bom.toml", src)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(s.Source, src) {
		t.Errorf("Source = %q, want the file unchanged %q", s.Source, src)
	}
}

// TestColumnsCountCharacters checks that a column after accented letters
// counts characters, as editors do.
func TestColumnsCountCharacters(t *testing.T) {
	src := "name = \"x\"\ndescription = { pt-BR = \"ação\", en = 3 }\n"
	got := parseErrors(t, src)
	want := []string{"scenario.toml:2:38: description.en: expected a string, found an integer (3)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
}

// TestValidateAfterOverride checks that values changed after Parse are
// reported without a position and by their flag-like name, while values
// still from the file keep their position.
func TestValidateAfterOverride(t *testing.T) {
	s := mustParse(t, "name = \"x\"\ncapacity = 80\n[producers]\ncount = 2\nthink = \"1s..2s\"\n")
	if errs := s.Validate(); errs != nil {
		t.Fatalf("Validate() right after Parse = %v, want nil", errs)
	}
	s.Producers.Count = 0
	s.Protocol = "ring"
	s.Capacity = 100000
	s.Mode = "stepped"
	s.MaxSteps = 0 // not given: stepped mode without a limit is allowed
	s.Consumers.Think = Range{Min: 3 * time.Second, Max: time.Second}
	s.LockOrder = "opposite"
	got := messages(s.Validate())
	want := []string{
		"--capacity: 100000 is out of range; expected 1–65536 with protocol = \"ring\"",
		"--lock-order: \"opposite\" only matters with two locks; add locks = \"two\"",
		"--producers: 0 is out of range; expected 1–16",
		"--consumers-prep: \"3s..1s\": the range is backwards; expected \"A..B\" with A ≤ B",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}

	// A value from the file that is now wrong because of a change elsewhere
	// keeps its position.
	s = mustParse(t, "name = \"x\"\ncapacity = 80\n")
	s.Protocol = "seed"
	s.Capacity = 80
	s.Policy = "manual"
	got = messages(s.Validate())
	want = []string{
		"--policy is only used in stepped mode; add mode = \"stepped\"",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
	s.Mode = "stepped"
	s.Policy = "script"
	s.Schedule = []string{"P1", "P9"}
	got = messages(s.Validate())
	want = []string{
		"--schedule: \"P9\" (step 2 of the schedule) is not a worker; this scenario has P1–P2 and C1–C3",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}

	s = mustParse(t, "name = \"x\"\nmode = \"stepped\"\npolicy = \"script\"\nschedule = \"P1 C3\"\n")
	s.Consumers.Count = 2
	got = messages(s.Validate())
	want = []string{
		"scenario.toml:4:16: schedule: \"C3\" (column 4 of the schedule) is not a worker; this scenario has P1–P2 and C1–C2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
}

func TestValidateSwitchingMode(t *testing.T) {
	// Parse in stepped mode gives max_steps its default; switching to free
	// mode must not blame the user for a key they never wrote.
	s := mustParse(t, "name = \"x\"\nmode = \"stepped\"\n")
	s.Mode = "free"
	if errs := s.Validate(); errs != nil {
		t.Errorf("Validate() = %v, want nil", errs)
	}
	s = mustParse(t, "name = \"x\"\n")
	s.Mode = "stepped"
	if errs := s.Validate(); errs != nil {
		t.Errorf("Validate() = %v, want nil", errs)
	}
	s.MaxSteps = 20_000_000
	got := messages(s.Validate())
	want := []string{"--max-steps: 20000000 is out of range; expected 1–10000000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
}

func TestValidateBuiltScenario(t *testing.T) {
	s := Default()
	s.Name = ""
	s.Faults = []Fault{{Kill: "C1", When: "holding-lock"}, {When: "after", After: time.Second, Count: 1}}
	s.Expect = &Expect{Violations: []string{"lost-update"}, Clean: boolPtr(true)}
	got := messages(s.Validate())
	want := []string{
		"--name: is empty; expected 1–60 characters",
		"faults[1].count: 0 is out of range; expected 1–1000",
		"faults[2].kill: missing; say which worker to kill, like kill = \"C1\"",
		"expect.clean: clean = true means no violation at all, but violations lists \"lost-update\"; keep only one of them",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages differ (-want +got):\n%s", diff)
	}
	for _, e := range s.Validate() {
		if e.File != "" || e.Line != 0 {
			t.Errorf("%q has a position, want none for values not from a file", e.Error())
		}
	}
}

func TestValidateZeroScenario(t *testing.T) {
	errs := (&Scenario{}).Validate()
	if len(errs) == 0 {
		t.Fatal("the zero Scenario validates")
	}
	for _, e := range errs {
		if e.File != "" || e.Line != 0 {
			t.Errorf("%q has a position", e.Error())
		}
	}
}

func messages(errs ErrorList) []string {
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return msgs
}

func TestWorkers(t *testing.T) {
	s := Default()
	want := []string{"P1", "P2", "C1", "C2", "C3"}
	if diff := cmp.Diff(want, s.Workers()); diff != "" {
		t.Errorf("Workers() differs (-want +got):\n%s", diff)
	}
}

func TestTextIn(t *testing.T) {
	both := Text{EN: "hello", PTBR: "olá"}
	onlyEN := Text{EN: "hello"}
	onlyPT := Text{PTBR: "olá"}
	tests := []struct {
		text Text
		lang string
		want string
	}{
		{both, "pt-BR", "olá"},
		{both, "pt", "olá"},
		{both, "pt_BR.UTF-8", "olá"},
		{both, "PT-br", "olá"},
		{both, "en", "hello"},
		{both, "", "hello"},
		{both, "ptx", "hello"},
		{onlyEN, "pt-BR", "hello"},
		{onlyPT, "en", "olá"},
		{Text{}, "en", ""},
	}
	for _, tt := range tests {
		if got := tt.text.In(tt.lang); got != tt.want {
			t.Errorf("%+v.In(%q) = %q, want %q", tt.text, tt.lang, got, tt.want)
		}
	}
}

func TestRangeString(t *testing.T) {
	tests := []struct {
		r    Range
		want string
	}{
		{Range{time.Second, 4 * time.Second}, "1s..4s"},
		{Range{2 * time.Second, 2 * time.Second}, "2s"},
		{Range{500 * time.Millisecond, 90 * time.Second}, "500ms..1m30s"},
		{Range{time.Minute, time.Hour}, "1m..1h"},
		{Range{}, "0s"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.r, got, tt.want)
		}
		if back, ok := parseRange(tt.want); !ok || back != tt.r {
			t.Errorf("parseRange(%q) = %v, %v; want %v", tt.want, back, ok, tt.r)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "a.toml", Line: 3, Col: 7, Msg: "m"}, "a.toml:3:7: m"},
		{Error{File: "a.toml", Line: 3, Msg: "m"}, "a.toml:3: m"},
		{Error{File: "a.toml", Msg: "m"}, "a.toml: m"},
		{Error{Msg: "m"}, "m"},
		{Error{Line: 2, Col: 1, Msg: "m"}, "2:1: m"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestErrorList(t *testing.T) {
	var empty ErrorList
	if empty.Err() != nil {
		t.Errorf("empty ErrorList.Err() = %v, want nil", empty.Err())
	}
	first := &Error{File: "a", Line: 1, Col: 9, Msg: "first"}
	list := ErrorList{
		{File: "a", Line: 2, Col: 1, Msg: "third"},
		{File: "a", Line: 1, Col: 9, Msg: "second, same place"},
		{File: "a", Msg: "whole file"},
	}
	list = append(ErrorList{first}, list...)
	list.Sort()
	want := "a: whole file\na:1:9: first\na:1:9: second, same place\na:2:1: third"
	if got := list.Err().Error(); got != want {
		t.Errorf("sorted list = %q, want %q", got, want)
	}
	var target *Error
	if !errors.As(list.Err(), &target) || target.Msg != "whole file" {
		t.Errorf("errors.As found %v, want the first error", target)
	}
	if !errors.Is(list.Err(), first) {
		t.Errorf("errors.Is does not find an element of the list")
	}
}

func TestSuggest(t *testing.T) {
	candidates := []string{"count", "think", "lock_scope", "seed", "shadow", "ring"}
	tests := []struct{ word, want string }{
		{"thnik", "think"},  // swap
		{"thnk", "think"},   // deletion
		{"thinkk", "think"}, // insertion
		{"cuont", "count"},
		{"lock-scope", "lock_scope"},
		{"LOCK_SCOPE", "lock_scope"},
		{"sed", "seed"},
		{"zebra", ""},
		{"x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, candidates); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}
