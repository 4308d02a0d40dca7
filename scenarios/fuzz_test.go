package scenarios

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"
)

// FuzzParse checks that Parse never panics, and that what it returns is
// well formed: a scenario that validates, or an ErrorList whose every entry
// names the file and, but for a missing name, has a position.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.toml")
	bundled, _ := filepath.Glob("bundled/*.toml")
	for _, path := range append(seeds, bundled...) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, src := range []string{
		"",
		"name = \"x\"\n",
		"\xef\xbb\xbfname = \"x\"\r\n",
		"name = \"x\"\nfaults = [{kill = \"C1\", when = \"after\", after = \"1s\"}, 3]\n",
		"name = \"x\"\n[faults]\nkill = 1\n[faults.x]\n",
		"name = \"x\"\nproducers = 3\n[[menu]]\nitems = 1\n",
		"name = \"x\"\nmode = \"stepped\"\npolicy = \"script\"\nschedule = \"P1*1000 P2*x *3 C1,C2\"\n",
		"name = \"x\"\ndescription.en.x = 1\nexpect.violations = [[1]]\n",
		"Name = 1\n[Producers]\nCount = 2\n[[Faults]]\n",
		"name = \"x\"\n[expect]\nrun_for = \"8s\"\n",
		"name = \"x\"\nexpect = { run_for = 8, lost = \"1\", clean = \"no\" }\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.toml", src)
		if (s == nil) == (err == nil) {
			t.Fatalf("Parse returned scenario %v and error %v: want exactly one", s != nil, err)
		}
		if err == nil {
			if errs := s.Validate(); errs != nil {
				t.Fatalf("Validate() after a successful Parse:\n%v", errs)
			}
			for _, e := range s.Gradable() {
				if e.File != "fuzz.toml" || e.Msg == "" {
					t.Errorf("Gradable: %q does not name the file or has no message", e.Error())
				}
			}
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is %T %v, want a non-empty ErrorList", err, err)
		}
		var doc map[string]any
		tomlValid := toml.Unmarshal(bytes.TrimPrefix(src, utf8BOM), &doc) == nil
		for _, e := range list {
			if e.File != "fuzz.toml" {
				t.Errorf("%q: File = %q, want fuzz.toml", e.Error(), e.File)
			}
			if e.Line < 1 && (!tomlValid || !strings.HasPrefix(e.Msg, "name: missing")) {
				t.Errorf("%q has no line", e.Error())
			}
			if e.Msg == "" {
				t.Errorf("an error has no message")
			}
		}
		// The same input gives the same messages.
		_, again := Parse("fuzz.toml", src)
		if diff := cmp.Diff(err.Error(), again.Error()); diff != "" {
			t.Errorf("a second Parse gives other messages:\n%s", diff)
		}
	})
}
