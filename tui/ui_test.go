package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/sim"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// Every text the interface builds from parts is in both catalogues: a
// panel's name, a role, an activity, a mode, a key's help, an invariant's
// meaning. (The keys written out whole are checked by i18n's tests.)
func TestUIKeysInCatalogues(t *testing.T) {
	want := map[string]bool{}
	for _, name := range paneOrder {
		want["ui.pane."+name] = true
	}
	for _, role := range []string{"producer", "consumer"} {
		want["ui.role."+role] = true
	}
	for _, k := range actKey {
		want["ui.act."+k] = true
	}
	for _, m := range []sim.Mode{sim.ModeFree, sim.ModeStepped} {
		want["ui.hdr.mode."+string(m)] = true
	}
	for _, b := range bindings {
		want[b.help] = true
	}
	for _, inv := range sim.Invariants() {
		want["inv."+inv.String()] = true // replay.ViolationText
	}
	for _, lang := range i18n.Langs {
		have := map[string]bool{}
		for _, k := range i18n.Keys(lang) {
			have[k] = true
		}
		for k := range want {
			if !have[k] {
				t.Errorf("%s: the interface uses %q, which the catalogue lacks", lang, k)
			}
		}
	}
}

// The help of every screen lists every key of the key table for that
// screen, in both languages; at 80×24 it fits the terminal and scrolls to
// its last line.
func TestHelpListsEveryBinding(t *testing.T) {
	kinds := map[screenKind]string{onHome: "home", onLive: "live", onReplay: "replay", onLesson: "lesson"}
	for _, lang := range i18n.Langs {
		for kind, name := range kinds {
			for _, size := range [][2]int{{140, 60}, {80, 24}} {
				a, s := testApp(t, lang, size[0], size[1])
				a.pages.SetRect(0, 0, size[0], size[1])
				a.help(kind)
				screen := draw(s, fakeScreen{a.pages})
				if size[1] == 24 {
					lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
					top, bottom := strings.Index(screen, "╔"), strings.LastIndex(screen, "╚")
					if top < 0 || bottom < 0 || len(lines) > size[1] {
						t.Errorf("%s %s help at 80×24 does not fit:\n%s", lang, name, screen)
					}
					for range 40 { // scroll to the end
						a.tv.GetFocus().InputHandler()(tcell.NewEventKey(tcell.KeyDown, 0, tcell.ModNone), func(tview.Primitive) {})
					}
					screen += draw(s, fakeScreen{a.pages})
				}
				flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ").Replace(screen)), " ")
				for _, b := range helpOf(kind) {
					text := strings.Join(strings.Fields(a.tr(b.help)), " ")
					if size[1] == 24 {
						text = strings.Fields(text)[0] // wrapped lines: the first word
					}
					if !strings.Contains(flat, keyLabel(a.tr, b)) || !strings.Contains(flat, text) {
						t.Errorf("%s %s help at %dx%d lacks %q %q:\n%s", lang, name, size[0], size[1], keyLabel(a.tr, b), text, screen)
					}
				}
			}
		}
	}
}

// fakeScreen draws a primitive as a screen, for draw.
type fakeScreen struct{ p tview.Primitive }

func (f fakeScreen) kind() screenKind             { return onHome }
func (f fakeScreen) root() tview.Primitive        { return f.p }
func (f fakeScreen) do(action, rune)              {}
func (f fakeScreen) capture(*tcell.EventKey) bool { return false }
func (f fakeScreen) tick()                        {}
func (f fakeScreen) live() bool                   { return false }
func (f fakeScreen) close()                       {}

// The home screen lists the live demo, every lesson, every bundled
// scenario with its line, the recorded runs, and opens what is chosen.
func TestHomeScreen(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			a, s := testApp(t, lang, 140, 80)
			// A recorded run to list.
			trace, err := os.ReadFile(filepath.Join("testdata", "lost-update.trace"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(a.o.RunsDir, "20261126-100000-lost-update.trace"), trace, 0o644)
			h := newHomeScreen(a)
			screen := draw(s, h)
			want := []string{a.tr("ui.home.title"), a.tr("ui.home.live"), a.tr("ui.home.lessons"), a.tr("ui.home.scenarios"),
				a.tr("ui.home.replay"), "20261126-100000-lost-update.trace", a.tr("ui.home.open"), a.tr("ui.home.quit")}
			for _, l := range lessons.All() {
				want = append(want, fmt.Sprintf("%2d. %s", l.Number, l.Title(lang)))
			}
			for _, name := range scenarios.Bundled() {
				sc, _ := scenarios.LoadBundled(name)
				line := firstLine(sc.Description.In(string(lang)))
				want = append(want, name, line[:min(len(line), 40)])
			}
			for _, w := range want {
				if !strings.Contains(screen, w) {
					t.Errorf("the home screen lacks %q:\n%s", w, screen)
				}
			}
			// Enter on the recorded run opens its replay.
			for row, it := range h.items {
				if it.title == "20261126-100000-lost-update.trace" {
					a.push(h)
					h.open(row)
					if _, ok := a.cur().(*replayScreen); !ok {
						t.Fatalf("Enter on a recorded run opened %T", a.cur())
					}
					a.pop()
				}
			}
		})
	}
}

