package main

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/comanda/comanda/scenarios"
)

// BenchmarkOrdersPerSecond runs the restaurant in fast mode, 2 waiters and
// 3 kitchens, lock on, for each JSON protocol, with real processes, and
// reports orders completed per second and the peak memory of the
// controller and of the largest worker.
func BenchmarkOrdersPerSecond(b *testing.B) {
	for _, proto := range []string{"seed", "shadow"} {
		b.Run(proto, func(b *testing.B) {
			var rate, rssC, rssW float64
			for i := 0; i < b.N; i++ {
				s := runJSON(b, "--fast", "--duration", "3s", "--protocol", proto, "--producers", "2", "--consumers", "3")
				if proto == "shadow" && (s.Orders.Lost != 0 || len(s.Violations) != 0) {
					b.Fatalf("lost %d orders, violations %v", s.Orders.Lost, s.Violations)
				}
				rate += s.Throughput
				rssC = max(rssC, float64(s.RSSControllerKB)/1024)
				rssW = max(rssW, float64(s.RSSWorkerKB)/1024)
			}
			b.ReportMetric(rate/float64(b.N), "orders/s")
			b.ReportMetric(rssC, "MB-controller")
			b.ReportMetric(rssW, "MB-worker")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkRecordingCost compares fast free runs (default scenario, lock
// on) with and without a trace: orders completed per second, and the ratio.
// The machine's speed drifts (it is shared), so the runs go in pairs, one
// of each, taking turns at going first; the ratio is the median of the
// pairs' ratios, and the rates are medians too.
func BenchmarkRecordingCost(b *testing.B) {
	const pairs = 7
	median := func(xs []float64) float64 {
		sort.Float64s(xs)
		return xs[len(xs)/2]
	}
	untraced := func() float64 { return runJSON(b, "--fast", "--duration", "2s").Throughput }
	traced := func() float64 {
		return runJSON(b, "--fast", "--duration", "2s", "--trace", filepath.Join(b.TempDir(), "t.trace")).Throughput
	}
	for i := 0; i < b.N; i++ {
		var without, with, ratios []float64
		for p := 0; p < pairs; p++ {
			var u, t float64
			if p%2 == 0 {
				u, t = untraced(), traced()
			} else {
				t, u = traced(), untraced()
			}
			without, with, ratios = append(without, u), append(with, t), append(ratios, 100*t/u)
		}
		b.ReportMetric(median(without), "orders/s-untraced")
		b.ReportMetric(median(with), "orders/s-traced")
		b.ReportMetric(median(ratios), "%-of-untraced")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkSteppedSteps measures stepped mode's speed with each driver:
// steps per second of wall-clock time, process start-up included.
func BenchmarkSteppedSteps(b *testing.B) {
	for _, driver := range []string{"process", "inproc"} {
		b.Run(driver, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				start := time.Now()
				s := runJSON(b, "--mode", "stepped", "--fast", "--duration", "0s", "--max-steps", "200000", "--driver", driver)
				b.ReportMetric(float64(s.Steps)/time.Since(start).Seconds(), "steps/s")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}

// BenchmarkClassroomTraceSize records a 60-second run of the default
// scenario at classroom speed and reports the trace's size.
func BenchmarkClassroomTraceSize(b *testing.B) {
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "t.trace")
		runJSON(b, "--duration", "60s", "--trace", path)
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/1024, "KiB")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkCheckCost compares fast free runs with and without the
// controller's invariant checks (median of three each).
func BenchmarkCheckCost(b *testing.B) {
	median := func(args ...string) float64 {
		var rates []float64
		for i := 0; i < 3; i++ {
			rates = append(rates, runJSON(b, append([]string{"--fast", "--duration", "2s"}, args...)...).Throughput)
		}
		sort.Float64s(rates)
		return rates[1]
	}
	for i := 0; i < b.N; i++ {
		with := median()
		without := median("--no-checks")
		b.ReportMetric(with, "orders/s-checked")
		b.ReportMetric(without, "orders/s-unchecked")
		b.ReportMetric(100*with/without, "%-of-unchecked")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkRingOrdersPerSecond: the ring protocol, fast, 2 waiters and 3
// kitchens, lock on.
func BenchmarkRingOrdersPerSecond(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s := runJSON(b, "--fast", "--duration", "3s", "--protocol", "ring", "--producers", "2", "--consumers", "3")
		b.ReportMetric(s.Throughput, "orders/s")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkExploreLostUpdate times `comanda explore lost-update` from start
// to the saved trace (find, shrink, re-run with processes).
func BenchmarkExploreLostUpdate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		start := time.Now()
		out, err := comanda(b, dir, "explore", "lost-update", "--find", "lost-update", "--out", filepath.Join(dir, "e.trace")).CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		b.ReportMetric(time.Since(start).Seconds()*1000, "ms")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkCheckAllBundled times `comanda check` of every bundled scenario
// together, from start to exit, with the real binary.
func BenchmarkCheckAllBundled(b *testing.B) {
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out, err := comanda(b, b.TempDir(), append([]string{"check"}, scenarios.Bundled()...)...).CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s")
		b.ReportMetric(0, "ns/op")
	}
}
