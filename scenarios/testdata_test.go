package scenarios

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .err files of testdata/invalid-*.toml")

// TestTestdata parses the example files: testdata/valid-*.toml must be
// valid, and testdata/invalid-*.toml must give exactly the messages of the
// .err file beside it.
func TestTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			s, err := Load(path)
			switch {
			case strings.HasPrefix(name, "valid-"):
				if err != nil {
					t.Fatalf("want a valid scenario:\n%v", err)
				}
				if errs := s.Validate(); errs != nil {
					t.Errorf("Validate() after Parse:\n%v", errs)
				}
			case strings.HasPrefix(name, "invalid-"):
				var list ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("want an ErrorList, got %v", err)
				}
				golden := strings.TrimSuffix(path, ".toml") + ".err"
				if *update {
					if err := os.WriteFile(golden, []byte(err.Error()+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, rerr := os.ReadFile(golden)
				if rerr != nil {
					t.Fatal(rerr)
				}
				if got := err.Error() + "\n"; got != string(want) {
					t.Errorf("messages differ\ngot:\n%s\nwant (%s):\n%s", got, golden, want)
				}
			default:
				t.Errorf("name testdata files valid-*.toml or invalid-*.toml")
			}
		})
	}
}
