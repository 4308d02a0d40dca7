package lessons

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// A lesson's text, in one language, is one file: a title line, then pages
// separated by lines of three hyphens. A page is markdown-ish text (the
// screen renders paragraphs, "- " lists, **bold** and `code`), and may hold
// blocks that the screen shows apart:
//
//	# The critical section
//
//	Text of the first page.
//
//	---
//
//	Text of the second page.
//
//	::: hint
//	Press space: the scheduler gives the next step to a process.
//	:::
//
//	::: done
//	P1 holds the lock now.
//	:::
//
// The blocks are hint (shown while the page's checkpoint waits), done (the
// reaction when it is met), other (the reaction to another action; {worker}
// and {step} are replaced by the worker the student picked and the step
// reached), question and answer (on the last page).

// The blocks a page can hold.
const (
	blockHint     = "hint"
	blockDone     = "done"
	blockOther    = "other"
	blockQuestion = "question"
	blockAnswer   = "answer"
)

var blockNames = []string{blockHint, blockDone, blockOther, blockQuestion, blockAnswer}

// placeholders are the words reactions may hold in braces.
var placeholders = []string{"worker", "step"}

var placeholderRE = regexp.MustCompile(`\{([a-zA-Z_]*)\}`)

// pageText is one page of a lesson's text.
type pageText struct {
	text   string
	blocks map[string]string
	src    map[string][]srcLine // the lines of the text ("") and of each block, with their numbers
	at     map[string]Pos       // where each block starts
	pos    Pos                  // where the page starts: its first line that is not blank
	end    Pos                  // its last line
	first  int                  // the number of its first line that is not blank, 0 for none
	last   int                  // the number of its last line that is not blank
}

// srcLine is a line of a page and its number in the file.
type srcLine struct {
	n int
	s string
}

// textFile is a lesson's text in one language.
type textFile struct {
	file  string
	title string
	pages []pageText
}

// parseText reads a lesson's text file. Every problem is noted in e.
func parseText(file string, data []byte, e *errs) *textFile {
	data = bytes.TrimPrefix(data, utf8BOM)
	tf := &textFile{file: file}
	if !utf8.Valid(data) {
		e.add(file, Pos{Line: 1}, "the file is not UTF-8 text")
		return tf
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	i := 0
	for i < len(lines) && lines[i] == "" {
		i++
	}
	if i == len(lines) || !strings.HasPrefix(lines[i], "# ") || strings.TrimSpace(lines[i][2:]) == "" {
		e.add(file, Pos{Line: min(i, len(lines)-1) + 1, Col: 1}, "a lesson's text starts with its title: a line \"# Title\"")
		return tf
	}
	tf.title = strings.TrimSpace(lines[i][2:])
	i++

	var (
		page      *pageText
		body      []string
		block     string // the block open, or ""
		blockBody []string
		fence     int // line where the open code fence started (0: none)
	)
	startPage := func(line int) {
		page = &pageText{blocks: map[string]string{}, at: map[string]Pos{}, src: map[string][]srcLine{}, pos: Pos{Line: line + 1, Col: 1}}
		body = nil
	}
	endPage := func(line int) {
		if block != "" {
			e.add(file, page.at[block], "block %q is not closed: end it with a line \":::\"", block)
			block = ""
		}
		if fence != 0 {
			e.add(file, Pos{Line: fence, Col: 1}, "code block not closed: end it with a line \"```\"")
			fence = 0
		}
		page.text = trimBlank(body)
		page.end = Pos{Line: max(page.last, 1), Col: 1}
		if page.first > 0 {
			page.pos = Pos{Line: page.first, Col: 1}
		}
		if page.text == "" {
			e.add(file, page.pos, "page %d has no text", len(tf.pages)+1)
		}
		tf.pages = append(tf.pages, *page)
	}
	add := func(i int, l string) {
		if page.first == 0 && strings.TrimSpace(l) != "" {
			page.first = i + 1
		}
		if block != "" {
			blockBody = append(blockBody, l)
		} else {
			body = append(body, l)
		}
		page.src[block] = append(page.src[block], srcLine{i + 1, l})
	}
	startPage(i)
	for ; i < len(lines); i++ {
		l := lines[i]
		pos := Pos{Line: i + 1, Col: 1}
		if l != "---" && strings.TrimSpace(l) != "" {
			page.last = i + 1
		}
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			if fence == 0 {
				fence = i + 1
			} else {
				fence = 0
			}
		} else if fence != 0 && l != "---" {
			// Inside a code block every line is text, "# comments" too.
			add(i, l)
			continue
		}
		switch {
		case l == "---":
			if block != "" {
				e.add(file, pos, "a page break inside block %q (opened at line %d): close the block with \":::\" first", block, page.at[block].Line)
				block = ""
			}
			endPage(i)
			startPage(i + 1)
		case l == ":::":
			if block == "" {
				e.add(file, pos, "\":::\" closes no block")
				continue
			}
			page.blocks[block] = trimBlank(blockBody)
			if page.blocks[block] == "" {
				e.add(file, page.at[block], "block %q is empty", block)
			}
			block = ""
		case strings.HasPrefix(l, ":::"):
			name := strings.TrimSpace(l[3:])
			col := 4 + len(l[3:]) - len(strings.TrimLeft(l[3:], " \t"))
			npos := Pos{Line: i + 1, Col: col}
			switch {
			case block != "":
				e.add(file, npos, "block %q opened inside block %q (line %d): close that one first with \":::\"", name, block, page.at[block].Line)
			case !slices.Contains(blockNames, name):
				e.add(file, npos, "unknown block %q%s; expected one of: %s", name, didYouMean(name, blockNames), strings.Join(blockNames, ", "))
			case page.at[name] != (Pos{}):
				e.add(file, npos, "block %q is given twice in this page (first at line %d)", name, page.at[name].Line)
			default:
				block, blockBody = name, nil
				page.at[name] = npos
				if page.first == 0 {
					page.first = i + 1
				}
				continue
			}
			// A bad opening: skip to its end so that its text is not taken
			// for the page's.
			for i+1 < len(lines) && lines[i+1] != ":::" && lines[i+1] != "---" {
				i++
			}
			if i+1 < len(lines) && lines[i+1] == ":::" {
				i++
			}
		case strings.HasPrefix(l, "# ") && block == "":
			e.add(file, pos, "a second title: the title is the file's first line; use \"## \" for a heading inside a page")
		default:
			add(i, l)
		}
	}
	endPage(len(lines))
	for _, p := range tf.pages {
		for _, b := range []string{blockHint, blockDone, blockOther} {
			if s, ok := p.blocks[b]; ok {
				for _, m := range placeholderRE.FindAllStringSubmatchIndex(s, -1) {
					if name := s[m[2]:m[3]]; !slices.Contains(placeholders, name) {
						e.add(file, p.at[b], "block %q: unknown placeholder {%s}%s; expected {worker} or {step}", b, name, didYouMean(name, placeholders))
					}
				}
			}
		}
	}
	return tf
}

// utf8BOM is the mark some editors put at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// trimBlank joins lines, without the blank lines at both ends.
func trimBlank(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
