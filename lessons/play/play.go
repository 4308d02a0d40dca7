// Package play runs a lesson's scenario the way a lesson needs it: stepped,
// paused between steps, and driven by the student's actions one at a time.
// Do carries an action out and returns the state of the run once every
// event of that action has been folded in, so that a checkpoint can be
// judged on it at once. The lesson tests' scripted student uses it; the
// terminal UI may too.
package play

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/lessons"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/shm"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/comanda/comanda/trace"
)

// Options say how to run a lesson's scenario.
type Options struct {
	Driver    string                  // "inproc" or "process" (default)
	TracePath string                  // record the trace here ("" for none)
	Version   string                  // comanda's version, for the trace header
	Log       func(runner.Message)    // the controller's messages, in Lang; may be nil
	Lang      i18n.Lang               // the language of Log's messages (default English)
	OnEvent   func(*trace.Event)      // every event, after the Player folded it; may be nil
	Exe       string                  // the binary that runs the workers ("": this one)
	Keep      func(*trace.Event) bool // which events the fold keeps for a log (nil: all)
	Timeline  int                     // how many timeline columns the fold keeps
}

// A Player is a lesson's run in progress.
type Player struct {
	run  *runner.Run
	live *replay.Live
	cfg  *sim.Config

	mu      sync.Mutex
	seen    uint64        // sequence number of the last event folded
	changed chan struct{} // closed and replaced at every event
}

// ErrOver is returned by Do when the run has ended.
var ErrOver = errors.New("play: the run is over")

// RunOptions returns the run options of lesson l's scenario, stepped and
// paused: exactly the run the lesson's text describes.
func RunOptions(l *lessons.Lesson) (runner.Options, error) {
	s, err := scenarios.LoadBundled(l.Scenario())
	if err != nil {
		return runner.Options{}, fmt.Errorf("play: lesson %d: %w", l.Number, err)
	}
	return ScenarioOptions(s)
}

// ScenarioOptions returns the run options of a stepped scenario, paused.
func ScenarioOptions(s *scenarios.Scenario) (runner.Options, error) {
	opts := runner.FromScenario(s)
	if opts.Config.Mode != sim.ModeStepped {
		return runner.Options{}, fmt.Errorf("play: scenario %s is not stepped", s.Name)
	}
	opts.Paused = true
	return opts, nil
}

// Start starts lesson l's run, paused before its first step.
func Start(l *lessons.Lesson, o Options) (*Player, error) {
	opts, err := RunOptions(l)
	if err != nil {
		return nil, err
	}
	return start(opts, o)
}

// StartScenario starts a stepped scenario's run, paused before its first
// step.
func StartScenario(s *scenarios.Scenario, o Options) (*Player, error) {
	opts, err := ScenarioOptions(s)
	if err != nil {
		return nil, err
	}
	return start(opts, o)
}

func start(opts runner.Options, o Options) (*Player, error) {
	if o.Driver != "" {
		opts.Driver = o.Driver
	}
	opts.TracePath, opts.Version, opts.Log, opts.Lang, opts.Exe = o.TracePath, o.Version, o.Log, o.Lang, o.Exe
	cfg := opts.Config
	init := make([]byte, cfg.DataSize())
	sim.InitData(&cfg, init)
	p := &Player{cfg: &cfg, live: replay.NewLive(&cfg, len(init), init, o.Keep, o.Timeline), changed: make(chan struct{})}
	opts.OnEvent = func(e *trace.Event) {
		p.live.Apply(e)
		if o.OnEvent != nil {
			o.OnEvent(e)
		}
		p.mu.Lock()
		p.seen = e.Seq
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
	}
	r, err := runner.Start(opts)
	if err != nil {
		return nil, err
	}
	p.run = r
	return p, nil
}

// Run returns the run itself.
func (p *Player) Run() *runner.Run { return p.run }

// Live returns the fold of the run's events.
func (p *Player) Live() *replay.Live { return p.live }

// Do carries out action a, waits until its events are folded, and returns
// the state after it and the violations so far. An action the run refuses
// (a pick of a worker that waits for the lock) returns the run's reason as
// the error, with the unchanged state. "stop" waits for the end of the run.
func (p *Player) Do(a lessons.Action) (*replay.State, []replay.Violation, error) {
	var err error
	slot := -1
	if a.Worker != "" {
		if slot = p.cfg.SlotOf(a.Worker); slot < 0 {
			return nil, nil, fmt.Errorf("play: there is no worker %s", a.Worker)
		}
	}
	select {
	case <-p.run.Done():
		if a.Kind != lessons.ActNext && a.Kind != lessons.ActStop {
			err = ErrOver
		}
	default:
		switch a.Kind {
		case lessons.ActStep:
			err = p.run.StepOnce()
		case lessons.ActPick:
			err = p.run.Pick(slot)
		case lessons.ActLockOn, lessons.ActLockOff:
			p.run.ToggleLock(a.Kind == lessons.ActLockOn)
		case lessons.ActKill:
			p.run.KillWorker(slot)
		case lessons.ActStop:
			p.run.Stop()
			p.run.Wait()
		case lessons.ActNext:
		default:
			return nil, nil, fmt.Errorf("play: unknown action %q", a.Kind)
		}
	}
	st, v, werr := p.settle()
	if err == nil {
		err = werr
	}
	return st, v, err
}

// settle waits until every event recorded so far is folded, and returns
// the state then.
func (p *Player) settle() (*replay.State, []replay.Violation, error) {
	var want uint64
	p.run.ReadSegment(func(seg *shm.Segment) { want = seg.Seq() })
	deadline := time.After(10 * time.Second)
	for {
		p.mu.Lock()
		seen, changed := p.seen, p.changed
		p.mu.Unlock()
		if seen >= want {
			break
		}
		select {
		case <-changed:
		case <-p.run.Done():
			p.mu.Lock()
			seen = p.seen
			p.mu.Unlock()
			if seen < want {
				// The run ended: everything it recorded has been drained.
				want = seen
			}
		case <-deadline:
			return nil, nil, fmt.Errorf("play: events up to %d not seen after 10 s (last %d)", want, seen)
		}
	}
	st, vs := p.State()
	return st, vs, nil
}

// State returns the state of the run now and the violations up to it.
func (p *Player) State() (*replay.State, []replay.Violation) {
	st := p.live.Snapshot()
	var vs []replay.Violation
	p.live.View(func(lv replay.LiveView) {
		for _, x := range lv.Violations {
			if x.Index < st.Event {
				vs = append(vs, x)
			}
		}
	})
	return st, vs
}

// Close stops the run at once if it still goes on, and returns its summary.
func (p *Player) Close() *runner.Summary {
	select {
	case <-p.run.Done():
	default:
		p.run.Kill()
	}
	return p.run.Wait()
}
