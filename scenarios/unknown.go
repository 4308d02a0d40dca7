package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// unknownKeys reports every key of the file that the format does not have.
// It relies on go-toml's strict mode, which lists them all at once, with
// two exceptions checked here against the decoded document: go-toml
// accepts keys that differ from the format's only in case ("Seed"), and
// it stops early when a table of the format was given a plain value (a
// problem the converter reports on its own).
func (c *converter) unknownKeys(strictErr error, doc map[string]any) {
	var missing *toml.StrictMissingError
	switch {
	case strictErr == nil:
	case errors.As(strictErr, &missing):
		for i := range missing.Errors {
			c.strictMissing(&missing.Errors[i])
		}
	default:
		c.unknownIn(topSchema, "", doc, false)
		return
	}
	c.unknownIn(topSchema, "", doc, true)
}

// strictMissing reports one key that go-toml's strict mode refused.
func (c *converter) strictMissing(e *toml.DecodeError) {
	line, col := e.Position()
	off := c.ps.offset(line, col)
	expr, ok := c.ps.exprs[off]
	if !ok {
		// Not expected: report the key as go-toml saw it.
		pos := c.ps.pos(off)
		key := strings.Join(e.Key(), ".")
		c.errs = append(c.errs, &Error{File: c.file, Line: pos.Line, Col: pos.Col, Key: key,
			Msg: fmt.Sprintf("unknown key %q", key)})
		return
	}
	full := append(append([]string(nil), expr.tableParts...), expr.parts...)
	ts := topSchema
	for i, part := range full {
		// Match as go-toml does, ignoring case: a key or table that differs
		// only in case is reported by unknownIn.
		name := suggestCase(part, ts.names())
		if ts.hasKey(name) {
			return // a key under a value: the converter reports the wrong type
		}
		if sub := ts.table(name); sub != nil {
			ts = sub
			continue
		}
		j := max(i-len(expr.tableParts), 0)
		container := joinKey(expr.table, strings.Join(expr.parts[:j], "."))
		if expr.header {
			container = strings.Join(full[:i], ".")
		}
		c.unknown(ts, container, full[:i+1], expr.offs[j], expr.header, expr.array && i == len(full)-1)
		return
	}
}

// unknownIn walks a decoded table and reports the keys the format does not
// have. With caseOnly, it reports only the keys that differ from a valid
// one in case, which go-toml's strict mode lets through.
func (c *converter) unknownIn(ts *tableSchema, path string, table map[string]any, caseOnly bool) {
	for _, name := range sortedKeys(table) {
		sub := joinKey(path, name)
		switch {
		case ts.hasKey(name):
		case ts.table(name) != nil:
			inner := ts.table(name)
			switch v := table[name].(type) {
			case map[string]any:
				c.unknownIn(inner, sub, v, caseOnly)
			case []any:
				for i, elem := range v {
					if m, ok := elem.(map[string]any); ok {
						c.unknownIn(inner, fmt.Sprintf("%s[%d]", sub, i+1), m, caseOnly)
					}
				}
			}
		case caseOnly && suggestCase(name, ts.names()) == "":
		default:
			e := c.ps.paths[sub]
			header, array := e != nil && e.header, e != nil && e.array
			off := -1
			if e != nil {
				off = e.keyOff
			}
			c.unknown(ts, path, append(schemaParts(ts), name), off, header, array)
		}
	}
}

// unknown reports that the last of parts, at offset off, is not a key of
// table ts; container is the display path of that table. When the key is
// a slip for a valid one, the valid one is treated as unreadable rather
// than missing, so that the slip is reported once.
func (c *converter) unknown(ts *tableSchema, container string, parts []string, off int, header, array bool) {
	msg, meant := unknownMessage(ts, parts, header, array)
	if meant != "" {
		c.fi.bad[joinKey(container, meant)] = true
	}
	pos := c.ps.pos(off)
	c.errs = append(c.errs, &Error{File: c.file, Line: pos.Line, Col: pos.Col,
		Key: joinKey(container, parts[len(parts)-1]), Msg: msg})
}

// schemaParts splits the path of a table into its parts.
func schemaParts(ts *tableSchema) []string {
	if ts.path == "" {
		return nil
	}
	return strings.Split(ts.path, ".")
}

// unknownMessage explains that the last of parts is not a key of table ts,
// and says what was probably meant; meant is the key suggested, if any.
func unknownMessage(ts *tableSchema, parts []string, header, array bool) (msg, meant string) {
	name := parts[len(parts)-1]
	if header {
		written := "[" + strings.Join(parts, ".") + "]"
		if array {
			written = "[" + written + "]"
		}
		if ts.path != "" {
			return fmt.Sprintf("unknown table %s: %s has no tables inside (valid keys: %s)",
				written, ts.header(), strings.Join(ts.keys, ", ")), ""
		}
		var headers []string
		for _, sub := range ts.tables {
			headers = append(headers, sub.header())
		}
		if s := Suggest(name, tableNames(ts)); s != "" {
			return fmt.Sprintf("unknown table %s (did you mean %s?)", written, ts.table(s).header()), s
		}
		return fmt.Sprintf("unknown table %s (valid tables: %s)", written, strings.Join(headers, ", ")), ""
	}

	msg = fmt.Sprintf("unknown key %q", name)
	if ts.path != "" {
		msg += " in " + ts.header()
	}
	if same, ok := counterparts[ts.path][name]; ok {
		return msg + didYouMean(same), same
	}
	if home := homesOf(name, ts); home != "" {
		return msg + "; " + home, ""
	}
	if s := Suggest(name, ts.names()); s != "" {
		return msg + didYouMean(s), s
	}
	return msg + " (valid keys: " + strings.Join(ts.names(), ", ") + ")", ""
}

// counterparts maps a key of one worker table to the key that plays its
// part in the other: waiters think, kitchens prepare.
var counterparts = map[string]map[string]string{
	"producers": {"prep": "think"},
	"consumers": {"think": "prep"},
}

// homesOf says where a key that is not valid in ts belongs, when it is
// valid elsewhere: a common slip is writing a top-level key below a
// [table] header.
func homesOf(name string, ts *tableSchema) string {
	var homes []string
	for _, other := range topSchema.allTables() {
		if other != ts && other.hasKey(name) {
			if other.path == "" {
				return name + " goes at the top of the file, before the first [table]"
			}
			homes = append(homes, other.header())
		}
	}
	if len(homes) == 0 {
		return ""
	}
	return name + " belongs in " + orList(homes)
}

// tableNames returns the names of the tables inside ts.
func tableNames(ts *tableSchema) []string {
	var names []string
	for _, sub := range ts.tables {
		names = append(names, sub.name())
	}
	return names
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