// Every lesson, whole, at a student's 80×24 and at a projector's 160×50
// (one language each), by its keys alone: each page that waits gets the
// key it asks for, Enter turns the others (reading on first when the text
// does not fit), a reveals the answer, PgUp goes back, q quits; nothing
// is left running and the progress is kept.
func TestLessonByKeys(t *testing.T) {
	for _, les := range lessons.All() {
		for _, tc := range []struct {
			lang i18n.Lang
			w, h int
		}{{i18n.EN, 80, 24}, {i18n.PTBR, 160, 50}} {
			t.Run(fmt.Sprintf("%02d-%s-%s-%dx%d", les.Number, les.Slug, tc.lang, tc.w, tc.h), func(t *testing.T) {
				walkLesson(t, les, tc.lang, tc.w, tc.h)
			})
		}
	}
}

func walkLesson(t *testing.T, les *lessons.Lesson, lang i18n.Lang, w, h int) {
	t.Setenv("COMANDA_CONFIG_DIR", t.TempDir())
	a, s := testApp(t, lang, w, h)
	a.o.Driver = "inproc"
	ls, err := a.lessonScreen(les)
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, a, s, ls)
	page := func() (p lessons.Page, busy bool, selected int) {
		ch := make(chan struct{})
		a.post(func() { p, busy, selected = ls.sess.Page(), ls.busy, ls.l.selected; close(ch) })
		<-ch
		return p, busy, selected
	}
	scrolled := func() (row int) { // how far the lesson's text is scrolled
		ch := make(chan struct{})
		a.post(func() { row, _ = ls.side.text.GetScrollOffset(); close(ch) })
		<-ch
		return row
	}
	settle := func() lessons.Page {
		deadline := time.Now().Add(20 * time.Second)
		for {
			p, busy, _ := page()
			if !busy {
				return p
			}
			if time.Now().After(deadline) {
				t.Fatalf("the lesson stays busy:\n%s", r.screen())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	count := les.Pages()
	for i := 0; i < count; i++ {
		r.waitFor(a.tr("ui.lesson.page", i+1, count))
		for tries := 0; ; tries++ {
			p := settle()
			if !p.Waiting {
				break
			}
			if tries > 200 {
				t.Fatalf("page %d still waits for %+v:\n%s", i+1, *p.Want, r.screen())
			}
			slot := ls.l.cfg.SlotOf(p.Want.Worker)
			switch p.Want.Kind {
			case lessons.ActStep:
				r.press(" ")
			case lessons.ActPick:
				r.press(fmt.Sprint(slot + 1))
			case lessons.ActLockOn, lessons.ActLockOff:
				r.press("l")
			case lessons.ActStop:
				r.press("s")
			case lessons.ActKill:
				for _, _, sel := page(); sel != slot; _, _, sel = page() {
					if sel < slot {
						r.key(tcell.KeyDown, 0)
					} else {
						r.key(tcell.KeyUp, 0)
					}
					time.Sleep(5 * time.Millisecond)
				}
				r.press("k")
			default:
				t.Fatalf("page %d waits for %q, which the test does not know", i+1, p.Want.Kind)
			}
			time.Sleep(10 * time.Millisecond)
		}
		for i < count-1 && settle().Index == i {
			row := scrolled()
			r.key(tcell.KeyEnter, 0) // reads on, then turns the page
			// Look again only once the key is handled: pressed too soon, a
			// second Enter turned two pages at once (seen on a loaded CI).
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				if p, _, _ := page(); p.Index != i || scrolled() != row {
					break
				}
			}
		}
	}
	if p := settle(); p.Answer != "" {
		r.press("a")
		r.waitFor(a.tr("ui.lesson.answer"))
	}
	screen := r.screen()
	if !strings.Contains(screen, a.tr("ui.lesson.page", count, count)) {
		t.Errorf("the last page is not shown:\n%s", screen)
	}
	for _, line := range strings.Split(screen, "\n") {
		if n := len([]rune(line)); n > w {
			t.Errorf("a line of %d cells on a %d-wide screen: %q", n, w, line)
		}
	}
	r.key(tcell.KeyPgUp, 0)
	r.waitFor(a.tr("ui.lesson.page", count-1, count))
	r.quit()
	noLeftovers(t, nil)
	prog, err := lessons.LoadProgress()
	if err != nil {
		t.Fatal(err)
	}
	if lp := prog.Of(les.Slug); !lp.Done {
		t.Errorf("progress after the whole lesson: %+v; want done", lp)
	}
}
