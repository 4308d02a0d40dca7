package tui

import (
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/comanda/comanda/i18n"
	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/scenarios"
	runner "github.com/comanda/comanda/sim/run"
	"github.com/gdamore/tcell/v2"
)

// The interface's performance figures (issue 5), for `make bench`:
//
//   - BenchmarkKeyToScreen: key press to redrawn screen, 10+8 real
//     processes in fast mode (target ≤ 50 ms);
//   - BenchmarkFullRedraw: one redraw of a full screen, 1000 orders in the
//     orders table and 18 processes (target ≤ 5 ms);
//   - BenchmarkTUICPUClassroom: CPU of the interface's process while a run
//     goes at classroom speed (target ≤ 5 % of one core).
//
// Every one of them draws on a tcell SimulationScreen: what a real
// terminal costs to write to (escape sequences, the tty) is not in them.
// KeyToScreen and TUICPUClassroom take about 25 s each and measure once,
// whatever b.N (the harness does not call them again: one call outlasts
// the bench time); FullRedraw records its run (about 21 s), then times one
// redraw per iteration.

// keyPresses is how many presses KeyToScreen times.
const keyPresses = 50

// BenchmarkKeyToScreen measures the time from a key press to the draw that
// shows its effect, with 10 waiters and 8 kitchens as fast as they go (real
// processes, the interface folding every event they make). The key is p:
// the title line says PREDICT while predict mode is on, so each press
// flips it and the draw that shows (or no longer shows) the word ends the
// measurement. The draw is seen from tview's after-draw hook, on the
// interface's goroutine, right before the frame goes to the (simulated)
// terminal; the presses are spread at random moments over the 10 fps tick.
// They start once the run has gone long enough for its timeline to fill
// the 160×50 screen (about 16 s, a few hundred thousand orders folded).
// Reported: the median, the 90th percentile and the worst of keyPresses
// presses, in ms.
func BenchmarkKeyToScreen(b *testing.B) {
	const width, height = 160, 50
	a, s := testApp(b, i18n.EN, width, height)
	sc, err := scenarios.LoadBundled("restaurante")
	if err != nil {
		b.Fatal(err)
	}
	sc.Producers.Count, sc.Consumers.Count, sc.Fast, sc.Duration = 10, 8, true, 0

	// want: 0 nothing awaited, 1 the title shows PREDICT, 2 it does not.
	var want atomic.Int32
	seen := make(chan time.Time, 1)
	prev := a.tv.GetAfterDrawFunc()
	a.tv.SetAfterDrawFunc(func(screen tcell.Screen) {
		if prev != nil {
			prev(screen)
		}
		w := want.Load()
		if w == 0 {
			return
		}
		if on := titleHas(screen, "PREDICT"); (w == 1) == on {
			want.Store(0)
			select {
			case seen <- time.Now():
			default:
			}
		}
	})

	l := newLiveScreen(a, sc)
	r := start(b, a, s, l)
	a.post(l.start)
	r.waitFor("running")
	time.Sleep(timelineFull(width)) // the run in full swing, its timeline full
	if p := l.run.Progress(); p.Created == 0 {
		b.Fatalf("no order created: %+v", p)
	}

	lat := make([]time.Duration, 0, keyPresses)
	rnd := uint64(time.Now().UnixNano())
	for i := range keyPresses {
		// A pause of 0–150 ms: the presses fall anywhere in the tick.
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		time.Sleep(time.Duration(rnd%150) * time.Millisecond)
		w := int32(1 + i%2) // on, then off
		want.Store(w)
		t0 := time.Now()
		r.press("p")
		select {
		case t1 := <-seen:
			lat = append(lat, t1.Sub(t0))
		case <-time.After(10 * time.Second):
			b.Fatalf("press %d: the screen never showed predict mode %s:\n%s", i+1,
				map[int32]string{1: "on", 2: "off"}[w], r.screen())
		}
	}
	want.Store(0)
	p := l.run.Progress()
	r.quit()
	noLeftovers(b, nil)

	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(ms(lat[len(lat)/2]), "ms-median")
	b.ReportMetric(ms(lat[len(lat)*9/10]), "ms-p90")
	b.ReportMetric(ms(lat[len(lat)-1]), "ms-worst")
	b.ReportMetric(float64(p.Created), "orders-created")
	b.ReportMetric(float64(p.Events), "events")
}

