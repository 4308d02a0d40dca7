package lessons

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// The structure file is TOML. go-toml's decoder says where a document is
// not TOML, but not where each valid value was written, and a lesson whose
// worker name or panel is wrong must be reported at its place. So the
// document is read with go-toml's parser into a tree of values that keep
// their positions, and decoded from there by hand.

// valKind is the kind of a value in the tree.
type valKind int

const (
	valTable valKind = iota
	valArray
	valString
	valInt
	valBool
	valOther // floats and dates: never valid in this file
)

var valKindNames = [...]string{"a table", "an array", "a string", "an integer", "a boolean", "a value of another kind"}

// String names the kind as messages do ("an integer").
func (k valKind) String() string { return valKindNames[k] }

// value is one value of the document, with where it was written.
type value struct {
	kind   valKind
	pos    Pos // where the value starts (a table: its header or its key)
	keyPos Pos // where the key naming it is written (zero for array elements)
	str    string
	num    int64
	bool   bool

	keys     []string          // a table's keys, in the order written
	fields   map[string]*value // a table's values
	elems    []*value          // an array's elements
	inline   bool              // an inline table or array value: closed to other lines
	defined  bool              // a table made by a [header] or a key, not only implied
	arrayTab bool              // an array made by [[headers]]
}

func newTable(pos Pos) *value {
	return &value{kind: valTable, pos: pos, keyPos: pos, fields: map[string]*value{}}
}

// set adds key to table t, or reports that it is there already.
func (t *value) set(key string, v *value) error {
	if old, ok := t.fields[key]; ok {
		return fmt.Errorf("%q is given twice (first at line %d)", key, old.keyPos.Line)
	}
	t.keys = append(t.keys, key)
	t.fields[key] = v
	return nil
}

// tomlDoc builds the tree of a TOML document.
type tomlDoc struct {
	data  []byte
	lines []int // offset of the start of each line
	p     unstable.Parser
}

