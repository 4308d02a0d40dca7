package shm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unsafe"
)

// Layout constants. The table in doc.go draws the whole segment.
const (
	Magic         = "COMANDA\x01" // first 8 bytes of every segment
	LayoutVersion = 3             // bumped when any offset below changes

	MaxWorkers = 40             // worker slots in the header; the last is the controller's
	SlotSize   = 256            // bytes per slot
	SystemSlot = MaxWorkers - 1 // the controller's own slot (cancellations, requeues, recoveries)

	configOff  = 1024
	ConfigMax  = 7 * 1024 // the run configuration (JSON) the controller leaves for the workers
	slotsOff   = 8192
	HeaderSize = slotsOff + MaxWorkers*SlotSize // 16 KiB: fixed fields, config, slots

	// SeedDataSize is the original's segment: 20 480 bytes.
	SeedDataSize = 20480
)

// Fixed header fields (plain, written once by the controller before any
// worker starts).
const (
	offMagic        = 0
	offVersion      = 8
	offHeaderSize   = 12
	offSegSize      = 16
	offDataOff      = 24
	offDataSize     = 32
	offLedgerOff    = 40
	offLedgerPerP   = 48
	offRingOff      = 56
	offRingSize     = 64
	offConfigLen    = 72
	offRunID        = 80 // 16 bytes
	offControllerPD = 96
	offStartNano    = 104
	offRings        = 112 // how many slots have a ring
	offLedgers      = 116 // how many producers have a ledger
)

// Atomic header words, each on its own 64-byte cache line so that the hot
// ones (the lock words, the event counter) do not slow each other down.
const (
	offFlags = 128
	// Sections running with the lock skipped (see Unprotected): on the
	// flags line, which changes only when the lock is switched.
	offUnprotected = 136
	offLock0       = 192 // lock i's word: offLock0 + 64*i
	offEventSeq    = 320
	offStepSeq     = 384
	offWriteStamp  = 448
	offTurn        = 512 // stepped mode: the grant word
	offTurnDone    = 576 // stepped mode: the done word
	offClock       = 640 // stepped mode: virtual time in ns
	offQueueVer    = 704 // bumped when an order is added (consumers wait on it)
	offSpaceVer    = 768 // bumped when room is made (producers wait on it)
	offLive        = 832 // workers currently attached
	offCtlPending  = 896 // event horizon of the controller's own events
	// Lock i's sleepers word: offSleepers + 8*i. Not beside the lock word:
	// a release reads it right after freeing the lock, and on the lock
	// word's line that read is a miss whenever a spinning waiter has just
	// taken the line (two processes hammering a lock: 43 ns an acquisition
	// on the same line, 38 on a line of their own, medians of five).
	offSleepers = 960
)

// MaxLocks is how many lock words the header holds.
const MaxLocks = 2

// Header flags (the Flags word).
const (
	FlagLockOn   uint32 = 1 << iota // the lock is in force (off: acquisitions are skipped)
	FlagShutdown                    // graceful stop: consumers take no new orders
	FlagStepped                     // stepped mode: workers run only when granted a turn
	FlagExit                        // every worker exits at its next step
	FlagTrace                       // workers record every event, not only violations
	FlagDrain                       // stepped stop: producers are done, consumers finish what they hold
)

// Slot fields, relative to the slot's start.
const (
	slPID          = 0
	slRole         = 4 // u8
	slID           = 5 // u8
	slState        = 8
	slOp           = 12
	slWakeAt       = 24
	slCreated      = 32
	slTaken        = 40
	slCompleted    = 48
	slOrder        = 56
	slAcquired     = 64
	slContended    = 72
	slWaitTotal    = 80
	slWaitMax      = 88
	slPending      = 96
	slIncarnation  = 112
	slBlockedOn    = 116
	slHolds        = 120
	slExitReq      = 124
	slRingHead     = 128 // own cache line: written by the worker
	slRingTail     = 192 // own cache line: written by the controller
	slTurn         = 200 // stepped mode: bumped by the controller to grant a step
	slWaitWord     = 204 // what a waiting worker waits on: 1 queue, 2 space
	slWaitVal      = 208 // the value it saw
	slWriting      = 212 // 1 while a paced write is half done
	slDieHolding   = 216 // faults: die mid-write this many times more
	slPendingN     = 220 // a producer's order being committed (0: none)
	slParked       = 240 // 1: the worker waits for stepped-mode turns
	slPrivLock     = 224 // lock_scope = "per-process": this worker's private locks (2 words)
	slPrivSleepers = 248 // the private locks' sleepers word (one for both)
)

