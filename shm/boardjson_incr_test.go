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
	identity := func(n int) []int {
		src := make([]int, n)
		for i := range src {
			src[i] = i
		}
		return src
	}
	src := identity(len(got.Orders))
	for round := 0; round < 5000; round++ {
		// Change the board the way workers do: append, change a status,
		// drop from the front, change stats; sometimes tear the text.
		switch r.IntN(5) {
		case 0:
			got.Orders = append(got.Orders, bjTestBoard(1, uint64(round)).Orders[0])
			src = append(src, -1)
		case 1:
			if len(got.Orders) > 0 {
				i := r.IntN(len(got.Orders))
				got.Orders[i].Status = Status(1 + r.IntN(4))
				got.Orders[i].Consumer = r.IntN(9) - 1
				if src[i] >= 0 {
					src[i] = -src[i] - 2 // changed from that order
				}
			}
		case 2:
			if n := r.IntN(len(got.Orders) + 1); n > 0 {
				got.Orders = append(got.Orders[:0], got.Orders[n:]...)
				src = src[n:]
			}
		case 3:
			got.Stats.Created += 1
		case 4:
			if len(got.Orders) > 1 {
				i := r.IntN(len(got.Orders))
				got.Orders[i].Item = "Filé \"especial\""
				src[i] = -1
			}
		}
		want := AppendBoardJSON(nil, &got)
		enc, spans := inc.AppendMapped(nil, &got, src, nil)
		if !bytes.Equal(enc, want) {
			t.Fatalf("round %d: AppendMapped differs from AppendBoardJSON:\n%s\n%s", round, enc, want)
		}
		at := 0
		for _, sp := range spans {
			if sp.Off != at || sp.Len <= 0 {
				t.Fatalf("round %d: spans %v do not tile the text", round, spans)
			}
			if sp.Src >= 0 && !bytes.Equal(enc[sp.Off:sp.Off+sp.Len], inc.Text()[sp.Src:sp.Src+sp.Len]) {
				t.Fatalf("round %d: span %v is not a copy of the old text", round, sp)
			}
			at += sp.Len
		}
		if at != len(enc) {
			t.Fatalf("round %d: spans cover %d of %d bytes", round, at, len(enc))
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
			src = identity(len(got.Orders))
			prev = want
			continue
		}
		if diff := cmp.Diff(wantB, gotB, bjCmpOpts); diff != "" {
			t.Fatalf("round %d: incremental decode differs (-fresh +incremental):\n%s", round, diff)
		}
		got = Board{Orders: append([]Order(nil), gotB.Orders...), Stats: gotB.Stats}
		src = identity(len(got.Orders))
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
