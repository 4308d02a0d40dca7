package tui

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/gdamore/tcell/v2"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/golden")

// bin is a comanda binary built for the tests: the live views' workers.
var bin string

// TestMain builds comanda (the worker processes of live runs are it), and
// keeps segment files, progress and recorded runs in a folder of its own.
func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "comanda-tui-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "comanda")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	os.Setenv("COMANDA_SHM_DIR", dir)
	os.Setenv("COMANDA_CONFIG_DIR", filepath.Join(dir, "config"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// simScreen returns a simulated terminal of w×h cells.
func simScreen(w, h int) tcell.SimulationScreen {
	s := tcell.NewSimulationScreen("UTF-8")
	s.SetSize(w, h)
	return s
}

// testApp returns an app on a simulated w×h terminal (not running).
func testApp(t testing.TB, lang i18n.Lang, w, h int) (*app, tcell.SimulationScreen) {
	t.Helper()
	s := simScreen(w, h)
	a := newApp(Options{Lang: lang, Screen: s, Exe: bin, Version: "test", RunsDir: t.TempDir()})
	s.SetSize(w, h)
	return a, s
}

// draw draws screen sc on the simulated terminal and returns what it shows.
func draw(s tcell.SimulationScreen, sc screen) string {
	w, h := s.Size()
	s.Clear()
	root := sc.root()
	root.SetRect(0, 0, w, h)
	root.Draw(s)
	root.Draw(s) // layouts settle on the second pass (the timeline's width)
	s.Show()
	return contents(s)
}

// contents returns the text of the simulated terminal, line by line,
// trailing blanks trimmed.
func contents(s tcell.SimulationScreen) string {
	cells, w, h := s.GetContents()
	var b strings.Builder
	for y := 0; y < h; y++ {
		var line strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				line.WriteByte(' ')
				continue
			}
			line.WriteString(string(c.Runes))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// openReplay opens a trace of testdata in a replay screen of app a.
func openReplay(t testing.TB, a *app, name string) *replayScreen {
	t.Helper()
	rep, err := replay.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return newReplayScreen(a, rep, name)
}

// golden compares a screen with testdata/golden/name (-update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("screen %s differs from its golden (-want +got):\n%s", name, d)
	}
}
