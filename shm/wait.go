package shm

import (
	"time"
	"unsafe"
)

// lockLow returns the low 32 bits of a lock word (owner and waiters bit),
// which is what sleepers wait on. The word is little-endian.
func lockLow(w *uint64) *uint32 { return (*uint32)(unsafe.Pointer(w)) }

// WaitLock sleeps until the lock word changes from seen (or timeout), for a
// worker that found the lock held and set the waiters bit.
func WaitLock(w *uint64, seen uint64, timeout time.Duration) {
	Wait32(lockLow(w), uint32(seen), timeout)
}

// WakeLock wakes one sleeper of the lock word.
func WakeLock(w *uint64) { Wake32(lockLow(w), 1) }

// WakeLockAll wakes every sleeper of the lock word (after a recovery).
func WakeLockAll(w *uint64) { Wake32(lockLow(w), 1<<30) }
