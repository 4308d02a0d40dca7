package lessons

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
)

// Page is what the screen shows of a lesson's page.
type Page struct {
	Index, Count int      // this page (0-based) and how many there are
	Title        string   // the lesson's title
	Text         string   // the page's text, markdown-ish (paragraphs, "- " lists, **bold**, `code`)
	Panels       []string // the panels to show beside it (see Panels)
	Waiting      bool     // the page's checkpoint is not met yet: Next refuses
	Hint         string   // while Waiting: what the page asks the student to do
	Want         *Action  // while Waiting: the action the page asks for
	Reaction     string   // the reaction to the student's last action on this page, or ""
	Question     string   // the last page: the lesson's question
	Answer       string   // the last page: its answer, to show when the student asks (RevealAnswer)
	Revealed     bool     // the student asked for the answer
	Last         bool     // this is the last page
}

// A Session is one student going through one lesson in one language. It
// is pure: it does nothing to the run. The screen carries the student's
// actions out on the run and tells the session with Did, which judges them
// against the page's checkpoint and says how to react.
//
// The order of calls for each key the student presses:
//
//	ok, why := s.Allow(a)  // refuse what would take the run off the lesson's path
//	if !ok { show(why); return }
//	… carry a out on the run (play.Player.Do does), get the state after it …
//	reaction, advanced := s.Did(a, state, violations)
//
// and, when the run's state changes by itself (a stop that goes on after
// the key), s.Observe(state, violations).
type Session struct {
	l        *Lesson
	lang     i18n.Lang
	page     int
	met      []bool // per page: its checkpoint was met
	reaction string
	revealed bool
}

// NewSession starts lesson l in language lang at page start (0-based; out
// of range means the first page). The pages before start count as done:
// bring a fresh run to where they leave it with CatchUp.
func NewSession(l *Lesson, lang i18n.Lang, start int) *Session {
	s := &Session{l: l, lang: lang, met: make([]bool, len(l.pages))}
	if start < 0 || start >= len(l.pages) {
		start = 0
	}
	s.page = start
	for i := 0; i < start; i++ {
		s.met[i] = true
	}
	return s
}

// Lesson returns the session's lesson.
func (s *Session) Lesson() *Lesson { return s.l }

// Lang returns the session's language.
func (s *Session) Lang() i18n.Lang { return s.lang }

// Index returns the current page (0-based).
func (s *Session) Index() int { return s.page }

// checkpoint returns the current page's checkpoint, or nil.
func (s *Session) checkpoint() *Checkpoint { return s.l.Checkpoint(s.page) }

// waiting reports whether the current page waits for its checkpoint.
func (s *Session) waiting() bool { return s.checkpoint() != nil && !s.met[s.page] }

// Page returns the current page.
func (s *Session) Page() Page {
	tf := s.l.textOf(s.lang)
	spec := s.l.pages[s.page]
	p := Page{
		Index: s.page, Count: len(s.l.pages), Title: tf.title,
		Panels:   slices.Clone(spec.panels),
		Waiting:  s.waiting(),
		Reaction: s.reaction,
		Last:     s.page == len(s.l.pages)-1,
	}
	if s.page < len(tf.pages) {
		p.Text = tf.pages[s.page].text
	}
	if p.Waiting {
		p.Hint = s.l.block(s.lang, s.page, blockHint)
		want := spec.checkpoint.Do
		p.Want = &want
	}
	if p.Last {
		p.Question = s.l.block(s.lang, s.page, blockQuestion)
		p.Answer = s.l.block(s.lang, s.page, blockAnswer)
		p.Revealed = s.revealed
	}
	return p
}

// Next goes to the next page. It refuses (false) on the last page and on
// a page whose checkpoint is not met yet.
func (s *Session) Next() bool {
	if s.waiting() || s.page >= len(s.l.pages)-1 {
		return false
	}
	s.page++
	s.reaction = ""
	return true
}

// Back goes to the previous page (false on the first). Going back does
// not undo anything in the run: the pages before were met already.
func (s *Session) Back() bool {
	if s.page == 0 {
		return false
	}
	s.page--
	s.reaction = ""
	return true
}

// Done reports whether the student reached the end of the lesson: the last
// page, its checkpoint (if any) met.
func (s *Session) Done() bool { return s.page == len(s.l.pages)-1 && !s.waiting() }

// RevealAnswer marks the answer as shown and returns it ("" before the
// last page).
func (s *Session) RevealAnswer() string {
	if s.page != len(s.l.pages)-1 {
		return ""
	}
	s.revealed = true
	return s.l.block(s.lang, s.page, blockAnswer)
}

