package scenarios

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBundledScenariosAreValid parses and validates every file in
// bundled/, so that a scenario dropped there cannot ship broken.
func TestBundledScenariosAreValid(t *testing.T) {
	entries, err := os.ReadDir("bundled")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			files = append(files, name)
		}
	}
	slices.Sort(files) // by name ("original" before "original-bug"), as Bundled sorts
	if diff := cmp.Diff(files, Bundled()); diff != "" {
		t.Errorf("Bundled() differs from the files in bundled/ (-files +Bundled):\n%s", diff)
	}
	for _, name := range Bundled() {
		t.Run(name, func(t *testing.T) {
			s, err := LoadBundled(name)
			if err != nil {
				t.Fatalf("bundled scenario %s does not parse:\n%v", name, err)
			}
			if errs := s.Validate(); errs != nil {
				t.Errorf("bundled scenario %s does not validate:\n%v", name, errs)
			}
			if s.File != name {
				t.Errorf("File = %q, want the bundled name %q", s.File, name)
			}
			src, ok := BundledSource(name)
			if !ok || !cmp.Equal(src, s.Source) {
				t.Errorf("BundledSource(%q) does not return the source of the scenario", name)
			}
			if !strings.HasPrefix(string(src), "#") {
				t.Errorf("bundled scenario %s has no comment header for teachers", name)
			}
			if s.Description.EN == "" || s.Description.PTBR == "" {
				t.Errorf("bundled scenario %s needs a description in both languages", name)
			}
		})
	}
}

// TestBundledRestaurante checks that the default demo has the original
// program's parameters.
func TestBundledRestaurante(t *testing.T) {
	for _, name := range []string{"restaurante", "original"} {
		s, err := LoadBundled(name)
		if err != nil {
			t.Fatal(err)
		}
		def := Default()
		protocol := map[string]string{"restaurante": "shadow", "original": "seed"}[name]
		got := []any{s.Producers, s.Consumers, s.Menu, s.Protocol, s.Capacity, s.Lock, s.Mode, s.Duration, s.Seed}
		want := []any{def.Producers, def.Consumers, def.Menu, protocol, 50, true, "free", 60 * time.Second, uint64(1)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs from the original parameters (-want +got):\n%s", name, diff)
		}
		e := s.Expect
		if e == nil || e.Clean == nil || !*e.Clean || e.Lost == nil || *e.Lost != 0 || e.Duplicated == nil || *e.Duplicated != 0 {
			t.Errorf("%s: [expect] should have clean = true, lost = 0, duplicated = 0; got %+v", name, e)
		}
		if name == "restaurante" && (e.CompletedAtLeast == nil || *e.CompletedAtLeast != 1) {
			t.Errorf("restaurante: [expect] should have completed_at_least = 1")
		}
	}
}

func TestLoadBundledUnknown(t *testing.T) {
	_, err := LoadBundled("restaurant")
	if !errors.Is(err, ErrUnknownScenario) {
		t.Fatalf("LoadBundled error = %v, want ErrUnknownScenario", err)
	}
	want := `unknown scenario "restaurant" (did you mean "restaurante"?); the bundled scenarios are: ` +
		strings.Join(Bundled(), ", ") + " (to load a file, give its path ending in .toml)"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	for _, name := range []string{"", "../scenarios", "bundled/restaurante", "restaurante.toml"} {
		if _, ok := BundledSource(name); ok {
			t.Errorf("BundledSource(%q) found a file", name)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.toml")
	if err := os.WriteFile(path, []byte("name = \"Mine\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil || s.Name != "Mine" || s.File != path {
		t.Fatalf("Load(%q) = %+v, %v", path, s, err)
	}

	s, err = Load("restaurante")
	if err != nil || s.File != "restaurante" {
		t.Fatalf("Load(restaurante) = %v, %v", s, err)
	}

	// A missing file is an error of the operating system, not an ErrorList.
	_, err = Load(filepath.Join(dir, "missing.toml"))
	var list ErrorList
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &list) {
		t.Errorf("Load of a missing file = %v, want a plain not-exist error", err)
	}
	if !strings.HasPrefix(err.Error(), "open ") || !strings.HasSuffix(err.Error(), "missing.toml: no such file or directory") {
		t.Errorf("error = %q, want open …: no such file or directory", err)
	}

	// An invalid file gives an ErrorList naming the path.
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("name = \"x\"\nseed = -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if !errors.As(err, &list) || list[0].File != bad {
		t.Errorf("Load(bad) = %v, want an ErrorList for %s", err, bad)
	}

	// A file without .toml is still a path when it exists.
	t.Chdir(dir)
	if err := os.WriteFile("plain", []byte("name = \"Plain\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := Load("plain"); err != nil || s.Name != "Plain" {
		t.Errorf("Load(plain) = %v, %v", s, err)
	}
	if _, err := Load("nosuch"); !errors.Is(err, ErrUnknownScenario) {
		t.Errorf("Load(nosuch) = %v, want ErrUnknownScenario", err)
	}
}
