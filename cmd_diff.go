package main

import (
	"io"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/spf13/cobra"
)

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "diff TRACE TRACE",
		Short: "Find the first step where two runs part, and show both sides",
		Long: `Compare two traces event by event (PIDs, wall-clock times and run ids
do not count) and say, in plain words, where the runs part: how long they
agree, what happened just before, and what each did next. Useful for the
same seed with the lock on and off, or two students' schedules.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := chooseLang(lang)
			if err != nil {
				return err
			}
			a, err := openTrace(args[0], stderr)
			if err != nil {
				return err
			}
			b, err := openTrace(args[1], stderr)
			if err != nil {
				return err
			}
			return replay.WriteDiff(stdout, l, a, b, args[0], args[1])
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "en or pt-BR (default: from LANG)")
	return cmd
}

// chooseLang returns the language --lang names, or the environment's.
func chooseLang(flag string) (i18n.Lang, error) {
	if flag == "" {
		return i18n.FromEnv(), nil
	}
	l, ok := i18n.Parse(flag)
	if !ok {
		return "", badInput(errUnknownLang(flag))
	}
	return l, nil
}
