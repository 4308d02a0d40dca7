package shm

import (
	"sync/atomic"
	"time"
	"unsafe"
)

// A Lock is a cross-process mutex in shared memory: a lock word and a
// sleepers word (on another cache line, see layout.go).
//
//	lock word:     bits 63–32 generation, bumped by every acquisition;
//	               bits 31–0 owner PID, 0 when the lock is free
//	sleepers word: bit i set while the worker in slot i sleeps on the lock
//
// Acquire is a compare-and-swap from free to "me", so an uncontended
// acquire+release costs two atomic instructions and no system call. A
// waiter that finds the lock held spins a little, then sets its bit in the
// sleepers word and sleeps on the lock word's low 32 bits (a futex on
// Linux), which every release changes. A release makes the wake-up system
// call only when a sleeper's bit is set: a lock handed between processes
// that spin costs no system call at all.
//
// No wake-up is lost: the sleeper sets its bit before the kernel compares
// the word, and the releaser changes the word before it reads the bits (Go's
// atomics are sequentially consistent). Either the releaser sees the bit and
// wakes, or the kernel sees the changed word and does not sleep.
type Lock struct {
	word     *uint64
	sleepers *uint64
}

// lockAt returns the lock whose word is at b[off] and sleepers word at
// b[sleepOff].
func lockAt(b []byte, off, sleepOff int) Lock {
	return Lock{(*uint64)(unsafe.Pointer(&b[off])), (*uint64)(unsafe.Pointer(&b[sleepOff]))}
}

// NewLock returns a lock in ordinary memory (for tests and benchmarks).
func NewLock() Lock { return lockAt(NewMemory(16), 0, 8) }

const lockOwnerMask = 1<<32 - 1

// maxSleepers is how many sleepers the sleepers word tells apart: more
// than the MaxWorkers slots.
const maxSleepers = 64

// LockOwner returns the PID that holds a lock word value (0: free).
func LockOwner(v uint64) int { return int(v & lockOwnerMask) }

// LockGeneration returns how many times the lock was acquired.
func LockGeneration(v uint64) uint32 { return uint32(v >> 32) }

// Load returns the lock word's current value.
func (l Lock) Load() uint64 { return atomic.LoadUint64(l.word) }

// Sleepers returns the sleepers word: bit i is set while slot i sleeps.
func (l Lock) Sleepers() uint64 { return atomic.LoadUint64(l.sleepers) }

// Same reports whether l and m are the same lock.
func (l Lock) Same(m Lock) bool { return l.word == m.word }

// TryLock makes one attempt to take the lock for pid. It returns whether it
// succeeded and the word it saw (whose owner is the holder when it failed).
func (l Lock) TryLock(pid int) (bool, uint64) {
	v := atomic.LoadUint64(l.word)
	if LockOwner(v) != 0 {
		return false, v
	}
	nw := (uint64(LockGeneration(v))+1)<<32 | uint64(pid)&lockOwnerMask
	if atomic.CompareAndSwapUint64(l.word, v, nw) {
		return true, nw
	}
	return false, atomic.LoadUint64(l.word)
}

// Unlock frees the lock, keeping its generation, and wakes one sleeper if
// anybody sleeps. Only the holder calls it.
func (l Lock) Unlock() {
	// One locked AND: nobody else changes the word while it is held (a
	// take-over needs the holder dead), and a load and a compare-and-swap
	// would fetch the contended line twice.
	atomic.AndUint64(l.word, ^uint64(lockOwnerMask))
	if atomic.LoadUint64(l.sleepers) != 0 {
		Wake32(l.low(), 1)
	}
}

// TakeOver replaces a dead owner: it swaps the exact word seen (whose owner
// is known to be dead) for one owned by pid. It fails if the word changed,
// which means somebody else recovered the lock first.
func (l Lock) TakeOver(seen uint64, pid int) bool {
	nw := (uint64(LockGeneration(seen))+1)<<32 | uint64(pid)&lockOwnerMask
	return atomic.CompareAndSwapUint64(l.word, seen, nw)
}

// WakeAll wakes every sleeper (after a recovery).
func (l Lock) WakeAll() { Wake32(l.low(), 1<<30) }

// Forget clears the sleeper bit of slot who, which died (maybe asleep on
// the lock): releases stop making wake-up calls for it.
func (l Lock) Forget(who int) { atomic.AndUint64(l.sleepers, ^sleeperBit(who)) }

// sleeperBit returns who's bit in the sleepers word.
func sleeperBit(who int) uint64 { return 1 << (uint(who) % maxSleepers) }

// low returns the word's low 32 bits (the owner), which sleepers wait on.
// The word is little-endian.
func (l Lock) low() *uint32 { return (*uint32)(unsafe.Pointer(l.word)) }

// How many times a waiter looks at a held lock word before it yields or
// sleeps. Watching is cheaper than a sleep and a wake-up when the holder,
// running on another core, is about to let go; but when the processes
// outnumber the cores, a long spin only burns the time the holder (or
// somebody with work to do) needs. Measured on two cores:
//
//   - two processes hammering a lock (BenchmarkLockContendedProcesses):
//     2 000 looks 43 ns an acquisition, 100 looks 55–80 ns;
//   - fast runs of the ring, 2+3 processes, in one interleaved series:
//     2 000 looks 827 000–866 000 orders/s, 100 looks 1 072 000–1 095 000,
//     30 to 60 about the same as 100, none at all 1 008 000–1 060 000.
const (
	SpinLong  = 2000 // as many processes as cores, or fewer
	SpinShort = 100  // more processes than cores
)

// Spin watches the lock word, whose value was seen, up to tries times, and
// reports whether it changed (worth another attempt) before the caller
// sleeps.
func (l Lock) Spin(seen uint64, tries int) bool {
	for i := 0; i < tries; i++ {
		if atomic.LoadUint64(l.word) != seen {
			return true
		}
	}
	return false
}

// Sleep sleeps, as slot who, until the lock word changes from seen (or
// timeout). It returns at once when the word changed already, or when the
// lock is free (nobody would wake a sleeper).
func (l Lock) Sleep(seen uint64, who int, timeout time.Duration) {
	if LockOwner(seen) == 0 {
		return
	}
	bit := sleeperBit(who)
	atomic.OrUint64(l.sleepers, bit)
	Wait32(l.low(), uint32(seen), timeout)
	atomic.AndUint64(l.sleepers, ^bit)
}

// Acquire takes the lock for pid (sleeping as slot who), spinning SpinLong
// looks and then sleeping. Workers take the lock one step at a time through
// TryLock (so that a step can be paused); Acquire is the whole loop, for
// benchmarks and tests.
func (l Lock) Acquire(pid, who int) {
	for {
		ok, seen := l.TryLock(pid)
		if ok {
			return
		}
		if l.Spin(seen, SpinLong) {
			continue
		}
		l.Sleep(seen, who, 100*time.Millisecond)
	}
}
