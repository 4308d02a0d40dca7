package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/gdamore/tcell/v2"
	"github.com/google/go-cmp/cmp"
)

// The replay of the lost-update trace, at its start, at the step where
// P2's write wipes out P1's order, and at its end; on a big terminal, at
// 80×24 in English and in Portuguese, and in the projector theme.
func TestReplayScreens(t *testing.T) {
	for _, c := range []struct {
		name  string
		lang  i18n.Lang
		w, h  int
		theme string
		steps []uint64
		tab   int
	}{
		{"lost-update-120x40", i18n.EN, 120, 40, "", []uint64{0, 6, 8}, 0},
		{"lost-update-80x24", i18n.EN, 80, 24, "", []uint64{6}, 0},
		{"lost-update-80x24-pt", i18n.PTBR, 80, 24, "", []uint64{6}, 3},
		{"lost-update-160x48-contrast", i18n.EN, 160, 48, "contrast", []uint64{6}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, s := testApp(t, c.lang, c.w, c.h)
			if c.theme != "" {
				a.theme = themeNamed(c.theme)
				a.theme.apply()
			}
			r := openReplay(t, a, "lost-update.trace")
			draw(s, r)
			for i := 0; i < c.tab; i++ {
				r.do(actTab, 0)
			}
			for _, step := range c.steps {
				r.goTo(step)
				golden(t, fmtName(c.name, step), draw(s, r))
			}
		})
	}
}

func fmtName(name string, step uint64) string {
	return name + "-step" + strings.Repeat("0", 2-len(itoa(step))) + itoa(step)
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Five steps forward then five back shows exactly the screen it started
// from: every cell, its character and its style.
func TestReplayForwardBackIsTheSameScreen(t *testing.T) {
	for _, trace := range []string{"lost-update.trace", "deadlock.trace"} {
		for _, from := range []uint64{0, 1, 2} {
			a, s := testApp(t, i18n.EN, 120, 40)
			r := openReplay(t, a, trace)
			if from+5 > r.rep.Steps() {
				continue // five steps would stop at the end
			}
			r.goTo(from)
			draw(s, r)
			before := cellsOf(s)
			for i := 0; i < 5; i++ {
				r.do(actNext, 0)
			}
			moved := draw(s, r)
			for i := 0; i < 5; i++ {
				r.do(actPrev, 0)
			}
			draw(s, r)
			after := cellsOf(s)
			if d := cmp.Diff(before, after); d != "" {
				t.Errorf("%s from step %d: five forward and five back is not the same screen (-before +after):\n%s\n(after five steps:\n%s)", trace, from, d, moved)
			}
		}
	}
}

// The replay's keys: arrows, Home and End, the jump to the next
// violation, searches.
func TestReplayKeys(t *testing.T) {
	a, s := testApp(t, i18n.EN, 120, 40)
	r := openReplay(t, a, "lost-update.trace")
	steps := r.rep.Steps()
	r.do(actLast, 0)
	if r.step != steps {
		t.Fatalf("End: step %d, want %d", r.step, steps)
	}
	r.do(actNext, 0)
	if r.step != steps {
		t.Fatalf("→ at the end moved to step %d", r.step)
	}
	r.do(actFirst, 0)
	if r.step != 0 {
		t.Fatalf("Home: step %d", r.step)
	}
	r.do(actNextViol, 0)
	if r.step != 6 {
		t.Fatalf("v: step %d, want 6 (where P2 overwrites P1's order)", r.step)
	}
	screen := draw(s, r)
	for _, want := range []string{"VIOLATION lost-update at step 6", "LOST", "step 6 of 8"} {
		if !strings.Contains(screen, want) {
			t.Errorf("after v the screen lacks %q:\n%s", want, screen)
		}
	}
	// Search: "/" then "2" finds P2's next event.
	r.do(actFirst, 0)
	r.do(actSearch, '/')
	if !r.choosing {
		t.Fatal("/ did not ask what to search")
	}
	r.capture(tcell.NewEventKey(tcell.KeyRune, '2', tcell.ModNone))
	if r.step != 2 {
		t.Fatalf("/2 from step 0: step %d, want 2 (P2's first step)", r.step)
	}
	r.do(actSearch, 'n')
	if r.step != 4 {
		t.Fatalf("n: step %d, want 4", r.step)
	}
	r.do(actSearchPrev, 'N')
	if r.step != 2 {
		t.Fatalf("N: step %d, want 2", r.step)
	}
	// Predict mode: forward hides the step's outcome until → again.
	r.do(actPredict, 0)
	r.goTo(5)
	r.do(actNext, 0)
	hidden := draw(s, r)
	if !r.hidden || !strings.Contains(hidden, "??") {
		t.Fatalf("predict mode: the write of step 6 is not hidden:\n%s", hidden)
	}
	r.do(actNext, 0)
	if r.hidden || r.step != 6 {
		t.Fatalf("→ in predict mode should reveal step 6 first (hidden %v, step %d)", r.hidden, r.step)
	}
}

// A cell is what one cell of the terminal shows: its characters, colours
// and attributes.
type cell struct {
	Text   string
	Fg, Bg tcell.Color
	Attr   tcell.AttrMask
}

// cellsOf returns every cell of the simulated terminal.
func cellsOf(s tcell.SimulationScreen) []cell {
	cs, _, _ := s.GetContents()
	out := make([]cell, len(cs))
	for i, c := range cs {
		fg, bg, attr := c.Style.Decompose()
		out[i] = cell{Text: string(c.Runes), Fg: fg, Bg: bg, Attr: attr}
	}
	return out
}

// In Portuguese a violation is said in Portuguese: what the invariant
// means, who broke it, which order — on the message line and in the log.
func TestViolationsInPortuguese(t *testing.T) {
	a, s := testApp(t, i18n.PTBR, 160, 48)
	r := openReplay(t, a, "lost-update.trace")
	r.do(actNextViol, 0)
	screen := draw(s, r)
	for _, want := range []string{"VIOLAÇÃO lost-update no passo 6: P2: uma escrita apagou outra", "VIOLAÇÃO order-lost", "pedido 10001"} {
		if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(screen, "│", " ")), " "), want) {
			t.Errorf("the screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "wrote over") {
		t.Errorf("English on a Portuguese screen:\n%s", screen)
	}
}

// The mouse: a click on the scrubber jumps to the step under it; a click
// on a process selects it.
func TestMouse(t *testing.T) {
	a, s := testApp(t, i18n.EN, 120, 40)
	rs := openReplay(t, a, "lost-update.trace")
	r := start(t, a, s, rs)
	screen := r.waitFor("step 0 of 8")
	click := func(x, y int) {
		s.InjectMouse(x, y, tcell.Button1, tcell.ModNone)
		s.InjectMouse(x, y, tcell.ButtonNone, tcell.ModNone)
	}
	find := func(screen, text string) (x, y int) {
		for y, line := range strings.Split(screen, "\n") {
			if i := strings.Index(line, text); i >= 0 {
				return len([]rune(line[:i])), y
			}
		}
		t.Fatalf("%q is not on the screen:\n%s", text, screen)
		return 0, 0
	}
	x, y := find(screen, "●") // the scrubber's knob, at step 0
	click(x+60, y)
	screen = r.waitFor("step 4 of 8")
	_, y = find(screen, "waiter  2 P2")
	x, _ = find(screen, "waiter  2 P2")
	click(x+2, y)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ch := make(chan int, 1)
		a.post(func() { ch <- rs.selected })
		if <-ch == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a click on P2's row did not select it:\n%s", r.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.quit()
}
