// Package scenarios reads, checks and bundles the TOML scenario files of
// comanda, the shared-memory restaurant simulator.
//
// A scenario says how a run is set up: how many waiters (producers) and
// kitchens (consumers) there are, which protocol they use on the shared
// segment, whether the lock is on, which faults to inject, and what the run
// is expected to show. Teachers write scenarios for assignments; students
// run them. The format is described key by key in docs/scenarios.md.
//
// Parse turns the bytes of a file into a Scenario and reports every problem
// in the file at once, as an ErrorList whose messages give the line and
// column and say what was expected:
//
//	lost.toml:7:12: protocol: "sed" is not a protocol (did you mean "seed"?); expected one of: seed, shadow, ring
//
// Load reads a file from disk, or a scenario bundled with the program (see
// Bundled). Validate re-checks a Scenario after a caller changed some of its
// fields, for example from command-line flags.
package scenarios