// titleHas reports whether the title line (the first two rows: it wraps)
// of what screen is about to show holds word.
func titleHas(screen tcell.Screen, word string) bool {
	w, _ := screen.Size()
	var b strings.Builder
	for y := range 2 {
		for x := range w {
			str, _, _ := screen.Get(x, y)
			if str == "" {
				str = " "
			}
			b.WriteString(str)
		}
		b.WriteByte('\n')
	}
	return strings.Contains(b.String(), word)
}

// BenchmarkFullRedraw measures one redraw of the live view with a full
// screen: 18 processes, an orders table of 1000 rows, the log full, every
// panel shown on a projector-sized 200×60 terminal. The run is real: the
// restaurante scenario with 10 waiters and 8 kitchens (real processes),
// the ring protocol with a window of 1000 orders, waiters much quicker
// than the kitchens (1–2 ms between orders, 10–20 ms to prepare one), so
// that the window fills up and stays full while orders come and go; the
// lock on; traced. The trace is replayed to the first moment the orders
// table holds 1000 rows, and its events up to there are folded into a
// live screen as a run in progress folds them (the screen redrawn every
// 100 ms of the run, so that its log fills as a long run's does): the
// frame the live screen builds there is kept, and the one it builds 100
// ms of the run later. The iterations alternate between the two, so that
// the panels change at every redraw, as in a busy run. One iteration is
// what a tick of the 10 fps clock does on the interface's goroutine: copy
// the state and decode the memory into a frame (as the live screen's
// redraw does), fill the panels and lay them out, then tview's draw of the
// whole screen, and Show. The processes' CPU and memory columns are blank
// (no processes to sample).
//
// (A run with the lock off, whose orders table lists the orders lost, was
// the first idea; but such runs slow down to a few hundred orders a second
// once torn writes begin, each failed read waiting 100 ms as the original
// did, and a thousand lost orders takes from seconds to minutes.)
func BenchmarkFullRedraw(b *testing.B) {
	const rows, width, height = 1000, 200, 60
	sc, rep := fullWindowTrace(b, rows, timelineFull(width)+time.Second)
	n1 := firstWithRows(b, rep, rows, timelineFull(width))
	later := rep.Event(n1-1).Time + int64(100*time.Millisecond)
	n2 := n1 + sort.Search(rep.Len()-n1, func(i int) bool { return rep.Event(n1+i).Time >= later })
	a, s := testApp(b, i18n.EN, width, height)
	l := newLiveScreen(a, sc)
	cfg, h := rep.Config(), rep.Header()
	l.cfg = cfg
	l.fold = replay.NewLive(cfg, h.DataSize, h.DataInit, replay.Notable, timelineWidth)
	l.state, l.started, l.tracePath = stateRunning, time.Now(), "runs/20260101-162031-restaurante.trace"
	w, ht := s.Size()
	l.lay.SetRect(0, 0, w, ht)
	// Fold the events from event from to event to, redrawing every 100 ms
	// of the run's time (as the tick does), and return the last frame.
	fold := func(from, to int) *frame {
		tick := rep.Event(from).Time
		for i := from; i < to; i++ {
			e := rep.Event(i)
			for ; e.Time >= tick+int64(replay.FreeTick); tick += int64(replay.FreeTick) {
				l.fold.Tick()
				l.redraw()
			}
			l.fold.Apply(e)
		}
		l.redraw()
		return l.frame
	}
	frames := [2]*frame{fold(0, n1), fold(n1, n2)}
	i := 0
	shown := [2]int{}
	redraw := func() {
		f := frames[i%2]
		g := newFrame(f.cfg, f.st.Clone())
		g.violations, g.log, g.cols, g.now = f.violations, f.log, f.cols, f.now
		g.selected, g.header = f.selected, f.header
		l.p.show(g)
		l.lay.build()
		s.Clear()
		l.lay.Draw(s)
		s.Show()
		shown[i%2] = len(l.p.content.rows)
		i++
	}
	redraw()
	redraw()
	if min(shown[0], shown[1]) < rows-10 {
		b.Fatalf("the orders table has %v rows, want %d", shown, rows)
	}
	screen := contents(s)
	for _, want := range []string{"P10", "C8", "Orders (", "Timeline"} {
		if !strings.Contains(screen, want) {
			b.Fatalf("the full screen lacks %q:\n%s", want, screen)
		}
	}
	for b.Loop() {
		redraw()
	}
	b.ReportMetric(float64(len(frames[0].st.Workers)), "processes")
	b.ReportMetric(float64(len(frames[0].log)), "log-lines")
	b.ReportMetric(float64(n2-n1), "events-between")
	b.ReportMetric(float64(min(shown[0], shown[1])), "order-rows-min")
}

