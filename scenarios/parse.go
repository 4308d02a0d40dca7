package scenarios

import (
	"bytes"
	"errors"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// utf8BOM is the mark some editors put at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// Parse reads a scenario from the bytes of a TOML file. file names the
// file in messages; Parse never reads the disk. Keys the file leaves out
// get their defaults. When the file is not a valid scenario, the error is
// an ErrorList holding every problem found, sorted by position.
func Parse(file string, src []byte) (*Scenario, error) {
	data := bytes.TrimPrefix(src, utf8BOM) // invisible in editors: positions start after it
	ps := newPositions(data)

	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, ErrorList{syntaxError(file, ps, err)}
	}
	ps.index()

	// Strict decoding only finds the keys the format does not have: the
	// values themselves are read from doc by the converter.
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	strictErr := dec.Decode(&rawFile{})

	s := Default()
	s.Name = ""
	c := &converter{
		file: file,
		s:    s,
		ps:   ps,
		fi: &fileInfo{
			pos:  map[string]Position{},
			text: map[string]string{},
			bad:  map[string]bool{},
		},
	}
	c.unknownKeys(strictErr, doc)
	c.convert(doc)

	s.File = file
	s.Source = bytes.Clone(src)
	c.fi.value = s.values()
	s.file = c.fi

	errs := append(c.errs, s.Validate()...)
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return s, nil
}

// syntaxError turns go-toml's error for a document that is not valid TOML
// into an Error, with the lines around the problem.
func syntaxError(file string, ps *positions, err error) *Error {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &Error{File: file, Line: 1, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line, col := de.Position()
	pos := ps.pos(ps.offset(line, col))
	if pos.Line == 0 {
		pos = Position{Line: max(line, 1), Col: col}
	}
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	if excerpt := de.String(); excerpt != "" {
		msg += "\n    " + strings.ReplaceAll(excerpt, "\n", "\n    ")
	}
	return &Error{File: file, Line: pos.Line, Col: pos.Col, Key: strings.Join(de.Key(), "."), Msg: msg}
}
