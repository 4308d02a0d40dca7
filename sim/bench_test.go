package sim

import (
	"testing"
	"time"
)

// benchLocal runs a fast stepped restaurant in-process for b.N steps and
// reports steps per second.
func benchLocal(b *testing.B, proto Protocol, check bool) {
	cfg := testConfig()
	cfg.Protocol, cfg.Fast, cfg.Duration = proto, true, 0
	cfg.MaxSteps = uint64(b.N) + 1
	l, err := NewLocal(cfg, PolicyRandom, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	l.M.NoChecks = !check
	b.ResetTimer()
	start := time.Now()
	n := 0
	for n < b.N && l.M.Step() {
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "steps/s")
}

func BenchmarkLocalStepsShadow(b *testing.B)        { benchLocal(b, ProtoShadow, true) }
func BenchmarkLocalStepsShadowNoCheck(b *testing.B) { benchLocal(b, ProtoShadow, false) }
func BenchmarkLocalStepsSeed(b *testing.B)          { benchLocal(b, ProtoSeed, true) }

// BenchmarkExploreSchedules measures how many schedules per second the
// explorer runs in-process (random walks of up to 200 steps, lock on, so
// that nothing is found and every walk runs to its end).
func BenchmarkExploreSchedules(b *testing.B) {
	cfg := testConfig()
	cfg.Think = Range{0, 300 * time.Millisecond}
	start := time.Now()
	tried := 0
	for i := 0; i < b.N; i++ {
		f := Explore(cfg, InvNone, 200, 200)
		tried += f.Tried
	}
	b.ReportMetric(float64(tried)/time.Since(start).Seconds(), "schedules/s")
}

func BenchmarkLocalStepsRing(b *testing.B) { benchLocal(b, ProtoRing, true) }
