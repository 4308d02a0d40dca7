package scenarios

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Limits of a schedule.
const (
	maxRepeat        = 1000   // the largest N in "P1*N"
	maxScheduleSteps = 100000 // the most steps a schedule may expand to
)

// scheduleToken is one word of a schedule: a worker name, maybe with a
// repeat count.
type scheduleToken struct {
	text    string   // as written, like "P1*3"
	name    string   // the worker name, like "P1"
	count   int      // how many times in a row
	col     int      // where the word starts in the schedule, counting characters from 1
	off     int      // where the word starts in the schedule, in bytes
	pos     Position // where the word is in the file, when that is known
	problem string   // why the word is not well formed, or ""
}

// where names a token in a message: `"P1*0" (column 4 of the schedule)`.
func (t scheduleToken) where() string {
	return fmt.Sprintf("%s (column %d of the schedule)", quote(t.text), t.col)
}

// parseSchedule splits a schedule into words. A word that is not well
// formed has a problem, which follows the key in a message. Whether the
// names are workers of the scenario is for Validate to say.
func parseSchedule(text string) []scheduleToken {
	const form = `expected "NAME" or "NAME*N" with N from 1 to 1000, like "P1*3"`
	words := splitWords(text)
	total := 0
	for i := range words {
		t := &words[i]
		name, repeat, starred := strings.Cut(t.text, "*")
		t.name, t.count = name, 1
		switch {
		case name == "":
			t.problem = t.where() + " has no worker name; " + form
		case starred && repeat == "":
			t.problem = t.where() + ` has no repeat count after the "*"; ` + form
		case starred && !isDigits(repeat):
			t.problem = fmt.Sprintf("%s: %s is not a repeat count; %s", t.where(), quote(repeat), form)
		case starred:
			n, err := strconv.Atoi(repeat)
			if err != nil || n < 1 || n > maxRepeat {
				t.problem = fmt.Sprintf("%s: the repeat count %s is out of range; expected 1–%d", t.where(), repeat, maxRepeat)
				break
			}
			t.count = n
		}
		if t.problem != "" {
			continue
		}
		total += t.count
		if total > maxScheduleSteps {
			t.problem = fmt.Sprintf("%s: the schedule is too long; it may have at most %d steps once repeats are written out", t.where(), maxScheduleSteps)
			return words[:i+1]
		}
	}
	return words
}

// splitWords splits text at white space, noting where each word starts.
func splitWords(text string) []scheduleToken {
	var words []scheduleToken
	col := 0
	start := -1 // byte offset of the current word, -1 between words
	startCol := 0
	for off, r := range text {
		col++
		switch {
		case unicode.IsSpace(r) && start >= 0:
			words = append(words, scheduleToken{text: text[start:off], col: startCol, off: start})
			start = -1
		case !unicode.IsSpace(r) && start < 0:
			start, startCol = off, col
		}
	}
	if start >= 0 {
		words = append(words, scheduleToken{text: text[start:], col: startCol, off: start})
	}
	return words
}

// expandSchedule writes each token out as many times as it repeats.
func expandSchedule(tokens []scheduleToken) []string {
	var steps []string
	for _, t := range tokens {
		if t.problem != "" {
			continue
		}
		for i := 0; i < t.count; i++ {
			steps = append(steps, t.name)
		}
	}
	return steps
}

// isDigits reports whether s is made of the digits 0 to 9 only.
func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
