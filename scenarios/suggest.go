package scenarios

import "strings"

// Suggest returns the candidate that word was probably meant to be, or ""
// when none is close. A candidate is close when it differs only in case or
// in "-" against "_", or when it is at most two edits away (an edit being
// an insertion, a deletion, a substitution or the swap of two neighbouring
// characters). Between equally close candidates the first one wins.
func Suggest(word string, candidates []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	for _, c := range candidates {
		if norm(c) == norm(word) {
			return c
		}
	}
	lower := []rune(strings.ToLower(word))
	best, bestDist := "", 3
	for _, c := range candidates {
		d := editDistance(lower, []rune(strings.ToLower(c)))
		if d < bestDist && d < len(lower) {
			best, bestDist = c, d
		}
	}
	return best
}

// suggestCase returns the candidate that equals word but for case, or "".
func suggestCase(word string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(c, word) {
			return c
		}
	}
	return ""
}

// editDistance is the Damerau–Levenshtein distance between a and b, in its
// "optimal string alignment" form: insertions, deletions, substitutions
// and swaps of two neighbouring characters each cost one.
func editDistance(a, b []rune) int {
	if len(a) > 64 || len(b) > 64 {
		// Long words are never typos of short keys; skip the work.
		if len(a) != len(b) || string(a) != string(b) {
			return 1 << 20
		}
		return 0
	}
	// d[i][j] is the distance between a[:i] and b[:j].
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// didYouMean formats a suggestion as " (did you mean "x"?)", or returns ""
// when there is none.
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return ` (did you mean "` + s + `"?)`
}
