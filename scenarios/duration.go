package scenarios

import (
	"strconv"
	"strings"
	"time"
)

// Range is a span of durations; each wait is drawn from it.
type Range struct{ Min, Max time.Duration }

// String returns the range as written in a scenario: "1s..4s", or "2s"
// when Min and Max are equal.
func (r Range) String() string {
	if r.Min == r.Max {
		return formatDuration(r.Min)
	}
	return formatDuration(r.Min) + ".." + formatDuration(r.Max)
}

// formatDuration writes d the way a person would: "2m" rather than
// "2m0s", "24h" rather than "24h0m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Why a duration or range could not be read.
const (
	durationHint = `expected a number with a unit, like "90s" or "2m"`
	rangeHint    = `expected a duration like "2s" or a range like "1s..4s"`
)

// parseDuration reads a duration like "90s". On failure it returns the
// reason, to follow the quoted text in a message.
func parseDuration(text string) (time.Duration, string) {
	d, err := time.ParseDuration(text)
	if err == nil {
		return d, ""
	}
	if _, ferr := strconv.ParseFloat(strings.TrimSpace(text), 64); ferr == nil {
		return 0, "has no unit; " + durationHint
	}
	return 0, "is not a duration; " + durationHint
}

// parseRange reads a duration "2s" or a range "1s..4s". It does not check
// that the range goes forward: Validate does.
func parseRange(text string) (Range, bool) {
	lo, hi, found := strings.Cut(text, "..")
	if !found {
		d, err := time.ParseDuration(strings.TrimSpace(text))
		return Range{Min: d, Max: d}, err == nil
	}
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	if strings.HasPrefix(hi, ".") || strings.Contains(hi, "..") {
		return Range{}, false
	}
	from, err1 := time.ParseDuration(lo)
	to, err2 := time.ParseDuration(hi)
	return Range{Min: from, Max: to}, err1 == nil && err2 == nil
}
