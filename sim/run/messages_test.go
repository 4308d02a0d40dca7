package run

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/comanda/comanda/i18n"
)

var messageKey = regexp.MustCompile(`"(run\.[a-z0-9]+)"`)

// Every message the run logs is in both catalogues.
func TestMessagesInCatalogues(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range messageKey.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 25 {
		t.Fatalf("found %d message keys: the scan is broken", len(used))
	}
	for _, lang := range i18n.Langs {
		have := map[string]bool{}
		for _, k := range i18n.Keys(lang) {
			have[k] = true
		}
		for k := range used {
			if !have[k] {
				t.Errorf("%s: the run logs %q, which the catalogue lacks", lang, k)
			}
		}
	}
}

// A message is written in the run's language.
func TestMessageLanguage(t *testing.T) {
	var got []Message
	r := &Run{opts: Options{Lang: i18n.PTBR, Log: func(m Message) { got = append(got, m) }}}
	r.logf("run.phase3", 2)
	r.logf("run.stuck", r.names([]string{"P1", "P2"}), r.names(nil))
	want := []Message{
		{Key: "run.phase3", Text: "3/9 parando 2 garçom(ns)"},
		{Key: "run.stuck", Text: "o restaurante travou: P1 P2 esperam espaço na janela, ninguém esperam um pedido, e não sobrou ninguém para dar nenhum dos dois"},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("messages %q; want %q", got, want)
	}
}
