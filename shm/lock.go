package shm

import (
	"sync/atomic"
	"time"
)

// The lock word is 64 bits:
//
//	bits 63–32  generation: bumped by every acquisition
//	bit  30     waiters: somebody may sleep on the word and needs a wake-up
//	bits 29–0   owner PID, 0 when the lock is free
//
// The low 32 bits are what a futex waits on (the word is little-endian, so
// they are the first four bytes), which is why the owner and the waiters bit
// share them: every release changes them, so a sleeper is always woken.
//
// Acquire is a compare-and-swap from free to "me", so an uncontended
// acquire+release costs two atomic instructions and no system call.
const (
	lockOwnerMask = 1<<30 - 1
	lockWaiters   = 1 << 30
)

// LockOwner returns the PID that holds a lock word value (0: free).
func LockOwner(v uint64) int { return int(v & lockOwnerMask) }

// LockGeneration returns how many times the lock was acquired.
func LockGeneration(v uint64) uint32 { return uint32(v >> 32) }

// TryLock makes one attempt to take the lock for pid. It returns whether it
// succeeded and the word it saw (whose owner is the holder when it failed).
// waiters keeps the waiters bit set in the new word: a worker that slept on
// the lock sets it, since others may still be sleeping.
func TryLock(w *uint64, pid int, waiters bool) (bool, uint64) {
	v := atomic.LoadUint64(w)
	if LockOwner(v) != 0 {
		return false, v
	}
	nw := (uint64(LockGeneration(v))+1)<<32 | uint64(pid)&lockOwnerMask
	if waiters {
		nw |= lockWaiters
	}
	if atomic.CompareAndSwapUint64(w, v, nw) {
		return true, nw
	}
	return false, atomic.LoadUint64(w)
}

// MarkWaiting sets the waiters bit on word value seen, so that the holder's
// release wakes sleepers. It fails when the word changed meanwhile.
func MarkWaiting(w *uint64, seen uint64) bool {
	if LockOwner(seen) == 0 {
		// Free meanwhile: sleeping now would wait for a release that never
		// comes. Try again instead.
		return false
	}
	if seen&lockWaiters != 0 {
		return true
	}
	return atomic.CompareAndSwapUint64(w, seen, seen|lockWaiters)
}

// Unlock frees the lock and reports whether sleepers must be woken. Only the
// holder calls it.
func Unlock(w *uint64) (wake bool) {
	for {
		v := atomic.LoadUint64(w)
		nw := v &^ (1<<32 - 1) // keep the generation, drop owner and waiters
		if atomic.CompareAndSwapUint64(w, v, nw) {
			return v&lockWaiters != 0
		}
	}
}

// TakeOver replaces a dead owner: it swaps the exact word seen (whose owner
// is known to be dead) for one owned by pid. It fails if the word changed,
// which means somebody else recovered the lock first.
func TakeOver(w *uint64, seen uint64, pid int) bool {
	nw := (uint64(LockGeneration(seen))+1)<<32 | uint64(pid)&lockOwnerMask | lockWaiters
	return atomic.CompareAndSwapUint64(w, seen, nw)
}

// LoadLock returns the lock word's current value.
func LoadLock(w *uint64) uint64 { return atomic.LoadUint64(w) }

// spinTries is how many times a waiter looks at a held lock word before it
// sleeps. Watching is cheaper than a sleep and a wake-up when the holder is
// about to let go; on a small machine with more processes than cores it
// only burns the time the holder needs, so the watch is short.
const spinTries = 200

// Spin watches a lock word whose value was seen, for a short while, and
// reports whether it changed (worth another attempt) before the caller
// sleeps.
func Spin(w *uint64, seen uint64) bool {
	for i := 0; i < spinTries; i++ {
		if atomic.LoadUint64(w) != seen {
			return true
		}
	}
	return false
}

// Acquire takes the lock for pid, spinning briefly and then sleeping on the
// word. Workers take the lock one step at a time through TryLock (so that a
// step can be paused); Acquire is the whole loop, for benchmarks and tests.
func Acquire(w *uint64, pid int) {
	waited := false
	for {
		ok, seen := TryLock(w, pid, waited)
		if ok {
			return
		}
		if Spin(w, seen) {
			continue
		}
		if !MarkWaiting(w, seen) {
			continue
		}
		WaitLock(w, seen|lockWaiters, 100*time.Millisecond)
		waited = true
	}
}

// Release frees a lock taken with Acquire and wakes a sleeper if there is
// one.
func Release(w *uint64) {
	if Unlock(w) {
		WakeLock(w)
	}
}
