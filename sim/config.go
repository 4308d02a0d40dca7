package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/comanda/comanda/shm"
)

// Protocol names a layout of the data region.
type Protocol string

// The protocols.
const (
	ProtoSeed   Protocol = "seed"   // the original: [u32 length][JSON], 20 480 bytes, 50-order window
	ProtoShadow Protocol = "shadow" // the same JSON, double-buffered: write the other copy, then flip
	ProtoRing   Protocol = "ring"   // a bounded buffer of binary slots
)

// Mode says who decides the interleaving.
type Mode string

// The modes.
const (
	ModeFree    Mode = "free"    // the OS schedules real processes
	ModeStepped Mode = "stepped" // a scheduler grants one step at a time
)

// Scope says whose lock a worker takes.
type Scope string

// The lock scopes.
const (
	ScopeShared     Scope = "shared"      // one lock in the segment, for everybody
	ScopePerProcess Scope = "per-process" // each process its own private lock: the original's bug
)

// Range is a span of durations from which a worker draws uniformly.
type Range struct {
	Min time.Duration `json:"min"`
	Max time.Duration `json:"max"`
}

// String prints the range as scenarios write it: "1s..4s", or "2s".
func (r Range) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + ".." + r.Max.String()
}

// Fault is a failure the run injects on purpose.
type Fault struct {
	Slot  int           `json:"slot"`  // the worker to kill
	When  string        `json:"when"`  // "holding-lock" or "after"
	After time.Duration `json:"after"` // with "after": run time (virtual in stepped mode)
	Count int           `json:"count"` // how many times
}

// Config is everything a run needs, as the workers see it. The controller
// writes it (as JSON) into the segment header, so a worker process needs
// only the segment's path and its slot number.
type Config struct {
	Scenario   string        `json:"scenario"`
	Seed       uint64        `json:"seed"`
	Protocol   Protocol      `json:"protocol"`
	Capacity   int           `json:"capacity"`
	LockOn     bool          `json:"lock_on"`
	LockScope  Scope         `json:"lock_scope"`
	Locks      int           `json:"locks"`      // 1 or 2 (orders and stats apart)
	Opposite   bool          `json:"opposite"`   // with two locks: consumers take them in the other order
	WritePace  time.Duration `json:"write_pace"` // pause between chunks of a data-region write
	Mode       Mode          `json:"mode"`
	Producers  int           `json:"producers"`
	Consumers  int           `json:"consumers"`
	Think      Range         `json:"think"`
	Prep       Range         `json:"prep"`
	Fast       bool          `json:"fast"` // no think or prep times
	Menu       []string      `json:"menu"`
	Tables     int           `json:"tables"`
	Duration   time.Duration `json:"duration"` // 0: until stopped
	MaxSteps   uint64        `json:"max_steps"`
	Grace      time.Duration `json:"grace"`
	Drain      time.Duration `json:"drain"`
	Faults     []Fault       `json:"faults,omitempty"`
	Trace      bool          `json:"trace"`        // workers record every event
	OrdersPerP int           `json:"orders_per_p"` // ledger capacity per producer
}

// WriteChunk is the size of the pieces a paced write is cut into: the
// original wrote its segment byte by byte; 64 bytes keeps the slow motion
// watchable without making every write hundreds of steps.
const WriteChunk = 64

// StepCost is the virtual time one step takes in stepped mode.
const StepCost = time.Millisecond

// SteppedEpoch is the Unix time stepped runs start at, so that order
// timestamps (which are in the data region) are the same in every run. It
// is the moment of the original report's first log line.
const SteppedEpoch = 1760977200 // 2025-10-20 16:20:00 UTC

// DefaultMenu is the original's menu.
var DefaultMenu = []string{
	"Pizza Margherita", "Hambúrguer Artesanal", "Salada Caesar", "Spaghetti Carbonara",
	"Risoto de Cogumelos", "Filé Mignon", "Sushi Variado", "Lasanha Bolonhesa",
	"Frango Grelhado", "Peixe Assado",
}

