//go:build windows

package shm

import (
	"os"

	"golang.org/x/sys/windows"
)

// liveBase is where the liveness bytes start: far beyond the end of the
// file, so the locks never touch the mapped bytes.
const liveBase = 1 << 40

func liveOverlapped(i int) *windows.Overlapped {
	off := uint64(liveBase + i)
	return &windows.Overlapped{Offset: uint32(off), OffsetHigh: uint32(off >> 32)}
}

// holdLive locks byte i; Windows drops the lock when the process dies.
func holdLive(f *os.File, i int) error {
	return windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, liveOverlapped(i))
}

// isLive tries to lock byte i: if it can, nobody holds it (and it lets go).
func isLive(f *os.File, i int) (bool, error) {
	h := windows.Handle(f.Fd())
	err := windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, liveOverlapped(i))
	if err != nil {
		return true, nil
	}
	windows.UnlockFileEx(h, 0, 1, 0, liveOverlapped(i))
	return false, nil
}
