package run

import (
	"fmt"
	"slices"
	"strings"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/scenarios"
)

// An Outcome is one expectation of a scenario's [expect] block, checked
// against a run's summary.
type Outcome struct {
	Key      string             `json:"key"`      // the TOML key ("lost", "violations", …)
	Expected string             `json:"expected"` // what the file asks for, in words
	Found    string             `json:"found"`    // what the run did
	Pass     bool               `json:"pass"`
	Pos      scenarios.Position `json:"-"`
}

// Evaluate checks every key of an [expect] block against a summary, in the
// order the keys appear in the DESIGN (violations first). Expected and
// Found are in English, for JSON and logs.
func Evaluate(exp *scenarios.Expect, s *Summary) []Outcome {
	return EvaluateIn(i18n.EN, exp, s)
}

// EvaluateIn is Evaluate with Expected and Found written in language l
// (violation names and keys stay as the file writes them).
func EvaluateIn(l i18n.Lang, exp *scenarios.Expect, s *Summary) []Outcome {
	if exp == nil {
		return nil
	}
	tr := func(key string, args ...any) string { return i18n.T(l, "check."+key, args...) }
	pos := func(key string) scenarios.Position { return exp.Pos[key] }
	var out []Outcome
	counts := s.Counts
	seenKinds := func() string {
		var ks []string
		for k, n := range counts {
			ks = append(ks, fmt.Sprintf("%s ×%d", k, n))
		}
		slices.Sort(ks)
		if len(ks) == 0 {
			return tr("found.none")
		}
		return strings.Join(ks, ", ")
	}
	for _, v := range exp.Violations {
		n := counts[v]
		out = append(out, Outcome{Key: "violations", Expected: tr("exp.happens", v), Pass: n > 0, Pos: pos("violations"),
			Found: fmt.Sprintf("%s ×%d", v, n)})
	}
	if exp.Clean != nil {
		total := 0
		for _, n := range counts {
			total += n
		}
		want := tr("exp.clean")
		if !*exp.Clean {
			want = tr("exp.unclean")
		}
		out = append(out, Outcome{Key: "clean", Expected: want, Found: seenKinds(), Pass: (total == 0) == *exp.Clean, Pos: pos("clean")})
	}
	exact := func(key string, want *int, got int, what string) {
		if want != nil {
			out = append(out, Outcome{Key: key, Expected: tr(what, *want),
				Found: fmt.Sprintf("%d", got), Pass: got == *want, Pos: pos(key)})
		}
	}
	exact("lost", exp.Lost, s.Orders.Lost, "exp.lost")
	exact("duplicated", exp.Duplicated, s.Orders.Duplicated, "exp.dup")
	if exp.CompletedAtLeast != nil {
		out = append(out, Outcome{Key: "completed_at_least", Expected: tr("exp.completed", *exp.CompletedAtLeast),
			Found: fmt.Sprintf("%d", s.Orders.Completed), Pass: s.Orders.Completed >= *exp.CompletedAtLeast, Pos: pos("completed_at_least")})
	}
	if exp.Deadlock != nil {
		got := s.Stop == "deadlock" || counts["deadlock"] > 0
		out = append(out, Outcome{Key: "deadlock", Expected: yesNo(*exp.Deadlock, tr("exp.deadlock"), tr("found.no-deadlock")),
			Found: yesNo(got, tr("found.deadlock"), tr("found.no-deadlock")), Pass: got == *exp.Deadlock, Pos: pos("deadlock")})
	}
	if exp.WithinSteps != nil {
		first := uint64(0)
		for _, v := range s.Violations {
			if slices.Contains(exp.Violations, v.Kind) && (first == 0 || v.Step < first) {
				first = v.Step
			}
		}
		found := tr("found.never")
		if first > 0 {
			found = tr("found.step", first)
		}
		out = append(out, Outcome{Key: "within_steps", Expected: tr("exp.within", *exp.WithinSteps),
			Found: found, Pass: first > 0 && first <= uint64(*exp.WithinSteps), Pos: pos("within_steps")})
	}
	return out
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// Passed reports whether every outcome passed.
func Passed(outs []Outcome) bool {
	for _, o := range outs {
		if !o.Pass {
			return false
		}
	}
	return true
}
