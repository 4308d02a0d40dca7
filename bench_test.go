package main

import "testing"

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