// ErrBadSegment is returned when a segment's header is not one this version
// of comanda wrote.
var ErrBadSegment = errors.New("shm: not a comanda segment")

// A Segment is the shared memory of one run: the header page, the worker
// slots, the event rings, the data region and the ledger, all in one byte
// slice. The slice is a file mapping in the process driver and plain memory
// in the in-process driver; Segment never does I/O.
type Segment struct {
	b []byte
}

// Geometry says how big each region of a segment is.
type Geometry struct {
	Workers           int // worker slots with an event ring (the first ones)
	Producers         int // producers with a ledger
	DataSize          int // bytes of the data region (the protocol's)
	RingSize          int // bytes of each worker's event ring; 0 for none
	OrdersPerProducer int // ledger entries per producer
}

// Size returns the total segment size for g, with every region page-aligned.
func (g Geometry) Size() int {
	_, _, end := g.offsets()
	return end
}

func (g Geometry) offsets() (ring, data, end int) {
	ring = HeaderSize
	data = pageAlign(ring + g.Workers*g.RingSize)
	ledger := pageAlign(data + g.DataSize)
	end = pageAlign(ledger + LedgerBytes(g.OrdersPerProducer)*g.Producers)
	return ring, data, end
}

func pageAlign(n int) int { return (n + 4095) &^ 4095 }

// NewMemory returns zeroed memory of n bytes aligned for 64-bit atomics, for
// the in-process driver and tests.
func NewMemory(n int) []byte {
	words := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), n)
}

// Format writes a fresh header for geometry g into b (which must be at least
// g.Size() bytes and zeroed) and returns the segment.
func Format(b []byte, g Geometry, runID [16]byte, controllerPID int, startNano int64) (*Segment, error) {
	if len(b) < g.Size() {
		return nil, fmt.Errorf("shm: segment of %d bytes is smaller than its geometry (%d)", len(b), g.Size())
	}
	if uintptr(unsafe.Pointer(&b[0]))%8 != 0 {
		return nil, errors.New("shm: segment memory is not 8-byte aligned")
	}
	ring, data, end := g.offsets()
	copy(b[offMagic:], Magic)
	le.PutUint32(b[offVersion:], LayoutVersion)
	le.PutUint32(b[offHeaderSize:], HeaderSize)
	le.PutUint64(b[offSegSize:], uint64(end))
	le.PutUint64(b[offDataOff:], uint64(data))
	le.PutUint64(b[offDataSize:], uint64(g.DataSize))
	le.PutUint64(b[offLedgerOff:], uint64(pageAlign(data+g.DataSize)))
	le.PutUint64(b[offLedgerPerP:], uint64(g.OrdersPerProducer))
	le.PutUint64(b[offRingOff:], uint64(ring))
	le.PutUint64(b[offRingSize:], uint64(g.RingSize))
	le.PutUint32(b[offRings:], uint32(g.Workers))
	le.PutUint32(b[offLedgers:], uint32(g.Producers))
	copy(b[offRunID:offRunID+16], runID[:])
	le.PutUint32(b[offControllerPD:], uint32(controllerPID))
	le.PutUint64(b[offStartNano:], uint64(startNano))
	return &Segment{b: b[:end]}, nil
}

// Attach checks b's header and returns the segment it holds.
func Attach(b []byte) (*Segment, error) {
	if len(b) < HeaderSize || string(b[:8]) != Magic {
		return nil, ErrBadSegment
	}
	if v := le.Uint32(b[offVersion:]); v != LayoutVersion {
		return nil, fmt.Errorf("shm: segment layout version %d, this comanda reads %d", v, LayoutVersion)
	}
	size := le.Uint64(b[offSegSize:])
	if size > uint64(len(b)) {
		return nil, fmt.Errorf("shm: segment says %d bytes, only %d mapped", size, len(b))
	}
	if uintptr(unsafe.Pointer(&b[0]))%8 != 0 {
		return nil, errors.New("shm: segment memory is not 8-byte aligned")
	}
	return &Segment{b: b[:size]}, nil
}

