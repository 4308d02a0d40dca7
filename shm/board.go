package shm

import (
	"math"
)

// Status is an order's state, spelled in memory as the original's words.
type Status uint8

// The order states. Their String forms are the exact (UTF-8) words the
// original Python system stores in the "status" field.
const (
	StatusNone      Status = iota // not a valid status; the zero value
	StatusPending                 // "Pendente"
	StatusInPrep                  // "Em Preparo"
	StatusDone                    // "Concluído"
	StatusCancelled               // "Cancelado"
)

// The original's status words.
const (
	bjWordPending   = "Pendente"
	bjWordInPrep    = "Em Preparo"
	bjWordDone      = "Concluído"
	bjWordCancelled = "Cancelado"
)

// String returns the Portuguese word the original stores for s, or "?" for
// StatusNone and unknown values.
func (s Status) String() string {
	switch s {
	case StatusPending:
		return bjWordPending
	case StatusInPrep:
		return bjWordInPrep
	case StatusDone:
		return bjWordDone
	case StatusCancelled:
		return bjWordCancelled
	}
	return "?"
}

// ParseStatus returns the Status whose word (exactly as String spells it,
// UTF-8, same case) is b; ok is false for anything else.
func ParseStatus(b []byte) (Status, bool) {
	switch string(b) {
	case bjWordPending:
		return StatusPending, true
	case bjWordInPrep:
		return StatusInPrep, true
	case bjWordDone:
		return StatusDone, true
	case bjWordCancelled:
		return StatusCancelled, true
	}
	return StatusNone, false
}

// An Order is one order as the original stores it.
type Order struct {
	ID        int64   // "id": producer number followed by a 4-digit counter, e.g. 10001
	Table     int     // "mesa" 1–20
	Item      string  // "item"
	Timestamp float64 // "timestamp": Unix seconds
	Status    Status  // "status"
	Producer  int     // "produtor_id"
	Consumer  int     // "consumidor_id", -1 when none
}

// Stats are the counters the original keeps beside the orders.
type Stats struct {
	Created   int64 // "total_criados"
	Processed int64 // "total_processados"
	Queued    int64 // "em_fila"
}

// A Board is the whole content of the JSON data region.
type Board struct {
	Orders []Order
	Stats  Stats
}

// OrderID returns the original's id for the n-th order of producer p:
// int(f"{p}{n:04d}"), that is the decimal digits of p followed by those of n
// zero-padded to at least four. OrderID(1, 1) is 10001, OrderID(12, 7) is
// 120007 and OrderID(1, 12345) is 112345. n must not be negative (the
// original fails there); the result is meaningless if it overflows int64.
func OrderID(p, n int) int64 {
	mult := int64(10000)
	for v := n; v >= 10000; v /= 10 {
		mult *= 10
	}
	if p < 0 {
		return -(-int64(p)*mult + int64(n))
	}
	return int64(p)*mult + int64(n)
}

// OrderSeq inverts OrderID: given an id and its producer p, it returns the
// counter n. ok is false for an id that OrderID(p, n) gives for no n (it is
// arithmetic, not string work: the checks call it for every order they see).
func OrderSeq(id int64, p int) (n int, ok bool) {
	if p < 0 || id < 0 {
		return 0, false
	}
	// id is p followed by n in at least four digits. Four, nearly always:
	// by a constant, the division is a multiplication.
	if id >= 10000 && id/10000 == int64(p) {
		return int(id % 10000), true
	}
	// Else try 10^5, 10^6, …
	for mult := int64(100000); mult > 0 && mult <= id; mult *= 10 {
		if id/mult == int64(p) {
			n := id % mult
			if mult > 10000 && n < mult/10 {
				return 0, false // n would have been written with fewer digits
			}
			return int(n), true
		}
		if mult > math.MaxInt64/10 {
			break
		}
	}
	return 0, false
}
