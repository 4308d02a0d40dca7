package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
)

// TestEmbeddedLessons checks the lessons that come with the program: they
// load, there are at least ten, numbered 1…N, each on a stepped bundled
// scenario, complete in every language, each ending with a question.
func TestEmbeddedLessons(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatalf("the embedded lessons do not load:\n%v", err)
	}
	all := All()
	if len(all) < 10 {
		t.Fatalf("%d lessons; want at least 10", len(all))
	}
	wantSlugs := []string{"restaurant", "critical-section", "lost-update", "torn-write", "shutdown",
		"deadlock", "crash", "bounded-buffer", "starvation", "original-bug"}
	for i, l := range all {
		if l.Number != i+1 {
			t.Errorf("lesson %d is number %d; want %d", i, l.Number, i+1)
		}
		if i < len(wantSlugs) && l.Slug != wantSlugs[i] {
			t.Errorf("lesson %d is %q; want %q", l.Number, l.Slug, wantSlugs[i])
		}
		s, err := scenarios.LoadBundled(l.Scenario())
		if err != nil {
			t.Errorf("lesson %d: %v", l.Number, err)
			continue
		}
		if s.Mode != "stepped" || s.Expect == nil {
			t.Errorf("lesson %d: scenario %s: mode %s, expect %v; want stepped, with an [expect] block", l.Number, l.Scenario(), s.Mode, s.Expect)
		}
		if l.Title(i18n.EN) == "" || l.Title(i18n.PTBR) == "" || l.Title(i18n.EN) == l.Title(i18n.PTBR) {
			t.Errorf("lesson %d: titles %q and %q; want one per language, translated", l.Number, l.Title(i18n.EN), l.Title(i18n.PTBR))
		}
		checkpoints := 0
		for p := 0; p < l.Pages(); p++ {
			if l.Checkpoint(p) != nil {
				checkpoints++
			}
		}
		if checkpoints < 2 {
			t.Errorf("lesson %d has %d checkpoint(s); want a student who acts at least twice", l.Number, checkpoints)
		}
		for _, lang := range i18n.Langs {
			s := NewSession(l, lang, l.Pages()-1)
			p := s.Page()
			if !p.Last || p.Question == "" || p.Answer == "" {
				t.Errorf("lesson %d (%s): last page: question %q, answer %q", l.Number, lang, p.Question, p.Answer)
			}
			for i := 0; i < l.Pages(); i++ {
				if words := len(strings.Fields(l.textOf(lang).pages[i].text)); words > 180 {
					t.Errorf("lesson %d (%s) page %d has %d words; keep pages short (≤ 180)", l.Number, lang, i+1, words)
				}
			}
		}
		// Only the markup the screen renders: **bold**, `code`, "- " lists.
		for _, lang := range i18n.Langs {
			tf := l.textOf(lang)
			for i, pg := range tf.pages {
				for _, part := range append([]string{pg.text}, mapValues(pg.blocks)...) {
					if m := unsupported.FindString(part); m != "" {
						t.Errorf("%s page %d: %q: the screen renders **bold**, `code` and \"- \" lists only", tf.file, i+1, m)
					}
				}
			}
		}
		// Different languages, different words: a page copied untranslated
		// is a page missing.
		for i := 0; i < l.Pages(); i++ {
			if l.textOf(i18n.EN).pages[i].text == l.textOf(i18n.PTBR).pages[i].text {
				t.Errorf("lesson %d page %d: the same text in English and Portuguese", l.Number, i+1)
			}
		}
	}
}

