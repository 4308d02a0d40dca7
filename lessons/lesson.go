package lessons

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/scenarios"
)

// content holds the lessons that come with the program: their structure
// (lessons.toml) and their text, one directory per language.
//
//go:embed lessons.toml en/*.md pt-BR/*.md
var content embed.FS

// StructureFile is the name of the structure file in a lessons directory.
const StructureFile = "lessons.toml"

// A Lesson is one guided lesson: pages of text in every language, each
// with the panels to show beside it, some with a checkpoint, and a bundled
// scenario, stepped, whose run the pages talk about.
type Lesson struct {
	Number int    // 1, 2, …: the order of the lessons
	Slug   string // the lesson's name on the command line ("lost-update")

	scenario string
	pages    []pageSpec
	text     map[i18n.Lang]*textFile
	workers  []string // the workers of the scenario's run: P1…, C1…
}

// Title returns the lesson's title in language lang.
func (l *Lesson) Title(lang i18n.Lang) string { return l.textOf(lang).title }

// Scenario returns the name of the bundled scenario the lesson runs.
func (l *Lesson) Scenario() string { return l.scenario }

// Pages returns how many pages the lesson has.
func (l *Lesson) Pages() int { return len(l.pages) }

// Workers returns the names of the workers of the lesson's run, in slot
// order ("P1", "P2", "C1", …): the order of the keys 1–9.
func (l *Lesson) Workers() []string { return slices.Clone(l.workers) }

// Checkpoint returns what page i (0-based) waits for, or nil.
func (l *Lesson) Checkpoint(i int) *Checkpoint {
	if i < 0 || i >= len(l.pages) {
		return nil
	}
	return l.pages[i].checkpoint
}

// Claims returns the claims of page i (0-based).
func (l *Lesson) Claims(i int) []Claim {
	if i < 0 || i >= len(l.pages) {
		return nil
	}
	return slices.Clone(l.pages[i].claims)
}

// textOf returns the text in lang, or in English for a language without.
func (l *Lesson) textOf(lang i18n.Lang) *textFile {
	if t, ok := l.text[lang]; ok {
		return t
	}
	return l.text[i18n.EN]
}

// block returns block name of page i in lang ("" when there is none).
func (l *Lesson) block(lang i18n.Lang, i int, name string) string {
	t := l.textOf(lang)
	if i < 0 || i >= len(t.pages) {
		return ""
	}
	return t.pages[i].blocks[name]
}

var (
	loadOnce sync.Once
	all      []*Lesson
	loadErr  error
)

// All returns the lessons that come with the program, in number order. It
// is empty only if their files are broken, which a test prevents; LoadError
// says what is wrong then.
func All() []*Lesson {
	loadOnce.Do(func() { all, loadErr = Load(content, "lessons") })
	return all
}

// LoadError returns why the lessons that come with the program could not
// be loaded, or nil.
func LoadError() error {
	All()
	return loadErr
}

// Find returns the lesson named s: its number ("3") or its slug
// ("lost-update"). The error, which wraps ErrUnknownLesson, lists the
// lessons.
func Find(s string) (*Lesson, error) {
	list := All()
	if loadErr != nil {
		return nil, loadErr
	}
	key := strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(key); err == nil {
		for _, l := range list {
			if l.Number == n {
				return l, nil
			}
		}
	}
	for _, l := range list {
		if l.Slug == key {
			return l, nil
		}
	}
	var names, slugs []string
	for _, l := range list {
		names = append(names, fmt.Sprintf("%d %s", l.Number, l.Slug))
		slugs = append(slugs, l.Slug)
	}
	return nil, fmt.Errorf("%w %q%s; the lessons are: %s", ErrUnknownLesson, s, didYouMean(key, slugs), strings.Join(names, ", "))
}

