package lessons_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/lessons/play"
	"github.com/comanda/comanda/replay"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/comanda/comanda/trace"
)

// TestMain lets this test binary be a worker process too: the process
// driver re-executes the running binary as "worker --segment … --slot …".
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		fs := flag.NewFlagSet("worker", flag.ExitOnError)
		seg := fs.String("segment", "", "")
		slot := fs.Int("slot", -1, "")
		fs.Parse(os.Args[2:])
		os.Exit(runner.WorkerMain(*seg, *slot, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "comanda-lessons-shm-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("COMANDA_SHM_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stop is what the scripted student reached at each page: the step the
// run was at when the page's checkpoint was met (or when the page was
// left, without one).
type stop struct {
	page int
	step uint64
	st   *replay.State
}

// walk runs lesson l as a scripted student on driver: every page's
// checkpoint is acted out as the lesson means it (Session.Play), with the
// session's own refusals checked on the way. It returns the trace's path
// and where each page left the run.
func walk(t *testing.T, l *lessons.Lesson, driver string) (string, []stop) {
	t.Helper()
	path := filepath.Join(t.TempDir(), l.Slug+".trace")
	p, err := play.Start(l, play.Options{Driver: driver, TracePath: path, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := lessons.NewSession(l, i18n.EN, 0)
	var stops []stop
	for {
		page := s.Page()
		cp := l.Checkpoint(page.Index)
		if cp != nil {
			if !page.Waiting || page.Hint == "" || page.Want == nil || *page.Want != cp.Do {
				t.Fatalf("lesson %d page %d: %+v; want waiting for %s, with a hint", l.Number, page.Index+1, page, cp.Do)
			}
			if s.Next() {
				t.Fatalf("lesson %d page %d: Next() before the checkpoint is met", l.Number, page.Index+1)
			}
			// Anything else than what the page asks for is refused, with a reaction.
			other := lessons.Action{Kind: lessons.ActStep}
			if cp.Do.Kind == lessons.ActStep {
				other = lessons.Action{Kind: lessons.ActPick, Worker: "C1"}
			}
			if ok, why := s.Allow(other); ok || why == "" {
				t.Errorf("lesson %d page %d: Allow(%s) = %v, %q; want refused, with a reason", l.Number, page.Index+1, other, ok, why)
			}
			if err := s.Play(p.Do); err != nil {
				t.Fatalf("scripted student: %v", err)
			}
			page = s.Page()
			if page.Waiting || page.Reaction == "" {
				t.Fatalf("lesson %d page %d after its checkpoint: waiting %v, reaction %q", l.Number, page.Index+1, page.Waiting, page.Reaction)
			}
		} else if ok, _ := s.Allow(lessons.Action{Kind: lessons.ActStep}); ok && !page.Last {
			t.Errorf("lesson %d page %d: a page without checkpoint lets the run go on", l.Number, page.Index+1)
		}
		st, _ := p.State()
		stops = append(stops, stop{page: page.Index, step: st.Step, st: st})
		if page.Last {
			break
		}
		if r, adv := s.Did(lessons.Action{Kind: lessons.ActNext}, st, nil); !adv || r != "" {
			t.Fatalf("lesson %d page %d: next = %q, %v", l.Number, page.Index+1, r, adv)
		}
	}
	if !s.Done() {
		t.Errorf("lesson %d: not done at its last page", l.Number)
	}
	p.Close()
	return path, stops
}

// checkClaims opens the trace and checks every claim of every page.
func checkClaims(t *testing.T, l *lessons.Lesson, path string) *replay.Replay {
	t.Helper()
	r, err := replay.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := 0; i < l.Pages(); i++ {
		for _, c := range l.Claims(i) {
			n++
			if err := c.Check(r); err != nil {
				t.Errorf("lesson %d page %d: %v", l.Number, i+1, err)
			}
		}
	}
	if n == 0 {
		t.Errorf("lesson %d makes no claim", l.Number)
	}
	return r
}

// TestLessonsAsScriptedStudent runs every lesson as a student who does
// exactly what each page asks, and checks that every checkpoint is met and
// every claim the text makes is true of the trace.
func TestLessonsAsScriptedStudent(t *testing.T) {
	if err := lessons.LoadError(); err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons.All() {
		t.Run(l.Slug, func(t *testing.T) {
			t.Parallel()
			path, stops := walk(t, l, "inproc")
			checkClaims(t, l, path)
			// A page's claims are about steps the student has seen by the
			// time the page is done: its checkpoint met, or, without one,
			// when it is shown. (After a stop the run goes on by itself to
			// its end, and the state is then the end.)
			for _, s := range stops {
				for _, c := range l.Claims(s.page) {
					if at := max(c.Step, c.AfterStep); uint64(at) > s.step {
						t.Errorf("lesson %d page %d: claim %s is about step %d, but the page is done at step %d", l.Number, s.page+1, c, at, s.step)
					}
				}
			}
		})
	}
}

// TestLessonWithProcesses runs lessons with real worker processes: the
// same actions give the same run, step for step, as in-process.
func TestLessonWithProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	for _, name := range []string{"lost-update", "crash"} {
		t.Run(name, func(t *testing.T) {
			l, err := lessons.Find(name)
			if err != nil {
				t.Fatal(err)
			}
			procPath, _ := walk(t, l, "process")
			rp := checkClaims(t, l, procPath)
			inPath, _ := walk(t, l, "inproc")
			ri, err := replay.Open(inPath)
			if err != nil {
				t.Fatal(err)
			}
			a, b := canonical(rp), canonical(ri)
			if a != b {
				t.Errorf("the process run and the in-process run differ:\n--- process\n%s\n--- inproc\n%s", a, b)
			}
		})
	}
}

// canonical lists a trace's events without what differs between drivers
// (PIDs, wall-clock times).
func canonical(r *replay.Replay) string {
	var b strings.Builder
	for _, e := range r.Events() {
		if e.Kind == trace.WorkerExited && e.Step == r.Steps() {
			continue // the run is killed at the end: its processes die in any order
		}
		switch e.Kind {
		case trace.RunStarted, trace.RunEnded, trace.WorkerStarted, trace.WorkerExited, trace.LockContended, trace.LockOwnerDied, trace.InvariantBroken:
			fmt.Fprintf(&b, "%d %s %s %s %d\n", e.Step, e.Kind, r.WorkerName(e.Worker), e.Order, e.Lock)
		default:
			fmt.Fprintf(&b, "%d %s %s %s %d %d %d\n", e.Step, e.Kind, r.WorkerName(e.Worker), e.Order, e.Lock, e.Arg, e.Arg2)
		}
	}
	return b.String()
}

// TestCatchUp starts a session half-way and brings a fresh run to that
// page: the run is where the scripted student had it.
func TestCatchUp(t *testing.T) {
	l, err := lessons.Find("lost-update")
	if err != nil {
		t.Fatal(err)
	}
	_, stops := walk(t, l, "inproc")
	const start = 4 // the page where P2 writes over P1's order
	p, err := play.Start(l, play.Options{Driver: "inproc"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := lessons.NewSession(l, i18n.PTBR, start)
	if err := s.CatchUp(p.Do); err != nil {
		t.Fatal(err)
	}
	st, _ := p.State()
	if want := stops[start-1].st; st.Step != want.Step || st.Counts != want.Counts {
		t.Errorf("after CatchUp to page %d: step %d, counts %+v; the scripted student had step %d, %+v", start+1, st.Step, st.Counts, want.Step, want.Counts)
	}
	if !s.Page().Waiting {
		t.Fatal("the start page's checkpoint counts as met")
	}
	if err := s.Play(p.Do); err != nil {
		t.Fatal(err)
	}
	if r := s.Page().Reaction; !strings.Contains(r, "passo 6") {
		t.Errorf("reaction %q; want the Portuguese one, at step 6", r)
	}
}