var le = binary.LittleEndian

// Freeze returns a copy of the segment in ordinary memory, without the
// event rings and the ledgers: the header, the slots and the data region as
// they are now, for reading after the mapping is gone.
func (s *Segment) Freeze() *Segment {
	g := Geometry{DataSize: len(s.Data())}
	b := NewMemory(g.Size())
	f, err := Format(b, g, s.RunID(), s.ControllerPID(), s.StartNano())
	if err != nil {
		panic("shm: freeze: " + err.Error()) // the geometry is ours: cannot happen
	}
	copy(b[offFlags:HeaderSize], s.b[offFlags:HeaderSize])
	copy(f.Data(), s.Data())
	return f
}

// Bytes returns the whole segment.
func (s *Segment) Bytes() []byte { return s.b }

// Data returns the data region, where the protocol keeps the orders.
func (s *Segment) Data() []byte {
	off := le.Uint64(s.b[offDataOff:])
	return s.b[off : off+le.Uint64(s.b[offDataSize:])]
}

// RunID returns the run's identifier.
func (s *Segment) RunID() [16]byte {
	var id [16]byte
	copy(id[:], s.b[offRunID:])
	return id
}

// ControllerPID returns the PID of the process that created the segment.
func (s *Segment) ControllerPID() int { return int(le.Uint32(s.b[offControllerPD:])) }

// StartNano returns the run's start time, Unix nanoseconds.
func (s *Segment) StartNano() int64 { return int64(le.Uint64(s.b[offStartNano:])) }

// SetConfig stores the run configuration for the workers to read.
func (s *Segment) SetConfig(cfg []byte) error {
	if len(cfg) > ConfigMax {
		return fmt.Errorf("shm: configuration of %d bytes does not fit in %d", len(cfg), ConfigMax)
	}
	copy(s.b[configOff:], cfg)
	le.PutUint32(s.b[offConfigLen:], uint32(len(cfg)))
	return nil
}

// Config returns the run configuration the controller stored.
func (s *Segment) Config() []byte {
	n := int(le.Uint32(s.b[offConfigLen:]))
	if n > ConfigMax {
		n = 0
	}
	return s.b[configOff : configOff+n]
}

func (s *Segment) u32(off int) *uint32 { return (*uint32)(unsafe.Pointer(&s.b[off])) }
func (s *Segment) u64(off int) *uint64 { return (*uint64)(unsafe.Pointer(&s.b[off])) }

// Flags returns the header flags.
func (s *Segment) Flags() uint32 { return atomic.LoadUint32(s.u32(offFlags)) }

// HasFlag reports whether flag f is set.
func (s *Segment) HasFlag(f uint32) bool { return s.Flags()&f != 0 }

// SetFlag sets or clears flag f.
func (s *Segment) SetFlag(f uint32, on bool) {
	p := s.u32(offFlags)
	for {
		old := atomic.LoadUint32(p)
		nw := old &^ f
		if on {
			nw |= f
		}
		if atomic.CompareAndSwapUint32(p, old, nw) {
			return
		}
	}
}

// Unprotected returns the unprotected-sections word: the high 32 bits count
// the sections that ever started with the lock skipped, the low 32 bits
// those running now. A worker that reads the word with none running, and
// again unchanged later, knows that no section wrote without the lock in
// between.
func (s *Segment) Unprotected() uint64 { return atomic.LoadUint64(s.u64(offUnprotected)) }

// NoneUnprotected reports whether word (from Unprotected) says that no
// section runs with the lock skipped.
func NoneUnprotected(word uint64) bool { return uint32(word) == 0 }

// BeginUnprotected counts a section that starts with the lock skipped.
func (s *Segment) BeginUnprotected() { atomic.AddUint64(s.u64(offUnprotected), 1<<32+1) }

