package play

import (
	"errors"
	"testing"

	"github.com/comanda/comanda/lessons"
)

func TestPlayer(t *testing.T) {
	l, err := lessons.Find("lost-update")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(l, Options{Driver: "inproc"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, _, err := p.Do(lessons.Action{Kind: lessons.ActPick, Worker: "P9"}); err == nil {
		t.Error("Do(pick P9) succeeded; the run has no P9")
	}
	if _, _, err := p.Do(lessons.Action{Kind: "dance"}); err == nil {
		t.Error("Do(dance) succeeded")
	}
	for i := 1; i <= 6; i++ {
		st, vs, err := p.Do(lessons.Action{Kind: lessons.ActStep})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if st.Step != uint64(i) {
			t.Fatalf("after step %d the state is at step %d: Do returned before its events were folded", i, st.Step)
		}
		if lost := len(vs) > 0 && vs[0].Kind == "lost-update"; lost != (i == 6) {
			t.Errorf("after step %d: violations %v", i, vs)
		}
	}
	// The script is eight steps long: then the run is over.
	for i := 7; i <= 8; i++ {
		if _, _, err := p.Do(lessons.Action{Kind: lessons.ActStep}); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	<-p.Run().Done()
	if _, _, err := p.Do(lessons.Action{Kind: lessons.ActStep}); !errors.Is(err, ErrOver) {
		t.Errorf("Do(step) after the end = %v; want ErrOver", err)
	}
	st, _, err := p.Do(lessons.Action{Kind: lessons.ActNext})
	if err != nil || !st.Ended {
		t.Errorf("Do(next) after the end = %v, ended %v", err, st != nil && st.Ended)
	}
	if sum := p.Close(); sum.Orders.Lost != 1 {
		t.Errorf("summary: %d lost; want 1", sum.Orders.Lost)
	}
}

func TestStartRefusesAFreeScenario(t *testing.T) {
	for _, l := range lessons.All() {
		if _, err := RunOptions(l); err != nil {
			t.Errorf("lesson %d: %v", l.Number, err)
		}
	}
}
