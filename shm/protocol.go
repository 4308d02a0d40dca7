package shm

import (
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// The seed protocol (the original's): the data region is 20 480 bytes,
// [u32 length, little-endian][length bytes of JSON][whatever was there
// before]. A writer writes the length and then the JSON, and clears nothing
// past the new end, as the original did.

// SeedFrameMax is the largest JSON a seed region holds.
const SeedFrameMax = SeedDataSize - 4

// SeedTrimAt is the size above which the original cut its list to the
// newest 50 orders: BUFFER_SIZE - 100.
const SeedTrimAt = SeedDataSize - 100

// A FrameError says why a data region holds no readable JSON frame.
type FrameError struct {
	Length int // the length header found
	Max    int // the largest valid length
}

func (e *FrameError) Error() string {
	if e.Length == 0 {
		return "length header is 0: the region is empty or was wiped"
	}
	return fmt.Sprintf("length header says %d bytes, but at most %d fit", e.Length, e.Max)
}

// SeedBlob returns the JSON held by a seed region.
func SeedBlob(region []byte) ([]byte, error) { return frame(region) }

func frame(region []byte) ([]byte, error) {
	n := int(binary.LittleEndian.Uint32(region))
	if n == 0 || n > len(region)-4 {
		return nil, &FrameError{Length: n, Max: len(region) - 4}
	}
	return region[4 : 4+n], nil
}

// AppendFrame appends [u32 length][json]: the bytes a writer puts at the
// start of a seed region or of a shadow copy.
func AppendFrame(dst, json []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(json)))
	return append(dst, json...)
}

// The shadow protocol: the same JSON frames, twice. The region is
// [u32 active copy][u32 reserved][copy 0: 20 480 bytes][copy 1: 20 480 bytes].
// A writer fills the copy that is not active, then flips the active word
// with one 4-byte store: readers see the old state or the new one, never a
// mix, and a writer that dies mid-write leaves the committed copy intact.
const (
	ShadowHeader = 8
	ShadowCopy   = SeedDataSize
	// ShadowDataSize is the shadow protocol's region size.
	ShadowDataSize = ShadowHeader + 2*ShadowCopy
)

func activeWord(region []byte) *uint32 { return (*uint32)(unsafe.Pointer(&region[0])) }

// ShadowActive returns which copy (0 or 1) is committed.
func ShadowActive(region []byte) int { return int(atomic.LoadUint32(activeWord(region)) & 1) }

// ShadowFlip commits copy i.
func ShadowFlip(region []byte, i int) { atomic.StoreUint32(activeWord(region), uint32(i&1)) }

// ShadowCopyOffset returns where copy i starts in the region.
func ShadowCopyOffset(i int) int { return ShadowHeader + (i&1)*ShadowCopy }

// ShadowBlob returns the JSON of the committed copy.
func ShadowBlob(region []byte) ([]byte, error) {
	off := ShadowCopyOffset(ShadowActive(region))
	return frame(region[off : off+ShadowCopy])
}

// The ring protocol: a bounded buffer of fixed-size binary order slots.
// The region is a 64-byte header (head and tail indexes, counters) followed
// by capacity+1 slots of 32 bytes: one slot always stays empty, so that
// head == tail means "empty" and head+1 == tail means "full" without a
// separate count that a racing writer could get wrong.
const (
	RingHeader   = 64
	RingSlotSize = 32
)

// RingDataSize returns the ring protocol's region size for capacity orders.
func RingDataSize(capacity int) int { return RingHeader + (capacity+1)*RingSlotSize }
