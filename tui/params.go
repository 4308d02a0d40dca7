package tui

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// params opens the parameters dialog: the run's waiters, kitchens,
// duration, seed, lock, protocol and mode, editable before the start.
// Start checks them as a scenario file's values are checked.
func (l *liveScreen) params() {
	a, s := l.a, l.scen
	form := tview.NewForm()
	num := func(label string, v int) *tview.InputField {
		f := tview.NewInputField().SetLabel(label).SetText(strconv.Itoa(v)).SetFieldWidth(8).
			SetAcceptanceFunc(tview.InputFieldInteger)
		form.AddFormItem(f)
		return f
	}
	producers := num(a.tr("ui.param.producers"), s.Producers.Count)
	consumers := num(a.tr("ui.param.consumers"), s.Consumers.Count)
	duration := num(a.tr("ui.param.duration"), int(s.Duration/time.Second))
	seed := num(a.tr("ui.param.seed"), int(s.Seed))
	choice := func(label string, options []string, cur string) *tview.DropDown {
		d := tview.NewDropDown().SetLabel(label).SetOptions(options, nil)
		d.SetCurrentOption(max(0, slices.Index(options, cur)))
		form.AddFormItem(d)
		return d
	}
	lockNow := "on"
	switch {
	case s.LockScope == "per-process":
		lockNow = "per-process"
	case !s.Lock:
		lockNow = "off"
	}
	lock := choice(a.tr("ui.param.lock"), []string{"on", "off", "per-process"}, lockNow)
	protocol := choice(a.tr("ui.param.protocol"), []string{"seed", "shadow", "ring"}, s.Protocol)
	mode := choice(a.tr("ui.param.mode"), []string{"free", "stepped"}, s.Mode)
	problem := tview.NewTextView().SetDynamicColors(true)

	apply := func() bool {
		c := *s
		c.Given = maps.Clone(s.Given)
		atoi := func(f *tview.InputField) int { n, _ := strconv.Atoi(f.GetText()); return n }
		c.Producers.Count, c.Consumers.Count = atoi(producers), atoi(consumers)
		c.Duration = time.Duration(atoi(duration)) * time.Second
		c.Seed = uint64(max(0, atoi(seed)))
		_, lk := lock.GetCurrentOption()
		c.Lock, c.LockScope = lk != "off", "shared"
		if lk == "per-process" {
			c.LockScope = "per-process"
		}
		_, c.Protocol = protocol.GetCurrentOption()
		_, m := mode.GetCurrentOption()
		if m != c.Mode {
			c.Mode = m
			if m == "free" {
				delete(c.Given, "max_steps")
				delete(c.Given, "policy")
				delete(c.Given, "schedule")
				c.Policy, c.Schedule = "random", nil
			} else if c.MaxSteps == 0 {
				c.MaxSteps = 100000
			}
		}
		if errs := c.Validate(); len(errs) > 0 {
			var lines []string
			for _, e := range errs {
				lines = append(lines, e.Msg)
			}
			problem.SetText(tag(a.theme.Bad) + tview.Escape(strings.Join(lines, "\n")) + "[-]")
			return false
		}
		*l.scen = c
		return true
	}
	form.AddButton(a.tr("ui.param.start"), func() {
		if apply() {
			a.closeModal()
			l.state = stateIdle
			l.showEmpty()
			l.start()
		}
	})
	form.AddButton(a.tr("ui.param.save"), func() {
		if apply() {
			a.closeModal()
			l.showEmpty()
		}
	})
	form.AddButton(a.tr("ui.param.cancel"), func() { a.closeModal() })
	form.SetCancelFunc(func() { a.closeModal() })
	form.SetBorder(true).SetTitle(" " + a.tr("ui.pane.params") + " ")
	form.SetFocus(form.GetFormItemCount()) // the Start button: Enter starts
	box := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(form, 19, 0, true).AddItem(problem, 0, 1, false)
	box.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey { return ev })
	a.openModal("params", center(box, 60, 23))
}
