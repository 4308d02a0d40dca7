package i18n

import (
	"regexp"
	"slices"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Every key exists in every language, with the same formatting verbs in the
// same order, and no text is empty.
func TestCataloguesComplete(t *testing.T) {
	for _, a := range Langs {
		for _, b := range Langs {
			for _, k := range Keys(a) {
				if _, ok := catalogues[b][k]; !ok {
					t.Errorf("key %q is in %s but not in %s", k, a, b)
				}
			}
		}
	}
	for _, k := range Keys(EN) {
		want := verb.FindAllString(en[k], -1)
		for _, l := range Langs {
			s := catalogues[l][k]
			if s == "" {
				t.Errorf("%s: %q is empty", l, k)
			}
			if got := verb.FindAllString(s, -1); !slices.Equal(got, want) {
				t.Errorf("%s: %q has verbs %v; English has %v", l, k, got, want)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"pt-BR": PTBR, "pt_BR.UTF-8": PTBR, "pt": PTBR, "en_US.UTF-8": EN, "C": EN, "de_DE": EN} {
		if got, _ := Parse(in); got != want {
			t.Errorf("Parse(%q) = %s; want %s", in, got, want)
		}
	}
}