// timelineFull is how long a free run goes before its timeline fills the
// width of a terminal of width columns.
func timelineFull(width int) time.Duration {
	return time.Duration(width-6)*replay.FreeTick + 500*time.Millisecond
}

// fullWindowTrace records a run of 10+8 real processes whose window of
// rows orders (the ring protocol) fills up and stays full, for d at
// least, and opens its trace; it returns the scenario run too.
func fullWindowTrace(b *testing.B, rows int, d time.Duration) (*scenarios.Scenario, *replay.Replay) {
	b.Helper()
	sc, err := scenarios.LoadBundled("restaurante")
	if err != nil {
		b.Fatal(err)
	}
	sc.Producers.Count, sc.Consumers.Count, sc.Duration = 10, 8, 0
	sc.Protocol, sc.Capacity = "ring", rows
	sc.Producers.Think = scenarios.Range{Min: time.Millisecond, Max: 2 * time.Millisecond}
	sc.Consumers.Think = scenarios.Range{Min: 10 * time.Millisecond, Max: 20 * time.Millisecond}
	opts := runner.FromScenario(sc)
	opts.Driver, opts.Exe, opts.Version = "process", bin, "bench"
	opts.TracePath = filepath.Join(b.TempDir(), "full-window.trace")
	start := time.Now()
	run, err := runner.Start(opts)
	if err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(d + 30*time.Second)
	for (run.Progress().Queued < rows || time.Since(start) < d) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	run.Kill()
	sum := run.Wait()
	noLeftovers(b, nil)
	if sum.Error != "" {
		b.Fatal(sum.Error)
	}
	rep, err := replay.Open(opts.TracePath)
	if err != nil {
		b.Fatal(err)
	}
	return sc, rep
}

// firstWithRows returns the first number of events after which the orders
// table of rep's run has rows rows (the memory's window holds rows orders)
// and the run has gone on for d.
func firstWithRows(b *testing.B, rep *replay.Replay, rows int, d time.Duration) int {
	b.Helper()
	full := func(n int) bool {
		st := rep.At(n)
		board, err := st.Board()
		return err == nil && len(board.Orders)+st.Tally[replay.OrderLost] >= rows
	}
	from := sort.Search(rep.Len(), func(i int) bool { return rep.Event(i).Time >= int64(d) })
	for n := from; n <= rep.Len(); n += 100 {
		if full(n) {
			for n > from && full(n-1) { // back to the first event that makes it
				n--
			}
			return n
		}
	}
	b.Fatalf("the orders table of the run never holds %d rows after %s", rows, d)
	return 0
}

// classroomWindow is how long BenchmarkTUICPUClassroom measures.
const classroomWindow = 10 * time.Second

// BenchmarkTUICPUClassroom measures the CPU the interface's process uses
// while the restaurante scenario runs at its own pace (2 waiters thinking
// 1–4 s, 3 kitchens preparing for 2–6 s: classroom speed), on the live
// screen of a simulated 160×50 terminal, over classroomWindow, from the
// moment the timeline has filled the screen (about 16 s in). The process
// is this test binary: the interface (the 10 fps tick that folds and
// redraws, the once-a-second sampler of the workers' CPU and memory) and
// the run's controller and drainer, which live in the interface's
// process. The workers are processes of their own: RUSAGE_SELF does not
// count them. The simulated terminal costs nothing to write to; a real
// one adds the terminal output. Reported: user+system CPU time over wall
// time, in % of one core.
func BenchmarkTUICPUClassroom(b *testing.B) {
	const width, height = 160, 50
	a, s := testApp(b, i18n.EN, width, height)
	sc, err := scenarios.LoadBundled("restaurante")
	if err != nil {
		b.Fatal(err)
	}
	sc.Duration = 0
	l := newLiveScreen(a, sc)
	r := start(b, a, s, l)
	a.post(l.start)
	r.waitFor("running")
	time.Sleep(timelineFull(width)) // the workers going, the timeline full
	runtime.GC()

	u0, t0 := cpuTime(b), time.Now()
	time.Sleep(classroomWindow)
	u1, t1 := cpuTime(b), time.Now()

	p := l.run.Progress()
	r.quit()
	noLeftovers(b, nil)
	b.ReportMetric(100*float64(u1-u0)/float64(t1.Sub(t0)), "%-of-one-core")
	b.ReportMetric(float64(p.Created), "orders-created")
}

// cpuTime returns the user+system CPU time of this process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
