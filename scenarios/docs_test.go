package scenarios

import (
	"bufio"
	"errors"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const docPath = "../docs/scenarios.md"

// docSections matches the headings of docs/scenarios.md that hold a table
// of keys: "## Top level", "## [producers]", "## [[faults]]".
var (
	docHeading = regexp.MustCompile(`^## (Top level|\[\[?([a-z_.-]+)\]\]?)\s*$`)
	docKeyRow  = regexp.MustCompile("^\\| `([^`]+)` \\|")
)

// documentedKeys reads the dotted names of the keys documented in
// docs/scenarios.md: the first column of the tables under the table
// headings.
func documentedKeys(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(docPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []string
	table, inKeys := "", false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			m := docHeading.FindStringSubmatch(line)
			inKeys = m != nil
			if inKeys {
				table = m[2]
			}
			continue
		}
		if m := docKeyRow.FindStringSubmatch(line); inKeys && m != nil {
			keys = append(keys, joinKey(table, m[1]))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestDocsListEveryKey fails when a key the decoder accepts is missing
// from docs/scenarios.md, or when the doc lists a key that does not exist.
func TestDocsListEveryKey(t *testing.T) {
	code := topSchema.dottedKeys()
	doc := documentedKeys(t)
	sort.Strings(code)
	sort.Strings(doc)
	if diff := cmp.Diff(code, doc); diff != "" {
		t.Errorf("docs/scenarios.md and the format disagree (-in code +in doc):\n%s", diff)
	}
}

// TestDocsErrorExamples checks that each example of "Errors you may see"
// gives exactly the messages the doc shows.
func TestDocsErrorExamples(t *testing.T) {
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Errors you may see\n")
	if !ok {
		t.Fatal(`docs/scenarios.md has no "## Errors you may see" section`)
	}
	block := regexp.MustCompile("(?s)```toml\n(.*?)```\\s*```text\n(.*?)```")
	examples := block.FindAllStringSubmatch(section, -1)
	if len(examples) < 3 {
		t.Fatalf("found %d examples in Errors you may see, want at least 3", len(examples))
	}
	for _, ex := range examples {
		_, err := Parse("scenario.toml", []byte(ex[1]))
		if err == nil {
			t.Errorf("example parses without error:\n%s", ex[1])
			continue
		}
		if got, want := err.Error(), strings.TrimSuffix(ex[2], "\n"); got != want {
			t.Errorf("example gives\n%s\nbut the doc shows\n%s", got, want)
		}
	}
}

// TestDocsExamplesOfKeys checks that the example column of every key is a
// line a scenario may hold.
func TestDocsExamplesOfKeys(t *testing.T) {
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([^`]+)` \\|.*\\| `([^`]+)` \\|$")
	table := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if m := docHeading.FindStringSubmatch(line); m != nil {
			table = m[0][3:]
			if table == "Top level" {
				table = ""
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		src := "name = \"x\"\n"
		switch {
		case m[1] == "name":
			src = ""
		case strings.Contains(table, "faults"):
			src += "[[faults]]\n"
			for _, other := range []string{`kill = "C1"`, `when = "after"`, `after = "1s"`} {
				if !strings.HasPrefix(other, m[1]+" ") {
					src += other + "\n"
				}
			}
		case table != "":
			src += table + "\n"
		}
		src += m[2] + "\n"
		_, err := Parse("example.toml", []byte(src))
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Errorf("the example of %s does not parse:\n%s\n%v", m[1], src, err)
			continue
		}
		// Rules between keys may fire (policy needs mode = "stepped"…);
		// the value itself must be well formed and in range.
		for _, e := range list {
			for _, bad := range []string{"unknown", "expected a", "expected true", "is not a", "out of range", "has no unit", "already defined"} {
				if strings.Contains(e.Msg, bad) {
					t.Errorf("the example of %s is not a valid value:\n%s\n%v", m[1], src, e)
				}
			}
		}
	}
}
