// Package i18n holds every text comanda shows to people, in one catalogue
// per language: English (en.go) and Brazilian Portuguese (pt_br.go). Code
// asks for a text by its key; a test fails when a key is missing in either
// language, or when the two versions of a text take different arguments.
package i18n

import (
	"fmt"
	"os"
	"strings"
)

// Lang is an interface language.
type Lang string

// The languages.
const (
	EN   Lang = "en"
	PTBR Lang = "pt-BR"
)

// Langs lists the languages.
var Langs = []Lang{EN, PTBR}

// catalogues maps each language to its texts.
var catalogues = map[Lang]map[string]string{EN: en, PTBR: ptBR}

// Parse returns the language named s ("pt-BR", "pt", "pt_BR.UTF-8", "en",
// "en_US", …), and whether s named one.
func Parse(s string) (Lang, bool) {
	l := strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	switch {
	case strings.HasPrefix(l, "pt"):
		return PTBR, true
	case strings.HasPrefix(l, "en"), l == "c", l == "posix", strings.HasPrefix(l, "c."):
		return EN, true
	}
	return EN, false
}

// FromEnv returns the language the environment asks for (LC_ALL,
// LC_MESSAGES, LANG), English when it says nothing we have.
func FromEnv() Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			l, _ := Parse(s)
			return l
		}
	}
	return EN
}

// T returns the text key in language l, formatted with args (fmt verbs).
// A key missing from the catalogue comes out as the key itself, so it shows
// on screen instead of vanishing (and the catalogue test catches it).
func T(l Lang, key string, args ...any) string {
	s, ok := catalogues[l][key]
	if !ok {
		if s, ok = en[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Keys returns every key of language l's catalogue.
func Keys(l Lang) []string {
	var keys []string
	for k := range catalogues[l] {
		keys = append(keys, k)
	}
	return keys
}
