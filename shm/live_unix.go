//go:build unix

package shm

import (
	"os"

	"golang.org/x/sys/unix"
)

// liveBase is where the liveness bytes start: far beyond the end of the
// file, so the locks never touch the mapped bytes (locking past the end of a
// file is allowed).
const liveBase = 1 << 40

func liveLock(i int, typ int16) unix.Flock_t {
	return unix.Flock_t{Type: typ, Whence: 0, Start: liveBase + int64(i), Len: 1}
}

// holdLive takes a write lock on byte i. Record locks vanish when their
// owner dies; the kernel, not a PID, says who is alive.
func holdLive(f *os.File, i int) error {
	lk := liveLock(i, unix.F_WRLCK)
	return unix.FcntlFlock(f.Fd(), setLock, &lk)
}

// isLive asks the kernel whether another holder has byte i locked.
func isLive(f *os.File, i int) (bool, error) {
	lk := liveLock(i, unix.F_WRLCK)
	if err := unix.FcntlFlock(f.Fd(), getLock, &lk); err != nil {
		return false, err
	}
	return lk.Type != unix.F_UNLCK, nil
}