// EndUnprotected counts the end of such a section. (A worker killed in
// one never ends it: the word then says one is running for good, which
// only costs the others a check.)
func (s *Segment) EndUnprotected() { atomic.AddUint64(s.u64(offUnprotected), ^uint64(0)) }

// Lock returns lock i (0 ≤ i < MaxLocks).
func (s *Segment) Lock(i int) Lock { return lockAt(s.b, offLock0+64*i, offSleepers+8*i) }

// NextSeq takes the next global event sequence number (1, 2, 3, …).
func (s *Segment) NextSeq() uint64 { return atomic.AddUint64(s.u64(offEventSeq), 1) }

// Seq returns the last event sequence number taken.
func (s *Segment) Seq() uint64 { return atomic.LoadUint64(s.u64(offEventSeq)) }

// NextStep takes the next global step number (1, 2, 3, …).
func (s *Segment) NextStep() uint64 { return atomic.AddUint64(s.u64(offStepSeq), 1) }

// AddSteps counts n steps taken and returns the new count (free mode
// without a full trace counts its steps in batches).
func (s *Segment) AddSteps(n uint64) uint64 { return atomic.AddUint64(s.u64(offStepSeq), n) }

// Steps returns the number of steps taken so far.
func (s *Segment) Steps() uint64 { return atomic.LoadUint64(s.u64(offStepSeq)) }

// A WriteStamp identifies the last committed write of the data region: its
// sequence number (bumped by every committed write) and the slot of its
// writer. A writer that finds, at commit, a stamp other than the one it saw
// when it read has overwritten a write it never read: a lost update.
type WriteStamp uint64

// MakeWriteStamp returns the stamp of write number n by slot w.
func MakeWriteStamp(n uint64, w uint8) WriteStamp { return WriteStamp(n<<8 | uint64(w)) }

// N returns the write's number.
func (w WriteStamp) N() uint64 { return uint64(w) >> 8 }

// Writer returns the writer's slot.
func (w WriteStamp) Writer() uint8 { return uint8(w) }

// LoadWriteStamp returns the stamp of the last committed write.
func (s *Segment) LoadWriteStamp() WriteStamp {
	return WriteStamp(atomic.LoadUint64(s.u64(offWriteStamp)))
}

// CommitWrite records a committed write by slot w and returns the stamp it
// replaced.
func (s *Segment) CommitWrite(w uint8) (prev WriteStamp) {
	p := s.u64(offWriteStamp)
	for {
		old := atomic.LoadUint64(p)
		nw := MakeWriteStamp(WriteStamp(old).N()+1, w)
		if atomic.CompareAndSwapUint64(p, old, uint64(nw)) {
			return WriteStamp(old)
		}
	}
}

// Turn returns the stepped-mode grant word.
func (s *Segment) Turn() *uint32 { return s.u32(offTurn) }

// TurnDone returns the stepped-mode done word.
func (s *Segment) TurnDone() *uint32 { return s.u32(offTurnDone) }

// Clock returns the virtual clock (stepped mode), in nanoseconds.
func (s *Segment) Clock() int64 { return int64(atomic.LoadUint64(s.u64(offClock))) }

// SetClock sets the virtual clock.
func (s *Segment) SetClock(ns int64) { atomic.StoreUint64(s.u64(offClock), uint64(ns)) }

// Queue returns the condition bumped whenever an order is added (idle
// kitchens wait on it).
func (s *Segment) Queue() Cond { return Cond{s.u32(offQueueVer), s.u32(offQueueVer + 4)} }

// Space returns the condition bumped whenever room is made for an order
// (waiters with a full window wait on it).
func (s *Segment) Space() Cond { return Cond{s.u32(offSpaceVer), s.u32(offSpaceVer + 4)} }

// A Cond is a condition variable across processes: a version word that
// changes when the condition may have become true, and a count of sleepers,
// so that a change costs no system call when nobody sleeps.
type Cond struct {
	ver     *uint32
	waiters *uint32
}

// Version returns the current version.
func (c Cond) Version() uint32 { return atomic.LoadUint32(c.ver) }

