package run

import (
	"github.com/comanda/comanda/scenarios"
	"github.com/comanda/comanda/sim"
)

// FromScenario turns a (validated) scenario into run options.
func FromScenario(s *scenarios.Scenario) Options {
	cfg := sim.Config{
		Scenario:  s.Name,
		Seed:      s.Seed,
		Protocol:  sim.Protocol(s.Protocol),
		Capacity:  s.Capacity,
		LockOn:    s.Lock,
		LockScope: sim.Scope(s.LockScope),
		Locks:     1,
		Opposite:  s.LockOrder == "opposite",
		WritePace: s.WritePace,
		Mode:      sim.Mode(s.Mode),
		Producers: s.Producers.Count,
		Consumers: s.Consumers.Count,
		Think:     sim.Range{Min: s.Producers.Think.Min, Max: s.Producers.Think.Max},
		Prep:      sim.Range{Min: s.Consumers.Think.Min, Max: s.Consumers.Think.Max},
		Fast:      s.Fast,
		Menu:      s.Menu.Items,
		Tables:    s.Menu.Tables,
		Duration:  s.Duration,
		MaxSteps:  uint64(s.MaxSteps),
		Grace:     s.Grace,
		Drain:     s.DrainTimeout,
	}
	if s.Locks == "two" {
		cfg.Locks = 2
	}
	for _, f := range s.Faults {
		slot := cfg.SlotOf(f.Kill)
		if slot < 0 {
			continue // Validate reports it
		}
		cfg.Faults = append(cfg.Faults, sim.Fault{Slot: slot, When: f.When, After: f.After, Count: f.Count})
	}
	return Options{
		Config:      cfg,
		ScenarioSrc: s.Source,
		Policy:      sim.Policy(s.Policy),
		Schedule:    s.Schedule,
		Driver:      s.Driver,
	}
}
