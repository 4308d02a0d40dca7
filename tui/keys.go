package tui

import (
	"strings"

	"github.com/gdamore/tcell/v2"
)

// An action is something a key does.
type action int

// The actions.
const (
	actNone action = iota
	actHelp
	actQuit
	actBack
	actStart
	actStop
	actParams
	actLock
	actStep
	actRun
	actPick
	actKill
	actSelUp
	actSelDown
	actFaster
	actSlower
	actExport
	actClear
	actPredict
	actTab
	actTheme
	actPrev
	actNext
	actFirst
	actLast
	actJump
	actNextViol
	actPrevViol
	actSearch
	actSearchPrev
	actTakeOver
	actPageNext
	actPageBack
	actAnswer
)

// A screenKind says which screen a binding works on.
type screenKind uint8

// The screens, as bits of a binding's mask.
const (
	onHome screenKind = 1 << iota
	onLive
	onReplay
	onLesson
	onAll = onHome | onLive | onReplay | onLesson
)

// A binding ties a key to an action on some screens. It is also the
// footer's hint and the help's line.
type binding struct {
	key    tcell.Key // tcell.KeyRune for a character key
	runes  string    // with KeyRune: any of these characters
	label  string    // how the footer and the help write the key (a "ui.keyname." catalogue key for a named one)
	act    action
	help   string // catalogue key of what it does
	on     screenKind
	footer bool // shown in the footer (the rest only in the help)
}

// bindings is the key table. Order matters: it is the footer's and the
// help's order, and the first match wins.
var bindings = []binding{
	{key: tcell.KeyRune, runes: "?", label: "?", act: actHelp, help: "ui.key.help", on: onAll, footer: true},
	{key: tcell.KeyRune, runes: "q", label: "q", act: actQuit, help: "ui.key.quit", on: onAll, footer: true},
	{key: tcell.KeyEscape, label: "Esc", act: actBack, help: "ui.key.back", on: onLive | onReplay | onLesson},

	{key: tcell.KeyRune, runes: "s", label: "s", act: actStart, help: "ui.key.startstop", on: onLive, footer: true},
	{key: tcell.KeyRune, runes: "s", label: "s", act: actStart, help: "ui.key.stopgently", on: onLesson},
	{key: tcell.KeyRune, runes: "o", label: "o", act: actParams, help: "ui.key.params", on: onLive, footer: true},
	{key: tcell.KeyRune, runes: "l", label: "l", act: actLock, help: "ui.key.lock", on: onLive | onLesson, footer: true},
	{key: tcell.KeyRune, runes: " ", label: "ui.keyname.space", act: actStep, help: "ui.key.step", on: onLive | onLesson, footer: true},
	{key: tcell.KeyRune, runes: "123456789", label: "1–9", act: actPick, help: "ui.key.pick", on: onLive | onLesson, footer: true},
	{key: tcell.KeyRune, runes: "r", label: "r", act: actRun, help: "ui.key.pause", on: onLive, footer: true},
	{key: tcell.KeyRune, runes: "k", label: "k", act: actKill, help: "ui.key.kill", on: onLive | onLesson, footer: true},
	{key: tcell.KeyUp, label: "↑", act: actSelUp, help: "ui.key.select", on: onLive | onLesson},
	{key: tcell.KeyDown, label: "↓", act: actSelDown, help: "ui.key.select", on: onLive | onLesson},
	{key: tcell.KeyRune, runes: "+=", label: "+", act: actFaster, help: "ui.key.faster", on: onLive},
	{key: tcell.KeyRune, runes: "-_", label: "-", act: actSlower, help: "ui.key.slower", on: onLive},
	{key: tcell.KeyRune, runes: "e", label: "e", act: actExport, help: "ui.key.export", on: onLive | onReplay, footer: true},
	{key: tcell.KeyRune, runes: "c", label: "c", act: actClear, help: "ui.key.clear", on: onLive},

	{key: tcell.KeyRight, label: "→", act: actNext, help: "ui.key.next", on: onReplay, footer: true},
	{key: tcell.KeyLeft, label: "←", act: actPrev, help: "ui.key.prev", on: onReplay, footer: true},
	{key: tcell.KeyHome, label: "Home", act: actFirst, help: "ui.key.first", on: onReplay},
	{key: tcell.KeyEnd, label: "End", act: actLast, help: "ui.key.last", on: onReplay},
	{key: tcell.KeyRune, runes: "g", label: "g", act: actJump, help: "ui.key.jump", on: onReplay, footer: true},
	{key: tcell.KeyRune, runes: "v", label: "v", act: actNextViol, help: "ui.key.nextviol", on: onReplay, footer: true},
	{key: tcell.KeyRune, runes: "V", label: "V", act: actPrevViol, help: "ui.key.prevviol", on: onReplay},
	{key: tcell.KeyRune, runes: "/", label: "/", act: actSearch, help: "ui.key.search", on: onReplay, footer: true},
	{key: tcell.KeyRune, runes: "n", label: "n", act: actSearch, help: "ui.key.searchnext", on: onReplay},
	{key: tcell.KeyRune, runes: "N", label: "N", act: actSearchPrev, help: "ui.key.searchprev", on: onReplay},
	{key: tcell.KeyRune, runes: "t", label: "t", act: actTakeOver, help: "ui.key.takeover", on: onReplay, footer: true},

	{key: tcell.KeyEnter, label: "Enter", act: actPageNext, help: "ui.key.pagenext", on: onLesson, footer: true},
	{key: tcell.KeyPgDn, label: "PgDn", act: actPageNext, help: "ui.key.pagenext", on: onLesson},
	{key: tcell.KeyPgUp, label: "PgUp", act: actPageBack, help: "ui.key.pageback", on: onLesson, footer: true},
	{key: tcell.KeyRune, runes: "a", label: "a", act: actAnswer, help: "ui.key.answer", on: onLesson, footer: true},

	{key: tcell.KeyRune, runes: "p", label: "p", act: actPredict, help: "ui.key.predict", on: onLive | onReplay | onLesson, footer: true},
	{key: tcell.KeyTab, label: "Tab", act: actTab, help: "ui.key.tab", on: onLive | onReplay | onLesson, footer: true},
	{key: tcell.KeyRune, runes: "T", label: "T", act: actTheme, help: "ui.key.theme", on: onAll},
}

