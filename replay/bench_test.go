package replay_test

import (
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/comanda/comanda/replay"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
)

// bigTrace records a fast in-process free run of at least a million events.
func bigTrace(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "big.trace")
	cfg := smallConfig(1)
	cfg.Mode, cfg.MaxSteps, cfg.Fast = sim.ModeFree, 0, true
	cfg.Producers, cfg.Consumers = 2, 3
	r, err := runner.Start(runner.Options{Config: cfg, Driver: "inproc", TracePath: path})
	if err != nil {
		b.Fatal(err)
	}
	for {
		time.Sleep(20 * time.Millisecond)
		if p := r.Progress(); p.Events > 1000000 {
			break
		}
	}
	r.Stop()
	s := r.Wait()
	if s.Events < 1000000 {
		b.Fatalf("only %d events", s.Events)
	}
	return path
}

// BenchmarkReplayOpen opens and indexes a trace of a million events or
// more, and reports the time per million events, the time to reach a
// random step, and the heap in use with the trace open.
func BenchmarkReplayOpen(b *testing.B) {
	path := bigTrace(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		start := time.Now()
		rep, err := replay.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		open := time.Since(start)
		b.ReportMetric(open.Seconds()*1e6/float64(rep.Len())*1000, "ms/1M-events")
		b.ReportMetric(float64(rep.Len()), "events")
		r := rand.New(rand.NewPCG(1, 2))
		worst := time.Duration(0)
		for j := 0; j < 100; j++ {
			t := time.Now()
			rep.AtStep(uint64(r.Int64N(int64(rep.Steps()))))
			worst = max(worst, time.Since(t))
		}
		b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst-AtStep")
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap")
		runtime.KeepAlive(rep)
		b.ReportMetric(0, "ns/op")
	}
}
