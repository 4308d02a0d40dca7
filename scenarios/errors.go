package scenarios

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Position is a place in a scenario file. Line and Col count from 1; Col
// counts characters, not bytes. The zero Position means the value did not
// come from the file.
type Position struct{ Line, Col int }

// Error is one problem in a scenario, in the style of go/scanner.
type Error struct {
	File      string // the path or bundled name of the file; empty when the value came from elsewhere
	Line, Col int    // where the problem is; 0 when unknown
	Key       string // the dotted key the problem is about, like "producers.count"
	Msg       string // the message, starting with the key it is about
}

// Error formats the problem as "file:line:col: msg", leaving out the
// parts that are not known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in a scenario. It implements
// sort.Interface, ordering the problems by file and position.
type ErrorList []*Error

// Len is the number of problems.
func (l ErrorList) Len() int { return len(l) }

// Swap exchanges two problems.
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }

// Less orders problems by file, line and column.
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i], l[j]
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}

// Sort orders the problems by position, keeping problems at the same
// position in the order they were found.
func (l ErrorList) Sort() { sort.Stable(l) }

// Error returns all the messages, one per line.
func (l ErrorList) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap returns each problem as an error, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// ErrUnknownScenario is wrapped by the error of LoadBundled when no bundled
// scenario has the name asked for.
var ErrUnknownScenario = errors.New("unknown scenario")