// Workers returns the number of producers and consumers together.
func (c *Config) Workers() int { return c.Producers + c.Consumers }

// SlotRole returns the role and number of the worker in slot i: producers
// take slots 0…P-1, consumers P…P+C-1.
func (c *Config) SlotRole(i int) (shm.Role, int) {
	if i < c.Producers {
		return shm.RoleProducer, i + 1
	}
	return shm.RoleConsumer, i - c.Producers + 1
}

// WorkerName returns "P1", "C2", …, or "S" for the controller's slot.
func (c *Config) WorkerName(i int) string {
	if i == shm.SystemSlot || i == int(255) {
		return "S"
	}
	if i < 0 || i >= c.Workers() {
		return fmt.Sprintf("?%d", i)
	}
	r, n := c.SlotRole(i)
	return fmt.Sprintf("%s%d", r.Letter(), n)
}

// SlotOf returns the slot of the worker named name ("P1", "c2"), or -1.
func (c *Config) SlotOf(name string) int {
	for i := 0; i < c.Workers(); i++ {
		if strings.EqualFold(c.WorkerName(i), name) {
			return i
		}
	}
	return -1
}

// DataSize returns the size of the data region for the protocol.
func (c *Config) DataSize() int {
	switch c.Protocol {
	case ProtoShadow:
		return shm.ShadowDataSize
	case ProtoRing:
		return shm.RingDataSize(c.Capacity)
	}
	return shm.SeedDataSize
}

// Geometry returns the segment geometry of the run.
func (c *Config) Geometry() shm.Geometry {
	ring := 64 << 10 // essential events only
	if c.Trace {
		// A full trace: about 15 ms of a fast worker's events, when the
		// controller drains every 100 µs or so. Bigger is slower: the ring
		// the worker writes crowds its board out of the cache (fast shadow
		// runs, 2+3 processes, traced, medians of six interleaved runs:
		// 1 MiB 52 100 orders/s, 384 KiB 52 400, 256 KiB 56 800).
		ring = 256 << 10
	}
	per := c.OrdersPerP
	if per <= 0 {
		per = DefaultOrdersPerProducer
	}
	return shm.Geometry{Workers: c.Workers(), Producers: c.Producers, DataSize: c.DataSize(),
		RingSize: ring, OrdersPerProducer: per}
}

// DefaultOrdersPerProducer is the ledger's capacity per producer: enough for
// a minute of the fastest run (the ring, about 300 000 orders a second per
// waiter). Ledger pages that are never touched cost nothing. A waiter that
// has created this many orders stops.
const DefaultOrdersPerProducer = 1 << 24

// Validate reports a configuration the core cannot run.
func (c *Config) Validate() error {
	switch {
	case c.Producers < 1 || c.Consumers < 1:
		return fmt.Errorf("sim: need at least one producer and one consumer")
	case c.Workers() > shm.MaxWorkers-1:
		return fmt.Errorf("sim: %d workers; at most %d", c.Workers(), shm.MaxWorkers-1)
	case c.Protocol != ProtoSeed && c.Protocol != ProtoShadow && c.Protocol != ProtoRing:
		return fmt.Errorf("sim: unknown protocol %q", c.Protocol)
	case c.Capacity < 1:
		return fmt.Errorf("sim: capacity %d", c.Capacity)
	case c.Locks != 1 && c.Locks != 2:
		return fmt.Errorf("sim: %d locks; 1 or 2", c.Locks)
	case len(c.Menu) == 0 || c.Tables < 1:
		return fmt.Errorf("sim: empty menu or no tables")
	case c.Mode != ModeFree && c.Mode != ModeStepped:
		return fmt.Errorf("sim: unknown mode %q", c.Mode)
	}
	return nil
}

// Encode returns the configuration as the JSON stored in the segment.
func (c *Config) Encode() ([]byte, error) { return json.Marshal(c) }

// DecodeConfig reads a configuration stored by Encode.
func DecodeConfig(b []byte) (*Config, error) {
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("sim: configuration: %w", err)
	}
	return &c, c.Validate()
}
