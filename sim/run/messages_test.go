package run

import (
	"testing"

	"github.com/comanda/comanda/i18n"
)

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