// lookup returns the binding for a key event on screen kind on, if any.
func lookup(ev *tcell.EventKey, on screenKind) (binding, rune, bool) {
	for _, b := range bindings {
		if b.on&on == 0 {
			continue
		}
		if b.key == tcell.KeyRune {
			if ev.Key() == tcell.KeyRune && ev.Modifiers()&(tcell.ModCtrl|tcell.ModAlt) == 0 && strings.ContainsRune(b.runes, ev.Rune()) {
				return b, ev.Rune(), true
			}
			continue
		}
		if ev.Key() == b.key {
			return b, 0, true
		}
	}
	return binding{}, 0, false
}

// footerOf returns the bindings the footer of screen kind on shows.
func footerOf(on screenKind) []binding {
	var out []binding
	for _, b := range bindings {
		if b.footer && b.on&on != 0 {
			out = append(out, b)
		}
	}
	return out
}

// helpOf returns the bindings the help of screen kind on lists, keys with
// the same help text merged ("↑ ↓").
func helpOf(on screenKind) []binding {
	var out []binding
	for _, b := range bindings {
		if b.on&on == 0 {
			continue
		}
		merged := false
		for i := range out {
			if out[i].help == b.help {
				out[i].label += " " + b.label
				merged = true
			}
		}
		if !merged {
			out = append(out, b)
		}
	}
	return out
}

// keyLabel returns how binding b's key is written in language tr.
func keyLabel(tr func(string, ...any) string, b binding) string {
	if strings.HasPrefix(b.label, "ui.keyname.") {
		return tr(b.label)
	}
	return b.label
}
