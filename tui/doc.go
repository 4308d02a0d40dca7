// Package tui is comanda's terminal interface, on tview and tcell: the home
// screen, the live view of a run, the replay of a trace and the lessons.
//
// Every screen draws one kind of value, a replay.State, whether it comes
// from a run in progress (folded live from its events) or from a trace at
// some step; the panels are functions of it. Keys are data (keys.go): one
// table drives what a key does, the footer's hints and the help. Runs are
// driven from a goroutine of their own, so that the screen never waits for
// a worker; the screen redraws at most five times a second.
package tui
