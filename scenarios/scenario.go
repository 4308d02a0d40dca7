package scenarios

import (
	"fmt"
	"time"
)

// Scenario is one run of the restaurant, as a scenario file describes it.
// Parse fills in a default for every key the file leaves out; Given says
// which keys the file had.
type Scenario struct {
	Name        string        // shown in the title bar and in traces
	Description Text          // what the scenario shows, for the class
	Seed        uint64        // the seed of every random choice
	Duration    time.Duration // how long the run lasts; 0 runs until stopped

	Protocol  string // how orders are laid out in the segment: seed, shadow or ring
	LockScope string // shared: one lock for every process; per-process: each has its own (which protects nothing)
	Locks     string // one or two locks
	LockOrder string // with two locks: same or opposite acquisition order
	Mode      string // free: real concurrency; stepped: one worker step at a time
	Policy    string // in stepped mode, who moves next: random, round-robin, script or manual
	Driver    string // process: real processes; inproc: goroutines in one process

	Capacity  int           // orders kept in the window (seed, shadow) or ring slots (ring)
	Lock      bool          // whether the lock guards the segment
	WritePace time.Duration // pause between the bytes of a write, to widen races

	Schedule []string // the script for policy = "script", expanded: "P1*3" becomes three "P1"
	MaxSteps int      // the most steps a stepped run takes; 0 means no limit
	Fast     bool     // no think or preparation times

	Grace        time.Duration // between SIGTERM and SIGKILL when stopping producers
	DrainTimeout time.Duration // how long a graceful stop waits for orders in preparation

	Producers Group // the waiters; Think is their think time
	Consumers Group // the kitchens; Think is their preparation time
	Menu      Menu  // what can be ordered, and for how many tables

	Faults []Fault // processes to kill during the run
	Expect *Expect // what must hold at the end; nil when the file has no [expect]
	File   string  // the path or bundled name the scenario came from
	Source []byte  // the bytes of the file, unchanged
	// Given holds the keys present in the file, dotted: "seed",
	// "producers" (the table), "producers.count", "faults", "faults[1].kill"
	// (faults count from 1). Keys left out got their defaults.
	Given map[string]bool

	file *fileInfo // where each value was in the file, for Validate
}

// Group is a set of identical workers.
type Group struct {
	Count int   // how many workers
	Think Range // the think time for producers, the preparation time for consumers
}

// Menu is what the restaurant serves.
type Menu struct {
	Items  []string // the dishes
	Tables int      // tables are numbered 1 to Tables
}

// Fault kills a worker during the run.
type Fault struct {
	Kill  string        // the worker to kill, like "C1"
	When  string        // "holding-lock" (while it holds the lock) or "after" (a time after the start)
	After time.Duration // with When "after": how long after the start
	Count int           // how many times
	Pos   Position      // where the fault is in the file
}

// Expect is what must hold at the end of a run. A nil pointer means the
// file did not ask for that check.
type Expect struct {
	Violations       []string // each of these must have happened
	Clean            *bool    // true: no violation at all
	Lost             *int     // exact number of lost orders
	Duplicated       *int     // exact number of orders processed twice
	CompletedAtLeast *int     // at least this many orders completed
	WithinSteps      *int     // the first expected violation happens by this step
	Deadlock         *bool    // whether the run ends in a deadlock
	// RunFor is how long `comanda check` runs the scenario instead of its
	// Duration (virtual time in stepped mode, as Duration is); 0 when the
	// file does not say. `comanda run` ignores it, so that a live demo
	// can last a minute and its check a few seconds.
	RunFor time.Duration
	// Pos is where each key given sits in the file, by TOML key name
	// ("lost", "violations", …).
	Pos map[string]Position
	// At is where the block starts: the name in its [expect] line.
	At Position
}

// IsEmpty reports whether the block tests nothing (run_for is not a test).
func (e *Expect) IsEmpty() bool {
	return len(e.Violations) == 0 && e.Clean == nil && e.Lost == nil && e.Duplicated == nil &&
		e.CompletedAtLeast == nil && e.Deadlock == nil && e.WithinSteps == nil
}

// The choices for each key that takes one of a few words.
var (
	protocols      = []string{"seed", "shadow", "ring"}
	lockScopes     = []string{"shared", "per-process"}
	lockCounts     = []string{"one", "two"}
	lockOrders     = []string{"same", "opposite"}
	modes          = []string{"free", "stepped"}
	policies       = []string{"random", "round-robin", "script", "manual"}
	drivers        = []string{"process", "inproc"}
	faultTimings   = []string{"holding-lock", "after"}
	violationNames = []string{"lost-update", "torn-write", "double-processing", "order-lost", "stats-drift", "deadlock", "lock-owner-died"}
)

// defaultMenu is the menu of the original program.
var defaultMenu = []string{
	"Pizza Margherita",
	"Hambúrguer Artesanal",
	"Salada Caesar",
	"Spaghetti Carbonara",
	"Risoto de Cogumelos",
	"Filé Mignon",
	"Sushi Variado",
	"Lasanha Bolonhesa",
	"Frango Grelhado",
	"Peixe Assado",
}

// Defaults that depend on other keys or that more than one place needs.
const (
	defaultSteppedMaxSteps = 100000
	defaultFaultCount      = 1
)

// Default returns a scenario with every key at its default, named
// "restaurante".
func Default() *Scenario {
	s := &Scenario{
		Name:         "restaurante",
		Seed:         1,
		Protocol:     "shadow",
		LockScope:    "shared",
		Locks:        "one",
		LockOrder:    "same",
		Mode:         "free",
		Policy:       "random",
		Driver:       "process",
		Capacity:     50,
		Lock:         true,
		Grace:        2 * time.Second,
		DrainTimeout: 60 * time.Second,
		Producers:    Group{Count: 2, Think: Range{Min: 1 * time.Second, Max: 4 * time.Second}},
		Consumers:    Group{Count: 3, Think: Range{Min: 2 * time.Second, Max: 6 * time.Second}},
		Menu:         Menu{Items: append([]string(nil), defaultMenu...), Tables: 20},
		Given:        map[string]bool{},
	}
	s.file = &fileInfo{value: s.values()}
	return s
}

// Workers returns the names of the workers: "P1" to "Pn" for the producers,
// then "C1" to "Cm" for the consumers.
func (s *Scenario) Workers() []string {
	var names []string
	for i := 1; i <= s.Producers.Count; i++ {
		names = append(names, fmt.Sprintf("P%d", i))
	}
	for i := 1; i <= s.Consumers.Count; i++ {
		names = append(names, fmt.Sprintf("C%d", i))
	}
	return names
}
