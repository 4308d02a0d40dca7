package scenarios

import "fmt"

// values lists every value of the scenario by display path, the way a
// file names them: "seed", "producers.count", "menu.items[2]",
// "faults[1].kill", "expect.lost". Validate compares it with the values
// right after Parse to tell which ones a caller has changed.
func (s *Scenario) values() map[string]any {
	m := map[string]any{
		"name":              s.Name,
		"description.en":    s.Description.EN,
		"description.pt-BR": s.Description.PTBR,
		"seed":              s.Seed,
		"duration":          s.Duration,
		"protocol":          s.Protocol,
		"capacity":          s.Capacity,
		"lock":              s.Lock,
		"lock_scope":        s.LockScope,
		"write_pace":        s.WritePace,
		"locks":             s.Locks,
		"lock_order":        s.LockOrder,
		"mode":              s.Mode,
		"policy":            s.Policy,
		"schedule":          cloneStrings(s.Schedule),
		"max_steps":         s.MaxSteps,
		"fast":              s.Fast,
		"driver":            s.Driver,
		"grace":             s.Grace,
		"drain_timeout":     s.DrainTimeout,
		"producers.count":   s.Producers.Count,
		"producers.think":   s.Producers.Think,
		"consumers.count":   s.Consumers.Count,
		"consumers.prep":    s.Consumers.Think,
		"menu.items":        cloneStrings(s.Menu.Items),
		"menu.tables":       s.Menu.Tables,
	}
	for i, item := range s.Menu.Items {
		m[fmt.Sprintf("menu.items[%d]", i+1)] = item
	}
	for i, f := range s.Faults {
		path := fmt.Sprintf("faults[%d]", i+1)
		m[path+".kill"] = f.Kill
		m[path+".when"] = f.When
		m[path+".after"] = f.After
		m[path+".count"] = f.Count
	}
	if e := s.Expect; e != nil {
		m["expect.violations"] = cloneStrings(e.Violations)
		for i, name := range e.Violations {
			m[fmt.Sprintf("expect.violations[%d]", i+1)] = name
		}
		m["expect.clean"] = derefBool(e.Clean)
		m["expect.lost"] = derefInt(e.Lost)
		m["expect.duplicated"] = derefInt(e.Duplicated)
		m["expect.completed_at_least"] = derefInt(e.CompletedAtLeast)
		m["expect.within_steps"] = derefInt(e.WithinSteps)
		m["expect.deadlock"] = derefBool(e.Deadlock)
		m["expect.run_for"] = e.RunFor
	}
	return m
}

// cloneStrings copies a list, giving nil for an empty one so that equal
// lists compare equal.
func cloneStrings(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return append([]string(nil), list...)
}

// derefInt returns the number, or nil for a nil pointer.
func derefInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// derefBool returns the boolean, or nil for a nil pointer.
func derefBool(p *bool) any {
	if p == nil {
		return nil
	}
	return *p
}
