package shm

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// BenchmarkLockUncontended is one acquire+release with nobody else around.
func BenchmarkLockUncontended(b *testing.B) {
	l := NewLock()
	pid := os.Getpid()
	for b.Loop() {
		l.Acquire(pid, 0)
		l.Unlock()
	}
}

// BenchmarkLockContendedProcesses is the average cost of one
// acquire+release when two processes hammer the same lock word in a shared
// file mapping.
func BenchmarkLockContendedProcesses(b *testing.B) {
	dir := b.TempDir()
	f, err := Create(dir, Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 4096, OrdersPerProducer: 8}, NewRunID())
	if err != nil {
		b.Fatal(err)
	}
	defer f.Remove()
	const procs = 2
	each := b.N
	if each < 1000 {
		each = 1000
	}
	var cmds []*exec.Cmd
	for i := 0; i < procs; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockHammerHelper$")
		cmd.Env = append(os.Environ(), "COMANDA_LOCK_HAMMER="+f.Path, "COMANDA_LOCK_EACH="+strconv.Itoa(each), "COMANDA_LOCK_WHO="+strconv.Itoa(i),
			"COMANDA_LOCK_START="+strconv.FormatInt(time.Now().Add(300*time.Millisecond).UnixNano(), 10))
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	// The helpers report their own hammering time in the segment: the
	// start-up of the processes is not part of the figure.
	ns := le.Uint64(f.Seg.Data()[64:])
	if ns == 0 {
		ns = uint64(time.Since(start))
	}
	if got := le.Uint64(f.Seg.Data()); got != uint64(procs*each) {
		b.Fatalf("counter = %d; want %d", got, procs*each)
	}
	b.ReportMetric(float64(ns)/float64(procs*each), "ns/acquire")
	b.ReportMetric(0, "ns/op")
}
