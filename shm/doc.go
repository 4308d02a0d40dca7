// Package shm is the shared memory of a run: the segment's layout, the lock,
// the futex waits, the event rings, the ledger and the data region's
// protocols. It does no I/O but creating, mapping and removing the segment
// file (file.go).
//
// A segment, as layout.go lays it out (offsets in bytes):
//
//	0       fixed header: magic "COMANDA\x01", layout version, sizes and
//	        offsets of the regions, run id, controller PID, start time
//	128     flags word (lock on, shutdown, stepped, exit, trace, drain);
//	136     unprotected sections (started, running)
//	192     lock 0's word (generation<<32 | owner PID); 256 lock 1's
//	320     event sequence counter
//	384     step counter
//	448     write stamp (which worker committed last, and how many commits)
//	512     stepped mode: turn word; 576 done word; 640 virtual clock
//	704     queue version and sleepers (consumers wait on it)
//	768     space version and sleepers (producers wait on it)
//	832     workers attached; 896 the controller's event horizon
//	960     the locks' sleepers words (bit i: slot i sleeps on the lock)
//	1024    the run configuration, JSON, at most 7 KiB
//	8192    40 slots of 256 bytes, one per worker, the last the controller's:
//	        PID, role, state, next op, counts, lock figures, turn word,
//	        per-process locks; the worker's ring head on its own cache line
//	16384   one event ring per worker
//	…       the data region (page-aligned), then the ledger (page-aligned)
//
// Every hot atomic word sits on a cache line of its own. A change to any
// offset bumps LayoutVersion, and a segment of another version is refused.
package shm
