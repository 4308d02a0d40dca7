package scenarios

import "strings"

// Text is a text in both languages of the program.
type Text struct{ EN, PTBR string }

// In returns the text in lang: Portuguese for "pt-BR", "pt", "pt_BR.UTF-8"
// and the like, English otherwise. When that language is empty it falls
// back to the other one.
func (t Text) In(lang string) string {
	if isPortuguese(lang) {
		if t.PTBR != "" {
			return t.PTBR
		}
		return t.EN
	}
	if t.EN != "" {
		return t.EN
	}
	return t.PTBR
}

// isPortuguese reports whether a language tag or locale name is Portuguese.
func isPortuguese(lang string) bool {
	lang = strings.ToLower(lang)
	if !strings.HasPrefix(lang, "pt") {
		return false
	}
	rest := lang[2:]
	return rest == "" || rest[0] == '-' || rest[0] == '_' || rest[0] == '.'
}