// Bump changes the version and wakes a sleeper: one order added, or one
// slot freed, is work for one waiter. (Others find the version changed when
// their wait times out.)
func (c Cond) Bump() {
	atomic.AddUint32(c.ver, 1)
	// Sequentially consistent: a sleeper that counted itself after this
	// load sees the new version before it sleeps, and does not sleep.
	if atomic.LoadUint32(c.waiters) != 0 {
		Wake32(c.ver, 1)
	}
}

// Wait sleeps while the version is seen, for at most timeout; it may return
// early.
func (c Cond) Wait(seen uint32, timeout time.Duration) {
	atomic.AddUint32(c.waiters, 1)
	if atomic.LoadUint32(c.ver) == seen {
		Wait32(c.ver, seen, timeout)
	}
	atomic.AddUint32(c.waiters, ^uint32(0))
}

// Live returns the count of attached workers.
func (s *Segment) Live() *int32 { return (*int32)(unsafe.Pointer(&s.b[offLive])) }

// ControllerPending returns the controller's event horizon word (see
// Slot.Pending).
func (s *Segment) ControllerPending() *uint64 { return s.u64(offCtlPending) }

// Slot returns worker slot i.
func (s *Segment) Slot(i int) Slot {
	return Slot{s: s, off: slotsOff + i*SlotSize}
}

// Ring returns slot i's event ring (empty when the segment has none).
func (s *Segment) Ring(i int) Ring {
	size := int(le.Uint64(s.b[offRingSize:]))
	if i < 0 || i >= int(le.Uint32(s.b[offRings:])) {
		size = 0
	}
	off := int(le.Uint64(s.b[offRingOff:])) + i*size
	sl := s.Slot(i)
	return Ring{buf: s.b[off : off+size], head: sl.u64(slRingHead), tail: sl.u64(slRingTail)}
}

// Ledger returns the ground-truth ledger of producer slot p (see Ledger).
func (s *Segment) Ledger(p int) Ledger {
	per := int(le.Uint64(s.b[offLedgerPerP:]))
	if p < 0 || p >= int(le.Uint32(s.b[offLedgers:])) {
		per = 0
	}
	n := LedgerBytes(per)
	off := int(le.Uint64(s.b[offLedgerOff:])) + p*n
	return Ledger{b: s.b[off : off+n], s: s, off: off, per: per}
}

// Role is what a worker does.
type Role uint8

// The roles.
const (
	RoleNone Role = iota
	RoleProducer
	RoleConsumer
)

// String returns "producer" or "consumer".
func (r Role) String() string {
	switch r {
	case RoleProducer:
		return "producer"
	case RoleConsumer:
		return "consumer"
	}
	return "none"
}

// Letter returns "P" or "C", as worker names use it.
func (r Role) Letter() string {
	switch r {
	case RoleProducer:
		return "P"
	case RoleConsumer:
		return "C"
	}
	return "?"
}

// A Slot is a worker's entry in the header: who it is, what it is doing, and
// its private counts of orders created, taken and completed. The counts are
// the ground truth that invariants compare the data region against; they live
// outside the data region so that no race on the orders can corrupt them.
type Slot struct {
	s   *Segment
	off int
}

func (sl Slot) u32(f int) *uint32 { return sl.s.u32(sl.off + f) }
func (sl Slot) u64(f int) *uint64 { return sl.s.u64(sl.off + f) }

func (sl Slot) load32(f int) uint32     { return atomic.LoadUint32(sl.u32(f)) }
func (sl Slot) store32(f int, v uint32) { atomic.StoreUint32(sl.u32(f), v) }
func (sl Slot) load64(f int) uint64     { return atomic.LoadUint64(sl.u64(f)) }
func (sl Slot) store64(f int, v uint64) { atomic.StoreUint64(sl.u64(f), v) }

// publish32 stores v unless the field holds it already. A worker publishes
// its op and state at every step, and they rarely all change: a load is a
// plain read, while an atomic store is a locked instruction.
func (sl Slot) publish32(f int, v uint32) {
	if sl.load32(f) != v {
		sl.store32(f, v)
	}
}

// Init gives the slot its role and number; the controller calls it before
// the run starts.
func (sl Slot) Init(r Role, id int) {
	sl.s.b[sl.off+slRole] = byte(r)
	sl.s.b[sl.off+slID] = byte(id)
}

