package scenarios

import (
	"reflect"
	"strings"
)

// rawFile lists every key a scenario file may have. The decoder refuses
// any other key, and the key lists of error messages and the check of
// docs/scenarios.md are read from these struct tags. Values are left as
// "any": the converter checks their types, so that one wrong type does not
// hide the other problems of the file.
type rawFile struct {
	Name         any          `toml:"name"`
	Description  rawText      `toml:"description"`
	Seed         any          `toml:"seed"`
	Duration     any          `toml:"duration"`
	Protocol     any          `toml:"protocol"`
	Capacity     any          `toml:"capacity"`
	Lock         any          `toml:"lock"`
	LockScope    any          `toml:"lock_scope"`
	WritePace    any          `toml:"write_pace"`
	Locks        any          `toml:"locks"`
	LockOrder    any          `toml:"lock_order"`
	Mode         any          `toml:"mode"`
	Policy       any          `toml:"policy"`
	Schedule     any          `toml:"schedule"`
	MaxSteps     any          `toml:"max_steps"`
	Fast         any          `toml:"fast"`
	Driver       any          `toml:"driver"`
	Grace        any          `toml:"grace"`
	DrainTimeout any          `toml:"drain_timeout"`
	Producers    rawProducers `toml:"producers"`
	Consumers    rawConsumers `toml:"consumers"`
	Menu         rawMenu      `toml:"menu"`
	Faults       []rawFault   `toml:"faults"`
	Expect       rawExpect    `toml:"expect"`
}

type rawText struct {
	EN   any `toml:"en"`
	PTBR any `toml:"pt-BR"`
}

type rawProducers struct {
	Count any `toml:"count"`
	Think any `toml:"think"`
}

type rawConsumers struct {
	Count any `toml:"count"`
	Prep  any `toml:"prep"`
}

type rawMenu struct {
	Items  any `toml:"items"`
	Tables any `toml:"tables"`
}

type rawFault struct {
	Kill  any `toml:"kill"`
	When  any `toml:"when"`
	After any `toml:"after"`
	Count any `toml:"count"`
}

type rawExpect struct {
	Violations       any `toml:"violations"`
	Clean            any `toml:"clean"`
	Lost             any `toml:"lost"`
	Duplicated       any `toml:"duplicated"`
	CompletedAtLeast any `toml:"completed_at_least"`
	Deadlock         any `toml:"deadlock"`
	WithinSteps      any `toml:"within_steps"`
	RunFor           any `toml:"run_for"`
}

// tableSchema is the set of keys valid in one table of the format.
type tableSchema struct {
	path   string         // dotted path, "" at the top level
	array  bool           // written [[path]]
	keys   []string       // the keys holding values, in declaration order
	tables []*tableSchema // the tables inside
}

// topSchema is the whole format, read from rawFile.
var topSchema = schemaOf("", reflect.TypeOf(rawFile{}), false)

func schemaOf(path string, t reflect.Type, array bool) *tableSchema {
	ts := &tableSchema{path: path, array: array}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		switch {
		case f.Type.Kind() == reflect.Struct:
			ts.tables = append(ts.tables, schemaOf(joinKey(path, name), f.Type, false))
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			ts.tables = append(ts.tables, schemaOf(joinKey(path, name), f.Type.Elem(), true))
		default:
			ts.keys = append(ts.keys, name)
		}
	}
	return ts
}

// name is the last part of the table's path.
func (t *tableSchema) name() string {
	return t.path[strings.LastIndexByte(t.path, '.')+1:]
}

// header is the table as written in a file: "[producers]" or "[[faults]]".
func (t *tableSchema) header() string {
	if t.array {
		return "[[" + t.path + "]]"
	}
	return "[" + t.path + "]"
}

// hasKey reports whether name is a key holding a value in this table.
func (t *tableSchema) hasKey(name string) bool {
	for _, k := range t.keys {
		if k == name {
			return true
		}
	}
	return false
}

// table returns the table called name inside t, or nil.
func (t *tableSchema) table(name string) *tableSchema {
	for _, sub := range t.tables {
		if sub.name() == name {
			return sub
		}
	}
	return nil
}

// names returns the keys of t followed by the names of its tables.
func (t *tableSchema) names() []string {
	names := append([]string(nil), t.keys...)
	for _, sub := range t.tables {
		names = append(names, sub.name())
	}
	return names
}

// allTables returns t and every table inside it, depth first.
func (t *tableSchema) allTables() []*tableSchema {
	all := []*tableSchema{t}
	for _, sub := range t.tables {
		all = append(all, sub.allTables()...)
	}
	return all
}

// dottedKeys returns every key of the format as a dotted path, like
// "seed", "producers.count" or "faults.kill".
func (t *tableSchema) dottedKeys() []string {
	var keys []string
	for _, ts := range t.allTables() {
		for _, k := range ts.keys {
			keys = append(keys, joinKey(ts.path, k))
		}
	}
	return keys
}

// joinKey joins the parts of a dotted key, skipping empty ones.
func joinKey(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
