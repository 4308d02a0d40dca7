package sim_test

import (
	"testing"

	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/sim"
	runner "github.com/comanda/comanda/sim/run"
)

// A graceful stop asked at any step of any bundled scenario ends the run:
// whatever state the workers and the memory are in (torn, deadlocked, a
// kitchen mid-order), the stop's phases get through in a bounded number of
// steps. (A torn region once left the controller's own worker sleeping
// before a retry while the virtual clock stood still.)
func TestGracefulStopAlwaysEnds(t *testing.T) {
	for _, name := range scenarios.Bundled() {
		s, err := scenarios.LoadBundled(name)
		if err != nil {
			t.Fatal(err)
		}
		cfg := runner.FromScenario(s).Config
		cfg.MaxSteps = 0
		for _, at := range []int{0, 3, 8, 17, 40, 120} {
			for seed := uint64(1); seed <= 3; seed++ {
				cfg.Seed = seed
				l, err := sim.NewLocal(&cfg, sim.PolicyRandom, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				more := true
				for i := 0; i < at && more; i++ {
					more = l.M.Step()
				}
				l.M.RequestStop()
				n := 0
				for ; more && n < 100000; n++ {
					more = l.M.Step()
				}
				if more {
					t.Errorf("%s, seed %d, stop asked at step %d: still going %d steps later (phase %d, %+v)",
						name, seed, at, n, l.M.Phase(), l.M.Survey())
				}
			}
		}
	}
}