// Role returns the slot's role.
func (sl Slot) Role() Role { return Role(sl.s.b[sl.off+slRole]) }

// ID returns the worker's number within its role (P1 → 1).
func (sl Slot) ID() int { return int(sl.s.b[sl.off+slID]) }

// PID returns the process id attached to the slot, 0 when none.
func (sl Slot) PID() int { return int(sl.load32(slPID)) }

// SetPID attaches process pid to the slot (0 detaches).
func (sl Slot) SetPID(pid int) { sl.store32(slPID, uint32(pid)) }

// State returns the worker's state, as it last published it.
func (sl Slot) State() uint32 { return sl.load32(slState) }

// SetState publishes the worker's state.
func (sl Slot) SetState(v uint32) { sl.publish32(slState, v) }

// Op returns the operation the worker will do at its next step.
func (sl Slot) Op() uint32 { return sl.load32(slOp) }

// SetOp publishes the next operation.
func (sl Slot) SetOp(v uint32) { sl.publish32(slOp, v) }

// WakeAt returns when a sleeping worker wakes (virtual ns, stepped mode).
func (sl Slot) WakeAt() int64 { return int64(sl.load64(slWakeAt)) }

// SetWakeAt sets when the worker wakes.
func (sl Slot) SetWakeAt(ns int64) { sl.store64(slWakeAt, uint64(ns)) }

// Created returns the producer's count of orders it committed.
func (sl Slot) Created() uint64 { return sl.load64(slCreated) }

// Taken returns the consumer's count of orders it took.
func (sl Slot) Taken() uint64 { return sl.load64(slTaken) }

// Completed returns the consumer's count of orders it finished.
func (sl Slot) Completed() uint64 { return sl.load64(slCompleted) }

// AddCreated counts one more order created.
func (sl Slot) AddCreated() uint64 { return atomic.AddUint64(sl.u64(slCreated), 1) }

// AddTaken counts one more order taken.
func (sl Slot) AddTaken() uint64 { return atomic.AddUint64(sl.u64(slTaken), 1) }

// AddCompleted counts one more order completed.
func (sl Slot) AddCompleted() uint64 { return atomic.AddUint64(sl.u64(slCompleted), 1) }

// Order returns the order the consumer has in preparation (0: none).
func (sl Slot) Order() uint64 { return sl.load64(slOrder) }

// SetOrder records the order in preparation.
func (sl Slot) SetOrder(k uint64) { sl.store64(slOrder, k) }

// LockStats are a worker's fairness figures.
type LockStats struct {
	Acquired  uint64 // acquisitions
	Contended uint64 // acquisitions that had to wait
	WaitTotal uint64 // nanoseconds spent waiting, all together
	WaitMax   uint64 // the longest single wait, nanoseconds
}

// LockStats returns the slot's fairness figures.
func (sl Slot) LockStats() LockStats {
	return LockStats{
		Acquired:  sl.load64(slAcquired),
		Contended: sl.load64(slContended),
		WaitTotal: sl.load64(slWaitTotal),
		WaitMax:   sl.load64(slWaitMax),
	}
}

// CountAcquire records one acquisition after waiting waitNs (0: at once).
func (sl Slot) CountAcquire(waitNs int64) {
	atomic.AddUint64(sl.u64(slAcquired), 1)
	if waitNs <= 0 {
		return
	}
	atomic.AddUint64(sl.u64(slContended), 1)
	atomic.AddUint64(sl.u64(slWaitTotal), uint64(waitNs))
	if uint64(waitNs) > sl.load64(slWaitMax) {
		sl.store64(slWaitMax, uint64(waitNs))
	}
}

// Pending returns the slot's event horizon: while a worker is inside a step
// it holds a lower bound of the sequence numbers it may still publish, so the
// controller never emits a later event before it; 0 outside steps.
func (sl Slot) Pending() uint64 { return sl.load64(slPending) }

// SetPending sets the event horizon.
func (sl Slot) SetPending(v uint64) { sl.store64(slPending, v) }

// Incarnation returns how many times the slot's worker was restarted.
func (sl Slot) Incarnation() int { return int(sl.load32(slIncarnation)) }

