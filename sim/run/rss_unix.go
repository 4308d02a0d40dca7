//go:build unix

package run

import (
	"runtime"
	"syscall"
)

// peakRSS returns the peak resident memory, in KiB, of this process and of
// the largest of its reaped children (the workers).
func peakRSS() (self, children int64) {
	var ru syscall.Rusage
	scale := int64(1)
	if runtime.GOOS == "darwin" {
		scale = 1024 // bytes there, KiB elsewhere
	}
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = int64(ru.Maxrss) / scale
	}
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		children = int64(ru.Maxrss) / scale
	}
	return self, children
}
