package scenarios

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// go-toml's Decoder tells where a problem is, but not where the valid
// values are. positions walks the document with go-toml's unstable parser
// and notes where each key and each value starts, so that a value found out
// of range later can be reported at its place.
//
// Keys are named by display paths: dotted, with 1-based indexes for the
// elements of arrays and array tables ("faults[2].kill", "menu.items[3]").
type positions struct {
	data  []byte
	lines []int                // offset of the start of each line
	chars []int32              // chars[i]: how many characters start in data[:i]
	paths map[string]*posEntry // by display path
	exprs map[int]*posExpr     // by offset of the first part of the key
}

// posEntry is where a key and its value are.
type posEntry struct {
	keyOff int  // offset of the key part that names the path
	valOff int  // offset of the value; -1 for tables
	header bool // a table named by a [header] (or part of one)
	array  bool // an array table, named by a [[header]]
}

// posExpr is a key as written in a key-value line or a table header.
type posExpr struct {
	table      string   // display path of the table the key is in
	tableParts []string // the same path without indexes
	parts      []string // the parts of the (dotted) key
	offs       []int    // the offset of each part
	header     bool     // a [table] or [[table]] header
	array      bool     // a [[table]] header
}

// newPositions prepares the line table of data. Call index to find the
// keys; a document that does not parse gets lines only.
func newPositions(data []byte) *positions {
	ps := &positions{
		data:  data,
		lines: []int{0},
		paths: map[string]*posEntry{},
		exprs: map[int]*posExpr{},
	}
	ps.chars = make([]int32, len(data)+1)
	for i, c := range data {
		if c == '\n' {
			ps.lines = append(ps.lines, i+1)
		}
		ps.chars[i+1] = ps.chars[i]
		if !utf8.RuneStart(c) {
			continue
		}
		ps.chars[i+1]++
	}
	return ps
}

// index walks the document and records where every key and value is. It
// stops quietly at a syntax error: Parse only calls it on documents that
// go-toml decoded.
func (ps *positions) index() {
	var p unstable.Parser
	p.Reset(ps.data)
	table, tableParts := "", []string(nil)
	arrays := map[string]int{} // how many [[x]] headers so far, by display path
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, offs, _ := keyParts(e)
			isArray := e.Kind == unstable.ArrayTable
			path := ""
			for i, part := range parts {
				path = joinKey(path, part)
				last := i == len(parts)-1
				if last && isArray {
					if _, ok := ps.paths[path]; !ok {
						ps.paths[path] = &posEntry{keyOff: offs[i], valOff: -1, header: true, array: true}
					}
					arrays[path]++
					path = fmt.Sprintf("%s[%d]", path, arrays[path])
				} else if n := arrays[path]; n > 0 {
					path = fmt.Sprintf("%s[%d]", path, n)
				}
				if _, ok := ps.paths[path]; !ok || last {
					ps.paths[path] = &posEntry{keyOff: offs[i], valOff: -1, header: true, array: last && isArray}
				}
			}
			ps.exprs[offs[0]] = &posExpr{parts: parts, offs: offs, header: true, array: isArray}
			table, tableParts = path, parts
		case unstable.KeyValue:
			ps.keyValue(table, tableParts, e)
		}
	}
}

// keyValue records a key-value line (or an entry of an inline table) in
// the table at display path table.
func (ps *positions) keyValue(table string, tableParts []string, kv *unstable.Node) {
	parts, offs, end := keyParts(kv)
	if len(parts) == 0 {
		return
	}
	path := table
	for i, part := range parts {
		path = joinKey(path, part)
		if _, ok := ps.paths[path]; !ok || i == len(parts)-1 {
			ps.paths[path] = &posEntry{keyOff: offs[i], valOff: -1}
		}
	}
	entry := ps.paths[path]
	entry.valOff = ps.valueStart(end)
	ps.exprs[offs[0]] = &posExpr{table: table, tableParts: tableParts, parts: parts, offs: offs}
	full := append(append([]string(nil), tableParts...), parts...)
	ps.value(path, full, kv.Value(), entry.valOff)
}

// value records what is inside an array or an inline table; start is the
// offset of the value. go-toml gives no range for an array, so an array
// inside an array gets the position of the array it is in.
func (ps *positions) value(path string, parts []string, v *unstable.Node, start int) {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if it.Node().Kind == unstable.KeyValue {
				ps.keyValue(path, parts, it.Node())
			}
		}
	case unstable.Array:
		it := v.Children()
		n := 0
		for it.Next() {
			elem := it.Node()
			if elem.Kind == unstable.Comment {
				continue
			}
			n++
			off := start
			if elem.Raw.Length > 0 {
				off = int(elem.Raw.Offset)
			}
			elemPath := fmt.Sprintf("%s[%d]", path, n)
			ps.paths[elemPath] = &posEntry{keyOff: off, valOff: off}
			ps.value(elemPath, parts, elem, off)
		}
	}
}

// keyParts returns the parts of the key of a key-value or table header,
// the offset of each part, and the offset just past the last part.
func keyParts(n *unstable.Node) (parts []string, offs []int, end int) {
	it := n.Key()
	for it.Next() {
		k := it.Node()
		parts = append(parts, string(k.Data))
		offs = append(offs, int(k.Raw.Offset))
		end = int(k.Raw.Offset + k.Raw.Length)
	}
	return parts, offs, end
}

// valueStart finds where the value starts, given the offset just past the
// key: after the "=" and the blanks around it.
func (ps *positions) valueStart(off int) int {
	skip := func() {
		for off < len(ps.data) && (ps.data[off] == ' ' || ps.data[off] == '\t') {
			off++
		}
	}
	skip()
	if off < len(ps.data) && ps.data[off] == '=' {
		off++
	}
	skip()
	return off
}

// pos turns an offset into a line and a column counted in characters.
func (ps *positions) pos(off int) Position {
	if off < 0 || off > len(ps.data) {
		return Position{}
	}
	line := sort.Search(len(ps.lines), func(i int) bool { return ps.lines[i] > off }) - 1
	return Position{Line: line + 1, Col: int(ps.chars[off]-ps.chars[ps.lines[line]]) + 1}
}

// offset turns a line and a byte column, as go-toml gives them, into an
// offset, or -1 when they are outside the document.
func (ps *positions) offset(line, byteCol int) int {
	if line < 1 || line > len(ps.lines) || byteCol < 1 {
		return -1
	}
	off := ps.lines[line-1] + byteCol - 1
	if off > len(ps.data) {
		return -1
	}
	return off
}

// valuePos is where the value at path starts, or where its key starts for
// a table; the zero Position when the path is not in the file.
func (ps *positions) valuePos(path string) Position {
	e, ok := ps.paths[path]
	if !ok {
		return Position{}
	}
	if e.valOff >= 0 {
		return ps.pos(e.valOff)
	}
	return ps.pos(e.keyOff)
}

// keyPos is where the key that names path starts.
func (ps *positions) keyPos(path string) Position {
	e, ok := ps.paths[path]
	if !ok {
		return Position{}
	}
	return ps.pos(e.keyOff)
}

// headerPos is where the table at path starts: the first "[" of its
// [header], or the "{" of an inline table.
func (ps *positions) headerPos(path string) Position {
	e, ok := ps.paths[path]
	if !ok {
		return Position{}
	}
	off := e.keyOff
	if e.header {
		for off > 0 && (ps.data[off-1] == '[' || ps.data[off-1] == ' ' || ps.data[off-1] == '\t') {
			off--
		}
	}
	return ps.pos(off)
}
