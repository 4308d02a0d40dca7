package shm

import (
	"encoding/binary"
	"fmt"
	"math"
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

// FrameHeader is the size of a frame's length header.
const FrameHeader = 4

// SealFrame writes the length header of a frame whose JSON was encoded in
// place, after FrameHeader bytes left for it.
func SealFrame(frame []byte) {
	binary.LittleEndian.PutUint32(frame, uint32(len(frame)-FrameHeader))
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

// The ring protocol: a bounded buffer of fixed-size binary order slots, the
// textbook producer–consumer buffer. The region is
//
//	offset  size  field
//	0       4     head: the slot the next order goes into
//	4       4     tail: the slot the next order is taken from
//	8       4     slots: capacity+1
//	16      8     total created
//	24      8     total processed
//	64      512   in preparation: one 32-byte order per kitchen (16)
//	576     …     the slots, 32 bytes each
//
// One slot always stays empty, so that head == tail means "empty" and
// head+1 == tail (modulo the slots) means "full", without a count that a
// racing writer could get wrong: each index has one writer role (producers
// move head, consumers move tail).
//
// An order slot is
//
//	0   8  id (the original's, e.g. 10001)
//	8   8  timestamp (float64 bits)
//	16  2  producer
//	18  2  consumer (signed; -1 none)
//	20  2  table
//	22  1  item (index in the menu)
//	23  1  status (a Status)
//	24  4  the producer's order counter
//	28  4  reserved
const (
	RingHeader   = 64
	RingSlotSize = 32
	RingKitchens = 16 // in-preparation entries
	ringPrepOff  = RingHeader
	ringSlotsOff = RingHeader + RingKitchens*RingSlotSize

	// Field offsets in the ring header.
	RingHead      = 0
	RingTail      = 4
	RingSlots     = 8
	RingCreated   = 16
	RingProcessed = 24
)

// RingDataSize returns the ring protocol's region size for capacity orders.
func RingDataSize(capacity int) int { return ringSlotsOff + (capacity+1)*RingSlotSize }

// RingSlotOffset returns where ring slot i starts in the region.
func RingSlotOffset(i int) int { return ringSlotsOff + i*RingSlotSize }

// RingPrepOffset returns where kitchen c's in-preparation entry (c from 1)
// starts in the region.
func RingPrepOffset(c int) int { return ringPrepOff + (c-1)*RingSlotSize }

// A RingOrder is an order as a ring slot holds it.
type RingOrder struct {
	ID        int64
	Timestamp float64
	Producer  int
	Consumer  int
	Table     int
	Item      int // index in the menu
	Status    Status
	N         int // the producer's counter
}

// PutRingOrder writes o into the 32 bytes of b.
func PutRingOrder(b []byte, o RingOrder) {
	le.PutUint64(b[0:], uint64(o.ID))
	le.PutUint64(b[8:], math.Float64bits(o.Timestamp))
	le.PutUint16(b[16:], uint16(o.Producer))
	le.PutUint16(b[18:], uint16(int16(o.Consumer)))
	le.PutUint16(b[20:], uint16(o.Table))
	b[22] = byte(o.Item)
	b[23] = byte(o.Status)
	le.PutUint32(b[24:], uint32(o.N))
	le.PutUint32(b[28:], 0)
}

// GetRingOrder reads the order in the 32 bytes of b.
func GetRingOrder(b []byte) RingOrder {
	return RingOrder{
		ID:        int64(le.Uint64(b[0:])),
		Timestamp: math.Float64frombits(le.Uint64(b[8:])),
		Producer:  int(le.Uint16(b[16:])),
		Consumer:  int(int16(le.Uint16(b[18:]))),
		Table:     int(le.Uint16(b[20:])),
		Item:      int(b[22]),
		Status:    Status(b[23]),
		N:         int(le.Uint32(b[24:])),
	}
}

// RingIndexes returns the ring's head, tail and number of slots.
func RingIndexes(region []byte) (head, tail, slots int) {
	return int(le.Uint32(region[RingHead:])), int(le.Uint32(region[RingTail:])), int(le.Uint32(region[RingSlots:]))
}

// RingTotals returns the created and processed counters of a ring.
func RingTotals(region []byte) (created, processed int64) {
	return int64(le.Uint64(region[RingCreated:])), int64(le.Uint64(region[RingProcessed:]))
}
