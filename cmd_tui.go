package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/tui"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// uiFlags are the terminal UI's own flags.
type uiFlags struct {
	lang, theme string
}

// addUIFlags adds --lang and --theme to cmd.
func addUIFlags(cmd *cobra.Command, f *uiFlags) {
	cmd.Flags().StringVar(&f.lang, "lang", "", "en or pt-BR (default: from LANG)")
	cmd.Flags().StringVar(&f.theme, "theme", "", "default, or contrast for a projector (default: $COMANDA_THEME)")
}

// resolve checks the flags and returns the language and the theme
// (--theme, else $COMANDA_THEME; "" for the default).
func (f uiFlags) resolve() (i18n.Lang, string, error) {
	l, err := chooseLang(f.lang)
	if err != nil {
		return "", "", err
	}
	theme := f.theme
	if theme == "" {
		theme = os.Getenv("COMANDA_THEME")
	}
	if theme != "" && theme != "default" && theme != "contrast" {
		return "", "", badInput(fmt.Errorf("theme %q (--theme or COMANDA_THEME): expected default or contrast", theme))
	}
	return l, theme, nil
}

// errNoTerminal says the screen needs a terminal.
var errNoTerminal = errors.New("the screen needs a terminal: run comanda in one (or use --headless, --info, --list)")

// uiOptions returns the terminal UI's options, or why it cannot open.
func uiOptions(f uiFlags, stderr io.Writer) (tui.Options, error) {
	l, theme, err := f.resolve()
	if err != nil {
		return tui.Options{}, err
	}
	if !term.IsTerminal(int(os.Stdout.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		return tui.Options{}, badInput(errNoTerminal)
	}
	o := tui.Options{Lang: l, Theme: theme, Version: version}
	if dir, err := runsDir(); err == nil {
		o.RunsDir = dir
	} else {
		fmt.Fprintf(stderr, "comanda: %v: runs will not be recorded\n", err)
	}
	if exe, err := os.Executable(); err == nil {
		o.Exe = exe
	}
	return o, nil
}

// uiHome opens the home screen.
func uiHome(f uiFlags, stderr io.Writer) error {
	o, err := uiOptions(f, stderr)
	if err != nil {
		return err
	}
	return uiErr(tui.Home(o))
}

// uiLive opens the live view of scenario s; its first run records to
// tracePath when one is given.
func uiLive(f uiFlags, s *scenarios.Scenario, tracePath string, stderr io.Writer) error {
	o, err := uiOptions(f, stderr)
	if err != nil {
		return err
	}
	o.TraceFile = tracePath
	return uiErr(tui.Live(o, s))
}

// uiReplay opens the replay of a trace.
func uiReplay(f uiFlags, rep *replay.Replay, path string, stderr io.Writer) error {
	o, err := uiOptions(f, stderr)
	if err != nil {
		return err
	}
	return uiErr(tui.Replay(o, rep, path))
}

// uiLesson opens a lesson.
func uiLesson(f uiFlags, l *lessons.Lesson, stderr io.Writer) error {
	o, err := uiOptions(f, stderr)
	if err != nil {
		return err
	}
	return uiErr(tui.Lesson(o, l))
}

// openLesson opens lesson l in language lang in the terminal UI.
func openLesson(l *lessons.Lesson, lang i18n.Lang, stdout, stderr io.Writer) error {
	return uiLesson(uiFlags{lang: string(lang)}, l, stderr)
}

// uiErr reports a failure of the terminal itself.
func uiErr(err error) error {
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("terminal: %w", err)}
	}
	return nil
}