// SetIncarnation sets the restart count.
func (sl Slot) SetIncarnation(n int) { sl.store32(slIncarnation, uint32(n)) }

// BlockedOn returns 1+the lock index the worker waits for, 0 when none.
func (sl Slot) BlockedOn() int { return int(sl.load32(slBlockedOn)) }

// SetBlockedOn publishes the lock the worker waits for (1-based; 0: none).
func (sl Slot) SetBlockedOn(v int) { sl.publish32(slBlockedOn, uint32(v)) }

// Holds returns the bitmask of locks the worker holds.
func (sl Slot) Holds() uint32 { return sl.load32(slHolds) }

// SetHolds publishes the locks the worker holds.
func (sl Slot) SetHolds(v uint32) { sl.publish32(slHolds, v) }

// ExitRequested reports whether the controller asked this worker to exit.
func (sl Slot) ExitRequested() bool { return sl.load32(slExitReq) != 0 }

// RequestExit asks the worker to exit at its next safe point.
func (sl Slot) RequestExit(on bool) {
	v := uint32(0)
	if on {
		v = 1
	}
	sl.store32(slExitReq, v)
}

// PrivateLock returns the slot's own lock i, the one a worker uses with
// lock_scope = "per-process" (the original's bug: nobody else ever looks at it).
func (sl Slot) PrivateLock(i int) Lock {
	return lockAt(sl.s.b, sl.off+slPrivLock+8*i, sl.off+slPrivSleepers)
}

// TurnWord returns the word the controller bumps to grant this worker one
// step in stepped mode; the worker sleeps on it.
func (sl Slot) TurnWord() *uint32 { return sl.u32(slTurn) }

// Waiting returns what a waiting worker waits on (1 orders, 2 space, 0
// nothing) and the value of that word it saw.
func (sl Slot) Waiting() (word int, val uint32) {
	return int(sl.load32(slWaitWord)), sl.load32(slWaitVal)
}

// SetWaiting publishes what the worker waits on.
func (sl Slot) SetWaiting(word int, val uint32) {
	sl.publish32(slWaitVal, val)
	sl.publish32(slWaitWord, uint32(word))
}

// Writing reports whether the worker is between the chunks of a paced
// write, when the data region is not a state anybody committed.
func (sl Slot) Writing() bool { return sl.load32(slWriting) != 0 }

// SetWriting publishes whether a paced write is half done.
func (sl Slot) SetWriting(on bool) {
	v := uint32(0)
	if on {
		v = 1
	}
	sl.store32(slWriting, v)
}

// DieHolding returns how many more times the worker is to die in the middle
// of a write, holding the lock (a fault the scenario asked for).
func (sl Slot) DieHolding() int { return int(sl.load32(slDieHolding)) }

// SetDieHolding arms the holding-lock fault n times.
func (sl Slot) SetDieHolding(n int) { sl.store32(slDieHolding, uint32(n)) }

// PendingN returns the number of the order a producer is committing (0:
// none): set inside the critical section before the commit, cleared after
// the count, so that a producer killed in between can be accounted for.
func (sl Slot) PendingN() int { return int(sl.load32(slPendingN)) }

// SetPendingN publishes the order being committed.
func (sl Slot) SetPendingN(n int) { sl.store32(slPendingN, uint32(n)) }

// Parked reports whether the worker waits for stepped-mode turns (after a
// run switched from free to stepped mode).
func (sl Slot) Parked() bool { return sl.load32(slParked) != 0 }

// SetParked publishes whether the worker waits for turns.
func (sl Slot) SetParked(on bool) {
	v := uint32(0)
	if on {
		v = 1
	}
	sl.store32(slParked, v)
}

// Reset clears everything a dead worker left in its slot but its identity
// and its private counts, which its replacement inherits.
func (sl Slot) Reset() {
	sl.SetPID(0)
	sl.SetState(0)
	sl.SetOp(0)
	sl.SetBlockedOn(0)
	sl.SetHolds(0)
	sl.SetPending(0)
	sl.SetOrder(0)
	sl.SetWaiting(0, 0)
	sl.SetWriting(false)
	sl.SetPendingN(0)
	sl.SetParked(false)
}