// unsupported finds markup the lesson screen does not render: *italics*,
// _italics_, [links](…), images.
var unsupported = regexp.MustCompile(`(^|[^*\w])\*[^*\s][^*\n]*\*($|[^*])|(^|\s)_[^_\s]+_|\]\(|!\[`)

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestFind(t *testing.T) {
	for _, in := range []string{"3", "03", "lost-update", "LOST-UPDATE", " 3 "} {
		l, err := Find(in)
		if err != nil || l.Number != 3 {
			t.Errorf("Find(%q) = %v, %v; want lesson 3", in, l, err)
		}
	}
	_, err := Find("lost-updat")
	if !errors.Is(err, ErrUnknownLesson) {
		t.Fatalf("Find(lost-updat) error = %v; want ErrUnknownLesson", err)
	}
	for _, want := range []string{`did you mean "lost-update"?`, "1 restaurant", "10 original-bug"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Find error %q does not say %q", err, want)
		}
	}
	if _, err := Find("0"); !errors.Is(err, ErrUnknownLesson) {
		t.Errorf("Find(0) error = %v; want ErrUnknownLesson", err)
	}
}

// base returns the small valid lessons directory of testdata/base, to be
// broken by a test.
func base(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := filepath.Join("testdata", "base")
	err := fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(root, p))
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// edit replaces old with new in file p of m; old must be there.
func edit(t *testing.T, m fstest.MapFS, p, old, new string) {
	t.Helper()
	f, ok := m[p]
	if !ok || !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s does not contain %q", p, old)
	}
	m[p] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), old, new, 1))}
}

func TestLoadBase(t *testing.T) {
	ls, err := Load(base(t), "base")
	if err != nil {
		t.Fatalf("Load(base) = %v", err)
	}
	if len(ls) != 1 || ls[0].Slug != "demo" || ls[0].Pages() != 3 || ls[0].Title(i18n.PTBR) != "Demonstração" {
		t.Fatalf("Load(base) = %+v", ls)
	}
	if w := ls[0].Workers(); !slices.Equal(w, []string{"P1", "P2", "C1"}) {
		t.Errorf("Workers() = %v", w)
	}
}

