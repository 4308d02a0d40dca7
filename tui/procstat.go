package tui

import (
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// sampler measures the CPU and memory of the worker processes once a
// second, on a goroutine of its own: reading /proc (or asking Windows or
// macOS) never holds up the screen.
type sampler struct {
	mu    sync.Mutex
	stats map[int]procStat
	procs map[int]*process.Process
	pids  func() []int
	stop  chan struct{}
	once  sync.Once
}

// sampleEvery is how often the processes are measured.
const sampleEvery = time.Second

// newSampler starts measuring the processes pids lists.
func newSampler(pids func() []int) *sampler {
	s := &sampler{stats: map[int]procStat{}, procs: map[int]*process.Process{}, pids: pids, stop: make(chan struct{})}
	go s.loop()
	return s
}

func (s *sampler) loop() {
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// sample measures every process once.
func (s *sampler) sample() {
	stats := map[int]procStat{}
	seen := map[int]bool{}
	for _, pid := range s.pids() {
		if pid <= 0 {
			continue
		}
		seen[pid] = true
		p := s.procs[pid]
		if p == nil {
			var err error
			if p, err = process.NewProcess(int32(pid)); err != nil {
				continue
			}
			s.procs[pid] = p
			p.Percent(0) // the first call starts the measure
		}
		cpu, err := p.Percent(0)
		if err != nil {
			continue
		}
		st := procStat{ok: true, cpu: cpu}
		if m, err := p.MemoryInfo(); err == nil {
			st.rss = m.RSS
		}
		stats[pid] = st
	}
	for pid := range s.procs {
		if !seen[pid] {
			delete(s.procs, pid)
		}
	}
	s.mu.Lock()
	s.stats = stats
	s.mu.Unlock()
}

// get returns the last measure of process pid.
func (s *sampler) get(pid int) procStat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats[pid]
}

// close stops the measures.
func (s *sampler) close() { s.once.Do(func() { close(s.stop) }) }
