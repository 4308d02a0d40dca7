package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestPerfScratch(t *testing.T) {
	inputs := map[string]string{
		"long items line":  "name = \"x\"\n[menu]\nitems = [" + strings.Repeat("\"ab\",", 50000) + "]\n",
		"many unknown":     "name = \"x\"\n" + strings.Repeat("a", 1000) + " = 1\n" + strings.Repeat("k = 1\nk2 = 2\n", 1) + strings.Repeat("[t]\n", 1),
		"many faults":      "name = \"x\"\n" + strings.Repeat("[[faults]]\nkill = \"C9\"\nwhen = \"x\"\n", 5000),
		"schedule":         "name = \"x\"\nmode = \"stepped\"\npolicy = \"script\"\nschedule = \"" + strings.Repeat("X1 ", 50000) + "\"\n",
		"schedule repeat":  "name = \"x\"\nmode = \"stepped\"\npolicy = \"script\"\nschedule = \"" + strings.Repeat("P1*1000 ", 200) + "\"\n",
		"violations":       "name = \"x\"\n[expect]\nviolations = [" + strings.Repeat("\"lost-updat\",", 20000) + "]\n",
		"long unknown key": "name = \"x\"\n" + strings.Repeat("b", 100000) + " = 1\n",
		"inline nested":    "name = \"x\"\nx = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n",
	}
	for name, src := range inputs {
		start := time.Now()
		_, err := Parse("p.toml", []byte(src))
		n := 0
		if err != nil {
			n = len(err.(ErrorList))
		}
		t.Logf("%-18s %6d bytes %5d errors %v", name, len(src), n, time.Since(start))
	}
}
