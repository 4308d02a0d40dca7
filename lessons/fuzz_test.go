package lessons

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/pelletier/go-toml/v2"
)

// Fuzzing: go test ./lessons -fuzz FuzzParseText (or FuzzParseTOML). The
// interesting inputs found so far are kept in testdata/fuzz.

var (
	baseOnce sync.Once
	baseFS   fstest.MapFS
)

// baseFiles returns the base lessons directory, read once.
func baseFiles(tb testing.TB) fstest.MapFS {
	baseOnce.Do(func() {
		baseFS = fstest.MapFS{}
		sub := os.DirFS("testdata/base")
		fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := fs.ReadFile(sub, p)
				baseFS[p] = &fstest.MapFile{Data: data}
			}
			return nil
		})
	})
	m := fstest.MapFS{}
	for k, v := range baseFS {
		m[k] = v
	}
	if len(m) == 0 {
		tb.Fatal("testdata/base is empty")
	}
	return m
}

// checkPositions checks that every error of err points inside a file of
// lines lines (the files of the list other than name are not checked).
func checkPositions(t *testing.T, err error, name string, lines int) {
	t.Helper()
	list, ok := err.(ErrorList)
	if !ok {
		t.Fatalf("error %T %v; want an ErrorList", err, err)
	}
	for _, e := range list {
		if e.File != name {
			continue
		}
		if e.Line < 1 || e.Line > lines+1 || e.Col < 0 {
			t.Errorf("%v: position outside the file (%d lines)", e, lines)
		}
		if e.Msg == "" {
			t.Errorf("%v: no message", e)
		}
	}
}

func FuzzParseText(f *testing.F) {
	for _, p := range []string{"en/01-restaurant.md", "pt-BR/05-shutdown.md", "en/10-original-bug.md"} {
		data, err := fs.ReadFile(content, p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("# T\n\ntext\n\n---\n\n::: hint\nh\n:::\n"))
	f.Add([]byte("\xef\xbb\xbf# T\r\n\r\nx\r\n---\r\ny step 3 and 4\r\n"))
	f.Add([]byte("# T\n```\n# not a title\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e := &errs{}
		tf := parseText("f.md", data, e)
		lines := bytes.Count(data, []byte("\n")) + 1
		if err := e.err(); err != nil {
			checkPositions(t, err, "f.md", lines)
		} else {
			if tf.title == "" || len(tf.pages) == 0 {
				t.Fatalf("no error, but title %q and %d pages", tf.title, len(tf.pages))
			}
			for i, p := range tf.pages {
				if strings.TrimSpace(p.text) == "" {
					t.Errorf("no error, but page %d has no text", i+1)
				}
			}
		}
		// The same text as a lesson's: checked against the structure.
		m := baseFiles(t)
		m["en/01-demo.md"] = &fstest.MapFile{Data: data}
		if _, err := Load(m, "base"); err != nil {
			checkPositions(t, err, "base/en/01-demo.md", lines)
		}
	})
}

func FuzzParseTOML(f *testing.F) {
	data, err := fs.ReadFile(content, StructureFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(baseFiles(f)[StructureFile].Data)
	f.Add([]byte("a.b = 1\n[t]\ny = { z = [1, 2], w.v = true }\n[[arr]]\n[[arr.sub]]\nm = 2\n"))
	f.Add([]byte("[[lesson]]\nnumber = 1\n[lesson]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, perr := parseTOML(data)
		lines := bytes.Count(data, []byte("\n")) + 1
		var doc map[string]any
		tomlErr := toml.Unmarshal(data, &doc)
		if perr != nil {
			if perr.Line < 1 || perr.Line > lines+1 || perr.Col < 0 || perr.Msg == "" {
				t.Errorf("parseTOML error %+v: position outside the file (%d lines)", perr, lines)
			}
			if tomlErr == nil {
				t.Errorf("parseTOML rejects a document go-toml accepts: %v", perr)
			}
			return
		}
		if root == nil || root.kind != valTable {
			t.Fatalf("parseTOML = %+v, no error", root)
		}
		// Decoding never panics, and its errors have positions.
		e := &errs{}
		d := &decoder{file: StructureFile, e: e}
		d.decodeStructure(root)
		if err := e.err(); err != nil {
			checkPositions(t, err, StructureFile, lines)
		}
	})
}