// TestLoadErrors breaks the base directory one way at a time and checks
// the message and where it points.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(m fstest.MapFS)
		want []string // each must appear in the error, in this order
	}{
		{"page missing in Portuguese", func(m fstest.MapFS) {
			m["pt-BR/01-demo.md"] = &fstest.MapFile{Data: []byte("# Demonstração\n\nPrimeira.\n\n---\n\nSegunda, passo 2.\n\n::: hint\nx\n:::\n\n::: done\ny\n:::\n")}
		}, []string{"base/pt-BR/01-demo.md:15:1: lesson 1 has 3 page(s) in lessons.toml; this text has 2"}},
		{"hint missing", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "::: hint\nPress space.\n:::\n", "")
		}, []string{`base/en/01-demo.md:7:1: page 2: block "hint" is missing (the page has a checkpoint in lessons.toml)`}},
		{"block on a page without checkpoint", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "First page.\n", "First page.\n\n::: hint\nNothing to do.\n:::\n")
		}, []string{`base/en/01-demo.md:5:5: page 1: block "hint" does not belong here (the page has no checkpoint in lessons.toml)`}},
		{"unknown block", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "::: hint\nPress space.", "::: hnit\nPress space.")
		}, []string{`base/en/01-demo.md:7:1: page 2: block "hint" is missing`, `base/en/01-demo.md:9:5: unknown block "hnit" (did you mean "hint"?)`}},
		{"unclosed block", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "Done at step {step}.\n:::\n", "Done at step {step}.\n")
		}, []string{`base/en/01-demo.md:16:5: block "other" opened inside block "done" (line 13)`}},
		{"page break inside a block", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "Not {worker}: press space.\n:::\n", "Not {worker}: press space.\n")
		}, []string{`base/en/01-demo.md:20:1: a page break inside block "other" (opened at line 17)`}},
		{"unknown placeholder", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "Not {worker}", "Not {wroker}")
		}, []string{`base/en/01-demo.md:17:5: block "other": unknown placeholder {wroker} (did you mean "worker"?)`}},
		{"no title", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "# Demo\n", "Demo\n")
		}, []string{`base/en/01-demo.md:1:1: a lesson's text starts with its title`}},
		{"a step the claims do not cover", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "At step 2 P2 enters.", "At step 2 P2 enters; at steps 3 and 4 they read.")
		}, []string{"base/en/01-demo.md:7:31: page 2 names step 3, but none of its claims", "base/en/01-demo.md:7:37: page 2 names step 4"}},
		{"a step the claims do not cover, in Portuguese", func(m fstest.MapFS) {
			edit(t, m, "pt-BR/01-demo.md", "Primeira página.", "Primeira página, antes do passo 1.")
		}, []string{"base/pt-BR/01-demo.md:3:33: page 1 names step 1"}},
		{"other in one language only", func(m fstest.MapFS) {
			edit(t, m, "pt-BR/01-demo.md", "::: other\n{worker} não: aperte espaço.\n:::\n", "")
		}, []string{`base/pt-BR/01-demo.md:7:1: page 2: block "other" is missing; the en text has one (base/en/01-demo.md:17)`}},
		{"question not on the last page", func(m fstest.MapFS) {
			edit(t, m, "en/01-demo.md", "First page.\n", "First page.\n\n::: question\nEarly?\n:::\n")
		}, []string{`base/en/01-demo.md:5:5: page 1: block "question" does not belong here`}},
		{"text missing in a language", func(m fstest.MapFS) {
			delete(m, "pt-BR/01-demo.md")
		}, []string{"base/pt-BR/01-demo.md: lesson 1 has no text in pt-BR"}},
		{"a text no lesson uses", func(m fstest.MapFS) {
			m["en/02-extra.md"] = &fstest.MapFile{Data: []byte("# Extra\n\nText.\n")}
		}, []string{"base/en/02-extra.md: no lesson in lessons.toml has this file"}},
		{"unknown panel", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `panels = ["memory", "log"]`, `panels = ["memory", "logs"]`)
		}, []string{`base/lessons.toml:12:23: lesson[1].page[2].panels: unknown panel "logs" (did you mean "log"?)`}},
		{"unknown key", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `checkpoint = { do = "step"`, `checkpoint = { doo = "step"`)
		}, []string{"base/lessons.toml:13:16: lesson[1].page[2].checkpoint: do is missing", `base/lessons.toml:13:18: unknown key "doo" in lesson[1].page[2].checkpoint (did you mean "do"?)`}},
		{"unknown action", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `do = "step"`, `do = "stpe"`)
		}, []string{`base/lessons.toml:13:23: lesson[1].page[2].checkpoint.do: unknown action "stpe" (did you mean "step"?)`}},
		{"pick without a worker", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `do = "pick", worker = "P1"`, `do = "pick"`)
		}, []string{`base/lessons.toml:20:16: lesson[1].page[3].checkpoint: do = "pick" needs a worker`}},
		{"a worker the scenario does not have", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `worker = "P2", event`, `worker = "P3", event`)
		}, []string{`base/lessons.toml:15:5: lesson 1: page 2: claim 1: no worker "P3" in scenario lost-update; it has P1 P2 C1`}},
		{"unknown event", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `event = "lock-skipped"`, `event = "lock-skiped"`)
		}, []string{`base/lessons.toml:15:40: lesson[1].page[2].claims[1].event: unknown event "lock-skiped" (did you mean "lock-skipped"?)`}},
		{"unknown violation", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `until = { step = 2 }`, `until = { violation = "lost-updates" }`)
		}, []string{`base/lessons.toml:13:53: lesson[1].page[2].checkpoint.until: unknown violation "lost-updates" (did you mean "lost-update"?)`}},
		{"claim with step and after_step", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `{ after_step = 2, lost = 0 }`, `{ step = 2, after_step = 2, lost = 0 }`)
		}, []string{"base/lessons.toml:22:5: lesson[1].page[3].claims[1]: give step (an event at that step) or after_step"}},
		{"state claim at a step", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `{ after_step = 2, lost = 0 }`, `{ step = 2, lost = 0 }`)
		}, []string{"base/lessons.toml:22:17: lesson[1].page[3].claims[1].lost: a state claim: use after_step, not step"}},
		{"unknown scenario", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `scenario = "lost-update"`, `scenario = "lost-updates"`)
		}, []string{`base/lessons.toml:6:12: lesson 1: scenario "lost-updates": `, `did you mean "lost-update"?`}},
		{"a scenario that is not stepped", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `scenario = "lost-update"`, `scenario = "restaurante"`)
		}, []string{`lesson 1: scenario "restaurante" runs in free mode`}},
		{"lessons not numbered 1, 2, …", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", "number = 1", "number = 2")
		}, []string{"base/lessons.toml:4:10: lesson 2: the lessons are numbered 1, 2, 3, … without gaps"}},
		{"a key given twice", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `slug = "demo"`, "slug = \"demo\"\nslug = \"demo2\"")
		}, []string{`base/lessons.toml:6:1: "slug" is given twice (first at line 5)`}},
		{"not TOML", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", `slug = "demo"`, `slug = "demo`)
		}, []string{"base/lessons.toml:5:"}},
		{"a value of the wrong kind", func(m fstest.MapFS) {
			edit(t, m, "lessons.toml", "number = 1", `number = "1"`)
		}, []string{"base/lessons.toml:4:10: lesson[1].number: expected an integer, found a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base(t)
			tt.edit(m)
			_, err := Load(m, "base")
			if err == nil {
				t.Fatalf("Load succeeded; want errors %q", tt.want)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Load error %T %v; want an ErrorList", err, err)
			}
			got := err.Error()
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Load error:\n%s\nwant it to contain (in order):\n%s", got, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// TestSession walks the base lesson by hand: refusals, reactions,
// placeholders, answers.
func TestSession(t *testing.T) {
	ls, err := Load(base(t), "base")
	if err != nil {
		t.Fatal(err)
	}
	l := ls[0]
	s := NewSession(l, i18n.EN, 0)
	st := func(step uint64) *replay.State { return &replay.State{Step: step} }

	p := s.Page()
	if p.Index != 0 || p.Count != 3 || p.Waiting || p.Title != "Demo" || p.Text != "First page." || !slices.Equal(p.Panels, []string{"orders"}) {
		t.Fatalf("page 1 = %+v", p)
	}
	if ok, why := s.Allow(Action{Kind: ActStep}); ok || why != i18n.T(i18n.EN, "lesson.next-page") {
		t.Errorf("Allow(step) on a reading page = %v, %q; want refused, press Enter", ok, why)
	}
	if r, adv := s.Did(Action{Kind: ActNext}, nil, nil); !adv || r != "" || s.Index() != 1 {
		t.Fatalf("Did(next) = %q, %v, page %d; want the next page", r, adv, s.Index())
	}

	p = s.Page()
	if !p.Waiting || p.Hint != "Press space." || p.Want == nil || *p.Want != (Action{Kind: ActStep}) {
		t.Fatalf("page 2 = %+v; want waiting for a step", p)
	}
	if s.Next() {
		t.Error("Next() on a waiting page = true")
	}
	if ok, why := s.Allow(Action{Kind: ActPick, Worker: "C1"}); ok || why != "Not C1: press space." {
		t.Errorf("Allow(pick C1) = %v, %q; want refused with the page's other reaction", ok, why)
	}
	if ok, _ := s.Allow(Action{Kind: ActStep}); !ok {
		t.Error("Allow(step) on a page waiting for a step = false")
	}
	if r, adv := s.Did(Action{Kind: ActNext}, nil, nil); adv || r != "Press space." {
		t.Errorf("Did(next) while waiting = %q, %v; want the hint", r, adv)
	}
	if r, adv := s.Did(Action{Kind: ActStep}, st(1), nil); adv || r != "" {
		t.Errorf("Did(step) at step 1 = %q, %v; want nothing yet", r, adv)
	}
	if r, adv := s.Did(Action{Kind: ActPick, Worker: "P1"}, st(1), nil); adv || r != "Not P1: press space." {
		t.Errorf("Did(pick P1) = %q, %v; want the other reaction", r, adv)
	}
	if r, adv := s.Did(Action{Kind: ActStep}, st(2), nil); !adv || r != "Done at step 2." {
		t.Errorf("Did(step) at step 2 = %q, %v; want the done reaction", r, adv)
	}
	if p := s.Page(); p.Waiting || p.Reaction != "Done at step 2." {
		t.Errorf("page 2 after its checkpoint = %+v", p)
	}
	if s.RevealAnswer() != "" {
		t.Error("RevealAnswer before the last page is not empty")
	}
	if !s.Next() {
		t.Fatal("Next() after the checkpoint = false")
	}

	// The last page: met by the action itself, and a question.
	if s.Done() {
		t.Error("Done() before the last checkpoint")
	}
	if r, adv := s.Did(Action{Kind: ActPick, Worker: "C1"}, st(3), nil); adv || r != "This page waits for something else. Press 1." {
		t.Errorf("Did(pick C1) = %q, %v; want the default other reaction", r, adv)
	}
	if r, adv := s.Did(Action{Kind: ActPick, Worker: "p1"}, st(3), nil); !adv || r != "p1 ran." {
		t.Errorf("Did(pick p1) = %q, %v; want met", r, adv)
	}
	p = s.Page()
	if !p.Last || p.Question != "Why?" || p.Answer != "Because." || p.Revealed {
		t.Errorf("last page = %+v", p)
	}
	if a := s.RevealAnswer(); a != "Because." || !s.Page().Revealed {
		t.Errorf("RevealAnswer() = %q", a)
	}
	if !s.Done() || s.Next() {
		t.Error("Done() = false or Next() = true at the end")
	}
	if ok, _ := s.Allow(Action{Kind: ActLockOff}); !ok {
		t.Error("the last page refuses free actions")
	}
	if !s.Back() || s.Index() != 1 || s.Page().Waiting {
		t.Error("Back() to a met page: still waiting")
	}

	// Portuguese, and a session started further on.
	s = NewSession(l, i18n.PTBR, 2)
	if p := s.Page(); p.Index != 2 || !p.Waiting || p.Hint != "Tecle 1." {
		t.Errorf("pt-BR page 3 = %+v", p)
	}
	if s = NewSession(l, i18n.PTBR, 99); s.Index() != 0 {
		t.Errorf("NewSession(start 99) at page %d; want 0", s.Index())
	}
}

func TestObserve(t *testing.T) {
	ls, err := Load(base(t), "base")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(ls[0], i18n.EN, 1)
	if r, adv := s.Observe(&replay.State{Step: 1}, nil); adv || r != "" {
		t.Errorf("Observe(step 1) = %q, %v", r, adv)
	}
	if r, adv := s.Observe(&replay.State{Step: 5}, nil); !adv || r != "Done at step 5." {
		t.Errorf("Observe(step 5) = %q, %v; want met", r, adv)
	}
}

func TestCond(t *testing.T) {
	st := &replay.State{Step: 7, Workers: []replay.Worker{
		{Name: "P1", Slot: 0, WaitsFor: -1}, {Name: "P2", Slot: 1, WaitsFor: 0, Incarnation: 1},
	}, Locks: []replay.Lock{{Owner: 0}}, Counts: replay.Counts{Created: 2, Lost: 1}, LockOn: true}
	st.Workers[0].Holds[0] = true
	vs := []replay.Violation{{Kind: "lost-update", Step: 6}}
	tests := []struct {
		c    Cond
		want bool
	}{
		{Cond{Step: 7}, true},
		{Cond{Step: 8}, false},
		{Cond{Violation: "lost-update"}, true},
		{Cond{Violation: "torn-write"}, false},
		{Cond{Holder: "P1"}, true},
		{Cond{Holder: "p1"}, true},
		{Cond{Holder: "P2"}, false},
		{Cond{Holder: "none"}, false},
		{Cond{Waiting: "P2"}, true},
		{Cond{Waiting: "P1"}, false},
		{Cond{Created: 2, Lost: 1}, true},
		{Cond{Created: 3}, false},
		{Cond{Restarted: "P2"}, true},
		{Cond{Restarted: "P1"}, false},
		{Cond{Lock: "on"}, true},
		{Cond{Lock: "off"}, false},
		{Cond{Ended: true}, false},
		{Cond{Holder: "P9"}, false},
	}
	for _, tt := range tests {
		if got := tt.c.Holds(st, vs); got != tt.want {
			t.Errorf("%s.Holds = %v; want %v", tt.c.String(), got, tt.want)
		}
	}
	var nilCond *Cond
	if nilCond.Holds(st, vs) || (&Cond{}).Holds(nil, nil) {
		t.Error("a nil condition or state holds")
	}
}

func TestProgress(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(ConfigDirEnv, dir)
	p, err := LoadProgress()
	if err != nil || len(p.Lessons) != 0 {
		t.Fatalf("LoadProgress() with no file = %+v, %v", p, err)
	}
	l, err := Find("lost-update")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Resume(l); got != 0 {
		t.Errorf("Resume of a lesson never opened = %d", got)
	}
	s := NewSession(l, i18n.EN, 3)
	p.Note(s)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	q, err := LoadProgress()
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Of("lost-update"); got != (LessonProgress{Page: 3}) || q.Resume(l) != 3 {
		t.Errorf("after Save and Load: %+v, resume at %d; want page 3", got, q.Resume(l))
	}
	s = NewSession(l, i18n.EN, l.Pages()-1)
	q.Note(s)
	q.Note(NewSession(l, i18n.EN, 0)) // going back does not forget
	if got := q.Of("lost-update"); !got.Done || got.Page != l.Pages()-1 || q.Resume(l) != 0 {
		t.Errorf("a finished lesson: %+v, resume at %d; want done, resume at 0", got, q.Resume(l))
	}
	if err := q.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "progress.json"))
	if err != nil || !strings.Contains(string(data), `"lost-update": {`) {
		t.Errorf("progress.json = %s, %v", data, err)
	}

	if err := os.WriteFile(filepath.Join(dir, "progress.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err = LoadProgress()
	if err == nil || p == nil || len(p.Lessons) != 0 {
		t.Errorf("LoadProgress of a corrupted file = %+v, %v; want an error and empty progress", p, err)
	}
	if !strings.Contains(err.Error(), "progress.json") {
		t.Errorf("error %q does not name the file", err)
	}
}

// TestTOMLTree reads the corners of TOML the structure file may use.
func TestTOMLTree(t *testing.T) {
	src := `# comment
a.b = 1
[t]
x = "s"
y = { z = [1, 2], w.v = true }
[[arr]]
n = 1
  [[arr.sub]]
  m = 2
[[arr]]
n = 3
`
	root, err := parseTOML([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if v := root.fields["a"].fields["b"]; v.kind != valInt || v.num != 1 || v.keyPos != (Pos{2, 3}) {
		t.Errorf("a.b = %+v", v)
	}
	y := root.fields["t"].fields["y"]
	if y.kind != valTable || len(y.fields["z"].elems) != 2 || !y.fields["w"].fields["v"].bool {
		t.Errorf("t.y = %+v", y)
	}
	arr := root.fields["arr"]
	if len(arr.elems) != 2 || arr.elems[1].fields["n"].num != 3 || arr.elems[0].fields["sub"].elems[0].fields["m"].num != 2 {
		t.Errorf("arr = %+v", arr)
	}
	for in, want := range map[string]string{
		"a = 1\na = 2\n":             `2:1: "a" is given twice (first at line 1)`,
		"[t]\n[t]\n":                 "2:2: table [t] is defined twice (first at line 1)",
		"a = 1\n[a]\n":               `2:2: "a" is already an integer (line 1)`,
		"[[a]]\n[a]\n":               `2:2: [a]: "a" is an array of tables; write [[a]]`,
		"a = {b = 1}\n[a.c]\n":       `2:2: "a" is already a table (line 1)`,
		"a = \n":                     "1:",
		"a = 99999999999999999999\n": "1:5: integer 99999999999999999999 is out of range",
	} {
		_, err := parseTOML([]byte(in))
		if err == nil {
			t.Errorf("parseTOML(%q) succeeded; want %q", in, want)
			continue
		}
		if got := fmt.Sprintf("%d:%d: %s", err.Line, err.Col, err.Msg); !strings.HasPrefix(got, want) {
			t.Errorf("parseTOML(%q) = %q; want %q", in, got, want)
		}
	}
}
