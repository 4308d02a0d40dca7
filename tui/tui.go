package tui

import (
	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
)

// Home opens the home screen: the live demo, the lessons, the scenarios,
// recent runs and trace files.
func Home(o Options) error {
	a := newApp(o)
	return a.run(newHomeScreen(a))
}

// Live opens the live view of scenario s, with its parameters dialog: Enter
// starts the run.
func Live(o Options, s *scenarios.Scenario) error {
	a := newApp(o)
	l := newLiveScreen(a, s)
	a.post(l.params)
	return a.run(l)
}

// Replay opens the replay of trace rep, read from path, at its first step.
func Replay(o Options, rep *replay.Replay, path string) error {
	a := newApp(o)
	return a.run(newReplayScreen(a, rep, path))
}

// Lesson opens lesson l where the student left it.
func Lesson(o Options, l *lessons.Lesson) error {
	a := newApp(o)
	s, err := a.lessonScreen(l)
	if err != nil {
		return err
	}
	return a.run(s)
}