// Allow says whether the screen should carry action a out. The lesson's
// text is true of one path through the run: a page waiting for its
// checkpoint allows the action it asks for only, and a page with nothing
// to wait for allows only "next", until the last page, where the run is
// the student's. When a is refused, why says what to do instead.
func (s *Session) Allow(a Action) (ok bool, why string) {
	switch {
	case a.Kind == ActNext:
		if s.waiting() {
			return false, s.hintOrDefault()
		}
		return true, ""
	case s.waiting():
		if a.matches(s.checkpoint().Do) {
			return true, ""
		}
		return false, s.other(a, nil)
	case s.page == len(s.l.pages)-1:
		return true, ""
	}
	return false, i18n.T(s.lang, "lesson.next-page")
}

// Did tells the session that the student did a and that the run is now in
// state st, with violations so far (a refused action leaves the state as it
// was: call Did all the same). It returns the reaction to show, if any,
// and whether the session advanced: the page's checkpoint is now met, or
// "next" turned the page.
func (s *Session) Did(a Action, st *replay.State, violations []replay.Violation) (reaction string, advanced bool) {
	if a.Kind == ActNext {
		if s.Next() {
			return "", true
		}
		if s.waiting() {
			s.reaction = s.hintOrDefault()
			return s.reaction, false
		}
		return "", false
	}
	cp := s.checkpoint()
	if cp == nil || s.met[s.page] {
		return "", false
	}
	if cp.Met(a, st, violations) {
		s.met[s.page] = true
		s.reaction = fill(s.l.block(s.lang, s.page, blockDone), a, st)
		return s.reaction, true
	}
	if !a.matches(cp.Do) {
		s.reaction = s.other(a, st)
		return s.reaction, false
	}
	return "", false
}

// Observe tells the session that the run's state changed without an
// action (a graceful stop goes on by itself after the key). It returns
// the reaction to show when that meets the page's checkpoint.
func (s *Session) Observe(st *replay.State, violations []replay.Violation) (reaction string, advanced bool) {
	cp := s.checkpoint()
	if cp == nil || s.met[s.page] || cp.Until == nil || !cp.Until.Holds(st, violations) {
		return "", false
	}
	s.met[s.page] = true
	s.reaction = fill(s.l.block(s.lang, s.page, blockDone), Action{}, st)
	return s.reaction, true
}

// other returns the reaction to an action the page does not ask for.
func (s *Session) other(a Action, st *replay.State) string {
	if r := s.l.block(s.lang, s.page, blockOther); r != "" {
		return fill(r, a, st)
	}
	return i18n.T(s.lang, "lesson.other", s.hintOrDefault())
}

// hintOrDefault returns the page's hint, or the words for its action.
func (s *Session) hintOrDefault() string {
	if h := s.l.block(s.lang, s.page, blockHint); h != "" {
		return h
	}
	return i18n.T(s.lang, "lesson.next-page")
}

// fill replaces the placeholders of a reaction.
func fill(text string, a Action, st *replay.State) string {
	step := ""
	if st != nil {
		step = strconv.FormatUint(st.Step, 10)
	}
	return strings.NewReplacer("{worker}", a.Worker, "{step}", step).Replace(text)
}

// DoFunc carries an action out on a lesson's run and returns the state
// after it and the violations so far, or why the run refused it.
// play.Player.Do is one.
type DoFunc func(Action) (*replay.State, []replay.Violation, error)

// Play acts the current page's checkpoint out as the lesson means it to
// be: it does the page's action, again and again, until the checkpoint is
// met (at most Checkpoint.Max times). It is the lesson tests' scripted
// student, and how CatchUp brings a fresh run to a later page.
func (s *Session) Play(do DoFunc) error {
	cp := s.checkpoint()
	if cp == nil || s.met[s.page] {
		return nil
	}
	for i := 0; i < cp.Max; i++ {
		if ok, why := s.Allow(cp.Do); !ok {
			return fmt.Errorf("lessons: lesson %d, page %d: %s is not allowed: %s", s.l.Number, s.page+1, cp.Do, why)
		}
		st, v, err := do(cp.Do)
		switch {
		case err != nil && !cp.Refused:
			return fmt.Errorf("lessons: lesson %d, page %d: %s: %w", s.l.Number, s.page+1, cp.Do, err)
		case err == nil && cp.Refused:
			return fmt.Errorf("lessons: lesson %d, page %d: the run was expected to refuse %s, and did it", s.l.Number, s.page+1, cp.Do)
		}
		if _, met := s.Did(cp.Do, st, v); met {
			return nil
		}
	}
	return fmt.Errorf("lessons: lesson %d, page %d: checkpoint not met after %d × %s (until %s)", s.l.Number, s.page+1, cp.Max, cp.Do, cp.Until)
}

// CatchUp brings a fresh run of the lesson to where the pages before the
// session's start page leave it, by playing their checkpoints (see Play).
// Call it once, right after NewSession with start > 0 and the run's start.
func (s *Session) CatchUp(do DoFunc) error {
	for p := 0; p < s.page; p++ {
		t := &Session{l: s.l, lang: s.lang, page: p, met: make([]bool, len(s.l.pages))}
		if err := t.Play(do); err != nil {
			return err
		}
	}
	return nil
}
