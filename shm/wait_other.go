//go:build !linux

package shm

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Wait32 sleeps while *addr == val, for at most timeout (0: no limit). It may
// return early; callers re-check their condition. Without futexes it polls:
// a few spins, then sleeps that grow from 20 µs to 1 ms.
func Wait32(addr *uint32, val uint32, timeout time.Duration) {
	start := time.Now()
	pause := 20 * time.Microsecond
	for i := 0; atomic.LoadUint32(addr) == val; i++ {
		if timeout > 0 && time.Since(start) >= timeout {
			return
		}
		if i < 50 {
			runtime.Gosched()
			continue
		}
		time.Sleep(pause)
		if pause < time.Millisecond {
			pause *= 2
		}
	}
}

// Wake32 does nothing without futexes: sleepers poll.
func Wake32(addr *uint32, n int) {}

// HasFutex reports whether Wait32 is a kernel wait (true) or polling.
const HasFutex = false

// Yield gives the processor to others for a moment (portable fallback:
// the Go scheduler's yield).
func Yield() { runtime.Gosched() }
