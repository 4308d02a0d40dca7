package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const assignmentsDoc = "docs/assignments.md"

// assignmentMarker is an HTML comment of docs/assignments.md that says
// what the code block after it must be:
//
//	<!-- file: PATH -->             the whole file PATH
//	<!-- lines of: PATH -->         lines that all appear in PATH
//	<!-- exit N: comanda ARGS -->   "$ comanda ARGS", then its output; it exits with N
var assignmentMarker = regexp.MustCompile("(?m)^<!-- (file|lines of|exit (\\d+)): (.+?) -->\n```[a-z]*\n((?s:.*?))```\n")

// The assignments for teachers never rot: every answer passes `comanda
// check`, every starting file is valid and fails it, both share the same
// [expect] block, and docs/assignments.md shows the files and the outputs
// as they are (-update rewrites the outputs).
func TestAssignments(t *testing.T) {
	dirs, err := filepath.Glob("docs/assignments/*")
	if err != nil || len(dirs) < 4 {
		t.Fatalf("found %d assignments in docs/assignments (%v); want at least 4", len(dirs), err)
	}
	var starts, answers []string
	for _, dir := range dirs {
		start, answer := filepath.Join(dir, "start.toml"), filepath.Join(dir, "answer.toml")
		starts, answers = append(starts, start), append(answers, answer)
		a, errA := os.ReadFile(start)
		b, errB := os.ReadFile(answer)
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", dir, errA, errB)
		}
		if ta, tb := expectTail(a), expectTail(b); ta == "" || ta != tb {
			t.Errorf("%s: the answer's [expect] block (to the end of the file) differs from the starting file's", dir)
		}
	}

	code, results := checkJSON(t, answers...)
	if code != 0 {
		t.Errorf("comanda check of the answers exited with %d; want 0", code)
	}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("answer %s fails: %+v (error %q)", r.File, r.Expectations, r.Error)
		}
	}
	code, results = checkJSON(t, starts...)
	if code != 1 {
		t.Errorf("comanda check of the starting files exited with %d; want 1 (valid, failing)", code)
	}
	for _, r := range results {
		if r.Pass || r.Error != "" || len(r.Expectations) == 0 {
			t.Errorf("starting file %s: pass %v, error %q; want it to run and fail", r.File, r.Pass, r.Error)
		}
	}

	checkAssignmentsDoc(t, starts, answers)
}

// expectTail returns a scenario file from its [expect] line to its end.
func expectTail(src []byte) string {
	s := string(src)
	i := strings.Index(s, "\n[expect]")
	if i < 0 {
		return ""
	}
	return s[i:]
}

// checkAssignmentsDoc checks every marked block of docs/assignments.md,
// and that the doc shows every starting file and answer.
func checkAssignmentsDoc(t *testing.T, starts, answers []string) {
	raw, err := os.ReadFile(assignmentsDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	marks := assignmentMarker.FindAllStringSubmatchIndex(doc, -1)
	shown := map[string]bool{}
	type run struct {
		args     []string
		code     int
		out      string
		gotCode  int
		got      string
		at, from int // the block's text in doc
	}
	var runs []*run
	type edit struct {
		at, from int
		text     string
	}
	var edits []edit // with -update: blocks to rewrite
	for _, m := range marks {
		kind, arg, body := doc[m[2]:m[3]], doc[m[6]:m[7]], doc[m[8]:m[9]]
		switch {
		case kind == "file":
			shown[arg] = true
			want, err := os.ReadFile(arg)
			if err != nil {
				t.Errorf("%s shows %s: %v", assignmentsDoc, arg, err)
			} else if body != string(want) {
				if *update {
					edits = append(edits, edit{m[8], m[9], string(want)})
					continue
				}
				t.Errorf("%s shows %s, but not as it is now (run go test -run TestAssignments -update)", assignmentsDoc, arg)
			}
		case kind == "lines of":
			shown[arg] = true
			src, err := os.ReadFile(arg)
			if err != nil {
				t.Errorf("%s quotes %s: %v", assignmentsDoc, arg, err)
				continue
			}
			lines := strings.Split(string(src), "\n")
			for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
				if !slices.Contains(lines, l) {
					t.Errorf("%s quotes %q from %s, which has no such line", assignmentsDoc, l, arg)
				}
			}
		default:
			args := strings.Fields(arg)
			if len(args) < 2 || args[0] != "comanda" {
				t.Errorf("%s: marker %q: want exit N: comanda ARGS", assignmentsDoc, doc[m[0]:m[1]])
				continue
			}
			code, _ := strconv.Atoi(doc[m[4]:m[5]])
			prompt := "$ " + arg + "\n"
			out, ok := strings.CutPrefix(body, prompt)
			if !ok {
				t.Errorf("%s: the output of %q does not start with %q", assignmentsDoc, arg, prompt)
			}
			runs = append(runs, &run{args: args[1:], code: code, out: out, at: m[8] + len(prompt), from: m[9]})
		}
	}
	for _, f := range append(starts, answers...) {
		if !shown[filepath.ToSlash(f)] {
			t.Errorf("%s does not show %s", assignmentsDoc, f)
		}
	}
	if len(runs) < 2*len(starts) {
		t.Errorf("%s shows the output of %d commands; want at least the check of every starting file and answer", assignmentsDoc, len(runs))
	}

	// Stepped runs, deterministic: a few at a time.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, r := range runs {
		cmd := comanda(t, t.TempDir(), r.args...)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out, err := cmd.Output()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				r.gotCode = ee.ExitCode()
			} else if err != nil {
				r.gotCode = -1
			}
			r.got = string(out)
		}()
	}
	wg.Wait()
	for _, r := range runs {
		if r.gotCode != r.code {
			t.Errorf("comanda %s exited with %d; %s says %d", strings.Join(r.args, " "), r.gotCode, assignmentsDoc, r.code)
		}
		if r.got != r.out {
			if *update {
				edits = append(edits, edit{r.at, r.from, r.got})
				continue
			}
			t.Errorf("comanda %s prints\n%s\nbut %s shows\n%s(run go test -run TestAssignments -update, and read the diff)",
				strings.Join(r.args, " "), r.got, assignmentsDoc, r.out)
		}
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.at - a.at })
	updated := doc
	for _, e := range edits {
		updated = updated[:e.at] + e.text + updated[e.from:]
	}
	if updated != doc {
		if err := os.WriteFile(assignmentsDoc, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
