// Package replay opens a trace and computes the run's state at any moment by
// folding its events: the orders and their true status, the workers and
// what each is doing, the locks with their owners and waiters, the data
// region's bytes (rebuilt from the writes' deltas), the last write, and the
// violations so far. It keeps a full state every few thousand events, so
// that moving to any step, forwards or backwards, costs a few thousand event
// applications at most. It also turns traces into the exports (JSON Lines,
// the canonical form, Chrome trace events for Perfetto, and the original's
// CSV and JSON) and compares two traces.
//
// Replaying needs no process and no segment: a trace is self-contained.
package replay