// Load reads lessons from fsys: the structure file lessons.toml and one
// directory per language (en, pt-BR) holding a file NN-slug.md per lesson.
// name is the directory's name in messages. Every problem found is in the
// returned ErrorList, each at its file, line and column.
func Load(fsys fs.FS, name string) ([]*Lesson, error) {
	e := &errs{}
	file := func(p string) string { return path.Join(name, p) }
	data, err := fs.ReadFile(fsys, StructureFile)
	if err != nil {
		e.add(file(StructureFile), Pos{}, "cannot read it: %v", err)
		return nil, e.err()
	}
	tree, perr := parseTOML(data)
	if perr != nil {
		perr.File = file(StructureFile)
		return nil, ErrorList{perr}
	}
	d := &decoder{file: file(StructureFile), e: e}
	specs := d.decodeStructure(tree)
	if len(e.list) > 0 {
		return nil, e.err()
	}
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].number < specs[j].number })
	var out []*Lesson
	seen := map[string]bool{}
	for i, s := range specs {
		if s.number != i+1 {
			e.add(d.file, s.at["number"], "lesson %d: the lessons are numbered 1, 2, 3, … without gaps or repeats; expected %d here", s.number, i+1)
		}
		if seen[s.slug] {
			e.add(d.file, s.at["slug"], "lesson %d: slug %q is used twice", s.number, s.slug)
		}
		seen[s.slug] = true
		l := &Lesson{Number: s.number, Slug: s.slug, scenario: s.scenario, pages: s.pages, text: map[i18n.Lang]*textFile{}}
		checkScenario(d, s, l)
		out = append(out, l)
	}
	used := map[string]bool{}
	for _, lang := range i18n.Langs {
		for _, l := range out {
			p := path.Join(string(lang), fmt.Sprintf("%02d-%s.md", l.Number, l.Slug))
			used[p] = true
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				e.add(file(p), Pos{}, "lesson %d has no text in %s: %v", l.Number, lang, err)
				continue
			}
			tf := parseText(file(p), src, e)
			l.text[lang] = tf
			checkText(e, l, lang, tf)
		}
		entries, _ := fs.ReadDir(fsys, string(lang))
		for _, en := range entries {
			if p := path.Join(string(lang), en.Name()); !used[p] && strings.HasSuffix(en.Name(), ".md") {
				e.add(file(p), Pos{}, "no lesson in %s has this file (a lesson's text is NN-slug.md, as in %s)", StructureFile, StructureFile)
			}
		}
	}
	for _, l := range out {
		checkParity(e, l)
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// checkScenario checks that the lesson's scenario is bundled and stepped,
// and that every worker the structure names is one of its run.
func checkScenario(d *decoder, s *lessonSpec, l *Lesson) {
	sc, err := scenarios.LoadBundled(s.scenario)
	if err != nil {
		d.errorf(s.at["scenario"], "lesson %d: scenario %q: %v", s.number, s.scenario, err)
		return
	}
	if sc.Mode != "stepped" {
		d.errorf(s.at["scenario"], "lesson %d: scenario %q runs in %s mode; a lesson's run is stepped, so that what its text says happens every time", s.number, s.scenario, sc.Mode)
	}
	for i := 1; i <= sc.Producers.Count; i++ {
		l.workers = append(l.workers, fmt.Sprintf("P%d", i))
	}
	for i := 1; i <= sc.Consumers.Count; i++ {
		l.workers = append(l.workers, fmt.Sprintf("C%d", i))
	}
	locks := 1
	if sc.Locks == "two" {
		locks = 2
	}
	worker := func(pos Pos, what, w string, system, none bool) {
		if w == "" || slices.Contains(l.workers, w) || system && w == "S" || none && w == "none" {
			return
		}
		extra := ""
		if none {
			extra = ", or none"
		}
		d.errorf(pos, "lesson %d: %s: no worker %q in scenario %s; it has %s%s", s.number, what, w, s.scenario, strings.Join(l.workers, " "), extra)
	}
	for pi, p := range s.pages {
		what := fmt.Sprintf("page %d", pi+1)
		if cp := p.checkpoint; cp != nil {
			worker(cp.pos, what+": checkpoint", cp.Do.Worker, false, false)
			if c := cp.Until; c != nil {
				worker(cp.pos, what+": checkpoint: holder", c.Holder, false, true)
				worker(cp.pos, what+": checkpoint: waiting", c.Waiting, false, false)
				worker(cp.pos, what+": checkpoint: restarted", c.Restarted, false, false)
			}
		}
		for ci, c := range p.claims {
			cw := fmt.Sprintf("%s: claim %d", what, ci+1)
			worker(c.pos, cw, c.Worker, c.Step > 0, false)
			for _, h := range strings.Split(c.Holder, "+") { // "P1+P2": both think they hold it
				worker(c.pos, cw+": holder", h, false, true)
			}
			for _, w := range c.Waiting {
				worker(c.pos, cw+": waiting", w, false, false)
			}
			if c.Lock > locks {
				d.errorf(c.pos, "lesson %d: %s: lock %d, but scenario %s has %d lock(s)", s.number, cw, c.Lock, s.scenario, locks)
			}
		}
	}
}

// checkText checks a language's text against the structure: as many
// pages, the blocks each page needs, and no step named without a claim.
func checkText(e *errs, l *Lesson, lang i18n.Lang, tf *textFile) {
	if len(tf.pages) != len(l.pages) && len(tf.pages) > 0 {
		last := tf.pages[len(tf.pages)-1]
		e.add(tf.file, last.end, "lesson %d has %d page(s) in %s; this text has %d (pages are separated by lines \"---\")", l.Number, len(l.pages), StructureFile, len(tf.pages))
		return
	}
	for i, p := range tf.pages {
		spec := l.pages[i]
		lastPage := i == len(l.pages)-1
		need := func(name string, want bool, why string) {
			_, has := p.blocks[name]
			switch {
			case want && !has:
				e.add(tf.file, p.pos, "page %d: block %q is missing (%s)", i+1, name, why)
			case !want && has:
				e.add(tf.file, p.at[name], "page %d: block %q does not belong here (%s)", i+1, name, why)
			}
		}
		cpWhy := "the page has a checkpoint in " + StructureFile
		if spec.checkpoint == nil {
			cpWhy = "the page has no checkpoint in " + StructureFile
		}
		need(blockHint, spec.checkpoint != nil, cpWhy)
		need(blockDone, spec.checkpoint != nil, cpWhy)
		if spec.checkpoint == nil {
			need(blockOther, false, cpWhy)
		}
		qWhy := "the question and its answer close the lesson, on its last page"
		need(blockQuestion, lastPage, qWhy)
		need(blockAnswer, lastPage, qWhy)
		checkStepMentions(e, tf.file, i, p, spec.claims, lang)
	}
}

// Step mentions: "step 6", "steps 3 and 4", "steps 5–8"; in Portuguese
// "passo 6", "passos 3 e 4". A mention followed by "of 9" ("de 9") quotes
// the graceful stop's nine steps, not a step of the run.
var stepMention = map[i18n.Lang]*regexp.Regexp{
	i18n.EN:   regexp.MustCompile(`(?i)\bsteps?\s+(\d+(?:(?:\s*,\s*|\s+and\s+|\s+to\s+|\s*[–-]\s*)\d+)*)(\s+of\s+9)?`),
	i18n.PTBR: regexp.MustCompile(`(?i)\bpassos?\s+(\d+(?:(?:\s*,\s*|\s+e\s+|\s+a\s+|\s+até\s+|\s*[–-]\s*)\d+)*)(\s+de\s+9)?`),
}

var number = regexp.MustCompile(`\d+`)

// checkStepMentions reports a step the text names that no claim of the
// page is about: what the text says about a step must be checked.
func checkStepMentions(e *errs, file string, page int, p pageText, claims []Claim, lang i18n.Lang) {
	re := stepMention[lang]
	if re == nil {
		return
	}
	claimed := map[int]bool{}
	for _, c := range claims {
		claimed[c.Step], claimed[c.AfterStep] = true, true
	}
	for _, src := range p.src {
		for _, sl := range src {
			line := sl.s
			for _, m := range re.FindAllStringSubmatchIndex(line, -1) {
				if m[4] >= 0 {
					continue // "step 4 of 9"
				}
				for _, nm := range number.FindAllStringIndex(line[m[2]:m[3]], -1) {
					n, _ := strconv.Atoi(line[m[2]+nm[0] : m[2]+nm[1]])
					if !claimed[n] {
						col := len([]rune(line[:m[2]+nm[0]])) + 1
						e.add(file, Pos{Line: sl.n, Col: col}, "page %d names step %d, but none of its claims in %s is about step %d: add one (step = %d or after_step = %d)", page+1, n, StructureFile, n, n, n)
					}
				}
			}
		}
	}
}

// checkParity checks that the languages agree where the structure file
// does not say: a page has an "other" reaction in every language or in
// none.
func checkParity(e *errs, l *Lesson) {
	en := l.text[i18n.EN]
	if en == nil {
		return
	}
	for _, lang := range i18n.Langs[1:] {
		tf := l.text[lang]
		if tf == nil || len(tf.pages) != len(en.pages) {
			continue
		}
		for i := range tf.pages {
			_, a := en.pages[i].blocks[blockOther]
			_, b := tf.pages[i].blocks[blockOther]
			switch {
			case a && !b:
				e.add(tf.file, tf.pages[i].pos, "page %d: block \"other\" is missing; the %s text has one (%s:%d)", i+1, i18n.EN, en.file, en.pages[i].at[blockOther].Line)
			case b && !a:
				e.add(tf.file, tf.pages[i].at[blockOther], "page %d: block \"other\" is only in %s; the %s text has none", i+1, lang, i18n.EN)
			}
		}
	}
}
