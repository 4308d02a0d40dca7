package shm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/edsrzf/mmap-go"
)

// A File is a segment backed by a file and mapped into this process: the
// controller creates it, each worker process opens it. Its name is unique to
// the run, its mode is 0600, and it lives in /dev/shm on Linux (memory, not
// disk) or in the temporary directory elsewhere.
type File struct {
	Path string
	Seg  *Segment
	f    *os.File
	mm   mmap.MMap
}

// filePrefix and fileSuffix name segment files: comanda-<run id>.seg.
const (
	filePrefix = "comanda-"
	fileSuffix = ".seg"
)

// Dir returns where segment files go: $COMANDA_SHM_DIR if set, /dev/shm on
// Linux when it is usable, else the temporary directory.
func Dir() string {
	if d := os.Getenv("COMANDA_SHM_DIR"); d != "" {
		return d
	}
	if runtime.GOOS == "linux" {
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			if f, err := os.CreateTemp("/dev/shm", ".comanda-probe-*"); err == nil {
				f.Close()
				os.Remove(f.Name())
				return "/dev/shm"
			}
		}
	}
	return os.TempDir()
}

// NewRunID returns a fresh random run identifier.
func NewRunID() [16]byte {
	var id [16]byte
	rand.Read(id[:])
	return id
}

// Create makes a new segment file in dir for geometry g, maps it, formats
// its header, and marks this process as its live controller.
func Create(dir string, g Geometry, runID [16]byte) (*File, error) {
	path := filepath.Join(dir, filePrefix+hex.EncodeToString(runID[:8])+fileSuffix)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("shm: create segment: %w", err)
	}
	fail := func(err error) (*File, error) {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if err := holdLive(f, SystemSlot); err != nil {
		return fail(fmt.Errorf("shm: lock segment %s: %w", path, err))
	}
	if err := f.Truncate(int64(g.Size())); err != nil {
		return fail(fmt.Errorf("shm: size segment %s: %w", path, err))
	}
	mm, err := mmap.Map(f, mmap.RDWR, 0)
	if err != nil {
		return fail(fmt.Errorf("shm: map %s: %w", path, err))
	}
	seg, err := Format(mm, g, runID, os.Getpid(), time.Now().UnixNano())
	if err != nil {
		mm.Unmap()
		return fail(err)
	}
	return &File{Path: path, Seg: seg, f: f, mm: mm}, nil
}

// Open maps an existing segment file (a worker attaching to its run).
func Open(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("shm: open segment: %w", err)
	}
	mm, err := mmap.Map(f, mmap.RDWR, 0)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("shm: map %s: %w", path, err)
	}
	seg, err := Attach(mm)
	if err != nil {
		mm.Unmap()
		f.Close()
		return nil, fmt.Errorf("shm: %s: %w", path, err)
	}
	return &File{Path: path, Seg: seg, f: f, mm: mm}, nil
}

// HoldLive marks this process as the live owner of slot i until it exits:
// it takes a kernel lock on the slot's byte of the file, which the kernel
// drops when the process dies, however it dies.
func (f *File) HoldLive(i int) error { return holdLive(f.f, i) }

// IsLive reports whether some live process holds slot i's byte. Unlike a
// PID, this cannot be fooled by PID reuse: a dead process holds no lock.
func (f *File) IsLive(i int) bool {
	live, err := isLive(f.f, i)
	return err != nil || live // when in doubt, do not declare anybody dead
}

// Close unmaps and closes the file, leaving it in place.
func (f *File) Close() error {
	var errs []error
	if f.mm != nil {
		errs = append(errs, f.mm.Unmap())
		f.mm = nil
	}
	if f.f != nil {
		errs = append(errs, f.f.Close())
		f.f = nil
	}
	return errors.Join(errs...)
}

// Remove closes the file and deletes it.
func (f *File) Remove() error {
	err := f.Close()
	if rerr := os.Remove(f.Path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	return err
}

// Reclaim removes the segment files in dir left by runs whose controller is
// gone (crashed or killed), and returns their paths. A file younger than a
// second is left alone: its controller may still be setting it up.
func Reclaim(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, filePrefix) || !strings.HasSuffix(name, fileSuffix) {
			continue
		}
		path := filepath.Join(dir, name)
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < time.Second {
			continue
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		live, err := isLive(f, SystemSlot)
		f.Close()
		if err != nil || live {
			continue
		}
		if os.Remove(path) == nil {
			removed = append(removed, path)
		}
	}
	return removed, nil
}

// Segments lists the segment files in dir (for tests and diagnostics).
func Segments(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, filePrefix+"*"+fileSuffix))
	return m
}
