//go:build linux

package shm

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The futex operations, shared (not FUTEX_PRIVATE_FLAG): the words live in a
// mapping that several processes share.
const (
	futexWait = 0
	futexWake = 1
)

// Wait32 sleeps while *addr == val, for at most timeout (0: no limit). It may
// return early (a wake-up, a signal, or a spurious return); callers re-check
// their condition. On Linux it is a futex wait, so the kernel wakes it.
func Wait32(addr *uint32, val uint32, timeout time.Duration) {
	var ts *unix.Timespec
	if timeout > 0 {
		t := unix.NsecToTimespec(int64(timeout))
		ts = &t
	}
	unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWait, uintptr(val),
		uintptr(unsafe.Pointer(ts)), 0, 0)
}

// Wake32 wakes up to n sleepers of Wait32 on addr. It never blocks, so it
// skips the Go scheduler's bookkeeping for system calls (as Yield does).
func Wake32(addr *uint32, n int) {
	unix.RawSyscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWake, uintptr(n), 0, 0, 0)
}

// HasFutex reports whether Wait32 is a kernel wait (true) or polling.
const HasFutex = true

// Yield gives the processor to another runnable process (sched_yield): a
// waiter on a small machine lets the lock's holder, which may have been
// preempted, run and finish. It is a raw system call, as the Go runtime's
// own yield is: through syscall.Syscall, a yield that lets others run for
// more than 20 µs looked blocked to the runtime's monitor thread, which then
// handed the worker's scheduler slot to another thread and kept waking every
// 20 µs to check again, taking cores from the lock's holder (fast runs, 2+3
// processes on 2 cores, interleaved: shadow 91 000–100 000 orders/s
// against 80 000–91 000, traced 57 000–72 000 against 54 000–64 000, ring
// 1 010 000–1 290 000 against 950 000–1 100 000).
func Yield() { unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0) }
