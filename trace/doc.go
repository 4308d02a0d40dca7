// Package trace records and reads comanda traces.
//
// A trace is the complete record of one run of the simulator: every lock
// operation, order state transition, and read and write of the shared data
// region that the waiter (producer) and kitchen (consumer) processes made,
// and what the controller did (start, faults, shutdown), as a sequence of
// Events totally ordered by their sequence number. Because the file's header
// also holds the scenario, the configuration, the seed, the workers and the
// data region's initial bytes, a trace alone is enough to replay a run step
// by step, forwards and backwards, to export it and to verify it.
//
// A trace file is a magic line ("comanda-trace\n"), a two-byte format
// version, a header record holding the Header as JSON, and then one record
// per event. Every record is framed by its length, a check byte for the
// length and a CRC-32C of its body, so that:
//
//   - a file a crash cut short opens up to its last whole record
//     (Reader.Truncated reports it);
//   - damage is detected and reported with the record number and byte
//     offset (*CorruptError), never returned as a wrong event.
//
// Event bodies are compact (most take 10–20 bytes) and carry absolute
// values, so decoding can start at any record boundary. A MemWritten event
// carries the write as a delta against the region's previous contents (see
// Diff, Patch and Hunks), with copies for text that merely moved.
//
// Writer appends events with no allocation per event; Reader reads them
// with none either. FORMAT.md, beside this file, documents the format byte
// by byte, event kind by event kind, and the versioning rule.
package trace
