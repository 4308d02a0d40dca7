package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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

// Every key the code writes out ("ui.key.quit", "run.phase3", …), anywhere
// in the module, is in the catalogues. (Keys the code builds from parts are
// checked where they are built.)
func TestKeysWrittenInCode(t *testing.T) {
	var prefixes []string
	for _, k := range Keys(EN) {
		if p, _, _ := strings.Cut(k, "."); !slices.Contains(prefixes, p) {
			prefixes = append(prefixes, p)
		}
	}
	literal := regexp.MustCompile(`"((?:` + strings.Join(prefixes, "|") + `)\.[a-z0-9_.-]*[a-z0-9])"`)
	used := map[string]string{} // key → a file that writes it
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != "..") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = path
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 200 {
		t.Fatalf("found only %d keys in the code: the scan is broken", len(used))
	}
	for _, l := range Langs {
		for k, file := range used {
			if _, ok := catalogues[l][k]; !ok {
				t.Errorf("%s writes %q, which the %s catalogue lacks", file, k, l)
			}
		}
	}
}
