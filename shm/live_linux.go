//go:build linux

package shm

import "golang.org/x/sys/unix"

// On Linux the liveness locks are open-file-description locks: they belong
// to an open file, not to a process, so two runs in one process (tests, a
// terminal UI that starts run after run) see each other's locks too.
const (
	setLock = unix.F_OFD_SETLK
	getLock = unix.F_OFD_GETLK
)
