package shm

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A decoder that keeps the orders of the common prefix (incremental
// decoding) must give exactly what a fresh decoder gives, error or board;
// AppendEncoded must give exactly what AppendBoardJSON gives.
func TestIncrementalDecodeEncode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var inc BoardDecoder
	b := bjTestBoard(60, 3)
	prev := AppendBoardJSON(nil, b)
	var got Board
	if err := inc.Decode(prev, &got); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5000; round++ {
		// Change the board the way workers do: append, change a status,
		// drop from the front, change stats; sometimes tear the text.
		from := len(got.Orders)
		switch r.IntN(5) {
		case 0:
			got.Orders = append(got.Orders, bjTestBoard(1, uint64(round)).Orders[0])
		case 1:
			if len(got.Orders) > 0 {
				from = r.IntN(len(got.Orders))
				got.Orders[from].Status = Status(1 + r.IntN(4))
				got.Orders[from].Consumer = r.IntN(9) - 1
			}
		case 2:
			if n := r.IntN(len(got.Orders) + 1); n > 0 {
				got.Orders = append(got.Orders[:0], got.Orders[n:]...)
				from = 0
			}
		case 3:
			got.Stats.Created += 1
		case 4:
			if len(got.Orders) > 1 {
				from = r.IntN(len(got.Orders))
				got.Orders[from].Item = "Filé \"especial\""
			}
		}
		want := AppendBoardJSON(nil, &got)
		if enc := inc.AppendEncoded(nil, &got, from); !bytes.Equal(enc, want) {
			t.Fatalf("round %d: AppendEncoded(from %d) differs from AppendBoardJSON:\n%s\n%s", round, from, enc, want)
		}
		text := want
		if r.IntN(10) == 0 {
			text = append([]byte(nil), want...)
			cut := r.IntN(len(text))
			copy(text[cut:], prev[min(cut, len(prev)):]) // a torn write
		}
		var fresh BoardDecoder
		var wantB, gotB Board
		wantErr := fresh.Decode(text, &wantB)
		gotErr := inc.Decode(text, &gotB)
		if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
			t.Fatalf("round %d: incremental error %v; fresh %v", round, gotErr, wantErr)
		}
		if wantErr != nil {
			// Start again from a good text, as a worker's next read would.
			if err := inc.Decode(want, &got); err != nil {
				t.Fatal(err)
			}
			prev = want
			continue
		}
		if diff := cmp.Diff(wantB, gotB, bjCmpOpts); diff != "" {
			t.Fatalf("round %d: incremental decode differs (-fresh +incremental):\n%s", round, diff)
		}
		got = Board{Orders: append([]Order(nil), gotB.Orders...), Stats: gotB.Stats}
		prev = text
	}
}

// FuzzIncrementalDecode decodes a board, then the fuzzer's text, with one
// decoder, and checks it agrees with a fresh decoder.
func FuzzIncrementalDecode(f *testing.F) {
	base := AppendBoardJSON(nil, bjTestBoard(8, 1))
	f.Add(base)
	f.Add(base[:len(base)/2])
	f.Add(append(append([]byte(nil), base[:300]...), `x"}]}`...))
	f.Fuzz(func(t *testing.T, data []byte) {
		var inc, fresh BoardDecoder
		var b, want, got Board
		if err := inc.Decode(base, &b); err != nil {
			t.Fatal(err)
		}
		wantErr := fresh.Decode(data, &want)
		gotErr := inc.Decode(data, &got)
		if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
			t.Fatalf("incremental error %v; fresh %v", gotErr, wantErr)
		}
		if wantErr == nil {
			if diff := cmp.Diff(want, got, bjCmpOpts); diff != "" {
				t.Fatalf("differs (-fresh +incremental):\n%s", diff)
			}
		}
	})
}
