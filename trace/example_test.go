package trace_test

import (
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/comanda/comanda/trace"
)

func ExampleReader() {
	// Record a tiny run.
	var file bytes.Buffer
	w, err := trace.NewWriter(&file, trace.Header{
		RunID:    "demo",
		Scenario: "one-order",
		Workers:  []trace.WorkerInfo{{Slot: 0, Name: "P1", Role: "producer"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	order := trace.MakeOrderKey(1, 1)
	for _, e := range []trace.Event{
		{Seq: 1, Kind: trace.RunStarted, Worker: trace.System, Arg: 100},
		{Seq: 2, Step: 1, Time: 500, Kind: trace.LockAcquired, Worker: 0, Lock: 1, Arg: 20},
		{Seq: 3, Step: 1, Time: 900, Kind: trace.OrderCreated, Worker: 0, Order: order},
		{Seq: 4, Step: 1, Time: 950, Kind: trace.LockReleased, Worker: 0, Lock: 1, Arg: 450},
		{Seq: 5, Time: 2000, Kind: trace.RunEnded, Worker: trace.System, Data: []byte(`{"orders":1}`)},
	} {
		if err := w.Write(&e); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	// Read it back.
	r, err := trace.NewReader(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("run", r.Header().RunID, "format", r.Header().Format)
	for {
		var e trace.Event
		err := r.Next(&e)
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d %-14s worker %3d order %-5s arg %d", e.Seq, e.Kind, e.Worker, e.Order, e.Arg)
		if len(e.Data) > 0 {
			fmt.Printf(" data %s", e.Data)
		}
		fmt.Println()
	}
	fmt.Println("records", r.Records(), "cut short", r.Truncated())
	// Output:
	// run demo format 1
	// 1 run-started    worker 255 order -     arg 100
	// 2 lock-acquired  worker   0 order -     arg 20
	// 3 order-created  worker   0 order 10001 arg 0
	// 4 lock-released  worker   0 order -     arg 450
	// 5 run-ended      worker 255 order -     arg 0 data {"orders":1}
	// records 5 cut short false
}
