package lessons

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/comanda/comanda/scenarios"
)

// ErrUnknownLesson is returned by Find when no lesson has the number or
// name asked for. The error it is wrapped in lists the lessons.
var ErrUnknownLesson = errors.New("lessons: no such lesson")

// An Error is one problem in a lesson file, at a place in it, in the style
// of go/scanner: "lessons/en/03-lost-update.md:12:1: unknown block".
type Error struct {
	File      string // the file, as named in the lessons' directory
	Line, Col int    // 1-based; Col counts characters and is 0 when unknown
	Msg       string
}

// Error formats the problem as "file:line:col: message".
func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ErrorList is every problem found in the lesson files, sorted by file and
// position.
type ErrorList []*Error

// Error prints one problem per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// sort orders the problems by file, line and column.
func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// errs collects problems.
type errs struct {
	list ErrorList
}

// add notes a problem at pos in file.
func (e *errs) add(file string, pos Pos, format string, args ...any) {
	e.list = append(e.list, &Error{File: file, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)})
}

// err returns the problems, sorted, or nil.
func (e *errs) err() error {
	if len(e.list) == 0 {
		return nil
	}
	e.list.sort()
	return e.list
}

// Pos is a place in a file: 1-based line and column (in characters).
type Pos struct{ Line, Col int }

// didYouMean formats a suggestion among words for w (see
// scenarios.Suggest), or nothing.
func didYouMean(w string, words []string) string {
	if s := scenarios.Suggest(w, words); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
