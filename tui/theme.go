package tui

import (
	"github.com/comanda/comanda/replay"
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// A Theme is the colours of the interface. Colour is never the only
// signal: every status is also a word, so that a screen without colour
// (NO_COLOR, a monochrome projector) says the same.
type Theme struct {
	Name     string
	Text     tcell.Color
	Dim      tcell.Color // secondary text, empty lanes
	Border   tcell.Color
	Title    tcell.Color
	Accent   tcell.Color // the selected row, the key hints
	Bad      tcell.Color // violations, lost orders
	Status   [6]tcell.Color
	Activity [8]tcell.Color
}

// The themes: the default for a screen, and one for a projector in a lit
// room (bright, bold, on black).
var themes = []*Theme{
	{
		Name: "default", Text: tcell.ColorDefault, Dim: tcell.ColorGray, Border: tcell.ColorSteelBlue,
		Title: tcell.ColorLightSkyBlue, Accent: tcell.ColorYellow, Bad: tcell.ColorRed,
		Status: [...]tcell.Color{
			replay.OrderNone:      tcell.ColorGray,
			replay.OrderPending:   tcell.ColorYellow,
			replay.OrderInPrep:    tcell.ColorDodgerBlue,
			replay.OrderDone:      tcell.ColorGreen,
			replay.OrderCancelled: tcell.ColorGray,
			replay.OrderLost:      tcell.ColorRed,
		},
		Activity: [...]tcell.Color{
			replay.ActNotStarted:  tcell.ColorGray,
			replay.ActRunning:     tcell.ColorWhite,
			replay.ActWaitingLock: tcell.ColorOrange,
			replay.ActHolding:     tcell.ColorGreen,
			replay.ActUnprotected: tcell.ColorRed,
			replay.ActSleeping:    tcell.ColorSteelBlue,
			replay.ActWaiting:     tcell.ColorGray,
			replay.ActExited:      tcell.ColorDimGray,
		},
	},
	{
		Name: "contrast", Text: tcell.ColorWhite, Dim: tcell.ColorSilver, Border: tcell.ColorWhite,
		Title: tcell.ColorAqua, Accent: tcell.ColorYellow, Bad: tcell.ColorRed,
		Status: [...]tcell.Color{
			replay.OrderNone:      tcell.ColorSilver,
			replay.OrderPending:   tcell.ColorYellow,
			replay.OrderInPrep:    tcell.ColorAqua,
			replay.OrderDone:      tcell.ColorLime,
			replay.OrderCancelled: tcell.ColorSilver,
			replay.OrderLost:      tcell.ColorRed,
		},
		Activity: [...]tcell.Color{
			replay.ActNotStarted:  tcell.ColorSilver,
			replay.ActRunning:     tcell.ColorWhite,
			replay.ActWaitingLock: tcell.ColorYellow,
			replay.ActHolding:     tcell.ColorLime,
			replay.ActUnprotected: tcell.ColorRed,
			replay.ActSleeping:    tcell.ColorAqua,
			replay.ActWaiting:     tcell.ColorSilver,
			replay.ActExited:      tcell.ColorGray,
		},
	},
}

// themeNamed returns the theme called name, or the default.
func themeNamed(name string) *Theme {
	for _, t := range themes {
		if t.Name == name {
			return t
		}
	}
	return themes[0]
}

// nextTheme returns the theme after t.
func nextTheme(t *Theme) *Theme {
	for i, x := range themes {
		if x == t {
			return themes[(i+1)%len(themes)]
		}
	}
	return themes[0]
}

// apply makes t the look of every tview primitive created from now on.
func (t *Theme) apply() {
	bg := tcell.ColorDefault
	if t.Name == "contrast" {
		bg = tcell.ColorBlack
	}
	tview.Styles = tview.Theme{
		PrimitiveBackgroundColor:    bg,
		ContrastBackgroundColor:     tcell.ColorNavy,
		MoreContrastBackgroundColor: tcell.ColorDarkSlateGray,
		BorderColor:                 t.Border,
		TitleColor:                  t.Title,
		GraphicsColor:               t.Border,
		PrimaryTextColor:            t.Text,
		SecondaryTextColor:          t.Accent,
		TertiaryTextColor:           t.Title,
		InverseTextColor:            tcell.ColorBlack,
		ContrastSecondaryTextColor:  t.Accent,
	}
}

// tag returns the tview colour tag for c ("[red]").
func tag(c tcell.Color) string {
	if c == tcell.ColorDefault {
		return "[-]"
	}
	return "[" + c.String() + "]"
}

// actGlyph is the mark of each activity on the timeline: readable without
// colour. (Strings: a screen cell takes a string, and these are made once.)
var actGlyph = [...]string{
	replay.ActNotStarted:  " ",
	replay.ActRunning:     "▪",
	replay.ActWaitingLock: "░",
	replay.ActHolding:     "█",
	replay.ActUnprotected: "▒",
	replay.ActSleeping:    "·",
	replay.ActWaiting:     "-",
	replay.ActExited:      " ",
}