// pos returns the position of byte offset off.
func (d *tomlDoc) pos(off int) Pos {
	off = max(0, min(off, len(d.data)))
	line := 0
	lo, hi := 0, len(d.lines)-1
	for lo <= hi { // the last line starting at or before off
		mid := (lo + hi) / 2
		if d.lines[mid] <= off {
			line, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	return Pos{Line: line + 1, Col: utf8.RuneCount(d.data[d.lines[line]:off]) + 1}
}

// posOf returns where node n starts.
func (d *tomlDoc) posOf(n *unstable.Node) Pos {
	if n == nil || n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return Pos{}
	}
	return d.pos(int(n.Raw.Offset))
}

// parseTOML reads data into a tree. Errors carry positions.
func parseTOML(data []byte) (*value, *Error) {
	d := &tomlDoc{data: data, lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	root := newTable(Pos{Line: 1, Col: 1})
	root.defined = true
	cur := root
	d.p.Reset(data)
	for d.p.NextExpression() {
		e := d.p.Expression()
		var err error
		var at Pos
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			parts, poss := d.keyOf(e.Key())
			at = poss[0]
			cur, err = d.header(root, parts, poss, e.Kind == unstable.ArrayTable)
		case unstable.KeyValue:
			parts, poss := d.keyOf(e.Key())
			at = poss[0]
			err = d.keyValue(cur, parts, poss, e.Value())
		}
		if err != nil {
			var pe *posErr
			if ok := asPosErr(err, &pe); ok {
				return nil, &Error{Line: pe.pos.Line, Col: pe.pos.Col, Msg: pe.msg}
			}
			return nil, &Error{Line: at.Line, Col: at.Col, Msg: err.Error()}
		}
	}
	if err := d.p.Error(); err != nil {
		return nil, d.syntaxError(err)
	}
	return root, nil
}

// posErr is a problem at a known place inside an expression.
type posErr struct {
	pos Pos
	msg string
}

// Error returns the message.
func (e *posErr) Error() string { return e.msg }

func asPosErr(err error, target **posErr) bool {
	pe, ok := err.(*posErr)
	if ok {
		*target = pe
	}
	return ok
}

// syntaxError places go-toml's parser error.
func (d *tomlDoc) syntaxError(err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	pe, ok := err.(*unstable.ParserError)
	if !ok || pe.Highlight == nil {
		return &Error{Line: 1, Msg: msg}
	}
	// The highlight is a piece of data: where it starts is the difference
	// of the capacities (both run to the end of the same array).
	off := cap(d.data) - cap(pe.Highlight)
	if off < 0 || off > len(d.data) || off+len(pe.Highlight) > len(d.data) ||
		string(d.data[off:off+len(pe.Highlight)]) != string(pe.Highlight) {
		return &Error{Line: 1, Msg: msg}
	}
	p := d.pos(off)
	return &Error{Line: p.Line, Col: p.Col, Msg: msg}
}

// keyOf returns the parts of a (dotted) key and where each is written.
func (d *tomlDoc) keyOf(it unstable.Iterator) ([]string, []Pos) {
	var parts []string
	var poss []Pos
	for it.Next() {
		n := it.Node()
		parts = append(parts, string(n.Data))
		poss = append(poss, d.posOf(n))
	}
	if len(poss) == 0 {
		poss = append(poss, Pos{})
	}
	return parts, poss
}

// header opens the table named by a [header] or [[header]] and returns it.
func (d *tomlDoc) header(root *value, parts []string, poss []Pos, array bool) (*value, error) {
	t := root
	for i, part := range parts {
		last := i == len(parts)-1
		v, ok := t.fields[part]
		switch {
		case !ok:
			if last && array {
				arr := &value{kind: valArray, pos: poss[i], keyPos: poss[i], arrayTab: true}
				if err := t.set(part, arr); err != nil {
					return nil, &posErr{poss[i], err.Error()}
				}
				nt := newTable(poss[i])
				nt.defined = true
				arr.elems = append(arr.elems, nt)
				return nt, nil
			}
			nt := newTable(poss[i])
			nt.defined = last
			t.set(part, nt)
			t = nt
		case last && array:
			if v.kind != valArray || !v.arrayTab {
				return nil, &posErr{poss[i], fmt.Sprintf("[[%s]]: %q is already %s (line %d)", strings.Join(parts, "."), part, v.kind, v.keyPos.Line)}
			}
			nt := newTable(poss[i])
			nt.defined = true
			v.elems = append(v.elems, nt)
			return nt, nil
		case v.kind == valArray && v.arrayTab:
			if last {
				return nil, &posErr{poss[i], fmt.Sprintf("[%s]: %q is an array of tables; write [[%s]]", strings.Join(parts, "."), part, strings.Join(parts, "."))}
			}
			t = v.elems[len(v.elems)-1]
		case v.kind == valTable && !v.inline:
			if last {
				if v.defined {
					return nil, &posErr{poss[i], fmt.Sprintf("table [%s] is defined twice (first at line %d)", strings.Join(parts, "."), v.keyPos.Line)}
				}
				v.defined = true
			}
			t = v
		default:
			return nil, &posErr{poss[i], fmt.Sprintf("%q is already %s (line %d)", part, v.kind, v.keyPos.Line)}
		}
	}
	return t, nil
}

// keyValue adds key = value to table t (a dotted key makes tables).
func (d *tomlDoc) keyValue(t *value, parts []string, poss []Pos, n *unstable.Node) error {
	for i, part := range parts[:len(parts)-1] {
		v, ok := t.fields[part]
		switch {
		case !ok:
			nt := newTable(poss[i])
			nt.defined = true
			t.set(part, nt)
			t = nt
		case v.kind == valTable && !v.inline:
			t = v
		default:
			return &posErr{poss[i], fmt.Sprintf("%q is already %s (line %d)", part, v.kind, v.keyPos.Line)}
		}
	}
	last := len(parts) - 1
	v, err := d.value(n)
	if err != nil {
		return err
	}
	v.keyPos = poss[last]
	if v.pos == (Pos{}) {
		v.pos = poss[last]
	}
	if err := t.set(parts[last], v); err != nil {
		return &posErr{poss[last], err.Error()}
	}
	return nil
}

// value converts a value node.
func (d *tomlDoc) value(n *unstable.Node) (*value, error) {
	v := &value{pos: d.posOf(n)}
	switch n.Kind {
	case unstable.String:
		v.kind, v.str = valString, string(n.Data)
	case unstable.Integer:
		s := strings.ReplaceAll(string(n.Data), "_", "")
		num, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return nil, &posErr{v.pos, fmt.Sprintf("integer %s is out of range", n.Data)}
		}
		v.kind, v.num = valInt, num
	case unstable.Bool:
		v.kind, v.bool = valBool, string(n.Data) == "true"
	case unstable.Array:
		v.kind, v.inline = valArray, true
		it := n.Children()
		for it.Next() {
			e, err := d.value(it.Node())
			if err != nil {
				return nil, err
			}
			if v.pos == (Pos{}) {
				v.pos = e.pos
			}
			v.elems = append(v.elems, e)
		}
	case unstable.InlineTable:
		v = newTable(v.pos)
		v.inline, v.defined = true, true
		it := n.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			parts, poss := d.keyOf(kv.Key())
			if err := d.keyValue(v, parts, poss, kv.Value()); err != nil {
				return nil, err
			}
		}
	default:
		v.kind = valOther
	}
	return v, nil
}
