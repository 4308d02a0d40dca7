package shm

import "testing"

func BenchmarkBjTmpDecode50Full(b *testing.B) {
	bd := bjTestBoard(50, 1)
	for i := range bd.Orders {
		bd.Orders[i].Timestamp = 1760977200 + float64(i)*0.137 + float64(i%7)*0.0123456789
	}
	src := AppendBoardJSON(nil, bd)
	b.Log(string(src[:300]))
	var d BoardDecoder
	var board Board
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Decode(src, &board); err != nil {
			b.Fatal(err)
		}
	}
}
