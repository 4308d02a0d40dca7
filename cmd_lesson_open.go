package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/lessons"
)

// openLesson opens lesson l in language lang. Until the terminal UI opens
// it beside the live panels (cmd_tui.go will), it prints the lesson's pages
// as plain text.
func openLesson(l *lessons.Lesson, lang i18n.Lang, stdout, stderr io.Writer) error {
	s := lessons.NewSession(l, lang, 0)
	page := s.Page()
	fmt.Fprintf(stdout, "%d. %s\n%s (comanda run %s)\n", l.Number, page.Title, i18n.T(lang, "lesson.scenario", l.Scenario()), l.Scenario())
	for i := 0; i < l.Pages(); i++ {
		s = lessons.NewSession(l, lang, i)
		p := s.Page()
		fmt.Fprintf(stdout, "\n— %s —  [%s]\n\n%s\n", i18n.T(lang, "lesson.page", p.Index+1, p.Count), strings.Join(p.Panels, ", "), p.Text)
		if p.Hint != "" {
			fmt.Fprintf(stdout, "\n  → %s\n", p.Hint)
		}
		if p.Last {
			fmt.Fprintf(stdout, "\n%s: %s\n\n%s: %s\n", i18n.T(lang, "lesson.question"), p.Question, i18n.T(lang, "lesson.answer"), s.RevealAnswer())
		}
	}
	return nil
}
