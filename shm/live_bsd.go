//go:build unix && !linux

package shm

import "golang.org/x/sys/unix"

// Elsewhere they are classic POSIX record locks, which belong to the
// process: good enough between processes, which is what they guard.
const (
	setLock = unix.F_SETLK
	getLock = unix.F_GETLK
)
