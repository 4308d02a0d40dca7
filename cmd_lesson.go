package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/lessons"
	"github.com/spf13/cobra"
)

func newLessonCmd(stdout, stderr io.Writer) *cobra.Command {
	var lang string
	var list bool
	cmd := &cobra.Command{
		Use:   "lesson [N|NAME]",
		Short: "Open a guided lesson (--list lists them)",
		Long: `Open a guided lesson: short pages beside the live panels of a stepped run,
with checkpoints that wait for you to act (press space, pick a process, kill
one) and a question at the end. N is the lesson's number, NAME its name;
--list lists them, in the language of --lang (default: from LANG).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := chooseLang(lang)
			if err != nil {
				return err
			}
			if err := lessons.LoadError(); err != nil {
				return &exitError{code: 1, err: err}
			}
			if list || len(args) == 0 {
				return listLessons(stdout, l)
			}
			les, err := lessons.Find(args[0])
			if errors.Is(err, lessons.ErrUnknownLesson) {
				fmt.Fprintf(stderr, "comanda: %s\n", i18n.T(l, "lesson.unknown", args[0]))
				listLessons(stderr, l)
				return &exitError{code: 2, err: errors.New("")}
			}
			if err != nil {
				return badInput(err)
			}
			return openLesson(les, l, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "en or pt-BR (default: from LANG)")
	cmd.Flags().BoolVar(&list, "list", false, "list the lessons: number, name and title")
	return cmd
}

// listLessons prints every lesson: its number, its name and its title in
// language l, and how far the student got (from the progress file, when
// there is one).
func listLessons(w io.Writer, l i18n.Lang) error {
	prog, _ := lessons.LoadProgress() // no progress file, or a broken one: list without
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, les := range lessons.All() {
		mark := ""
		if p := prog.Of(les.Slug); p.Done {
			mark = "\t(" + i18n.T(l, "lesson.list.done") + ")"
		} else if p.Page > 0 {
			mark = "\t(" + i18n.T(l, "lesson.list.page", p.Page+1, les.Pages()) + ")"
		}
		fmt.Fprintf(tw, "%2d\t%s\t%s%s\n", les.Number, les.Slug, les.Title(l), mark)
	}
	return tw.Flush()
}
