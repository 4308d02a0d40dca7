package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/comanda/comanda/shm"
	"github.com/google/go-cmp/cmp"
)

// The terminal UI end to end, in a real terminal: each test runs comanda
// (built once, the real binary) in a tmux server of its own, types keys
// into the pane and reads the pane back, as a person at the keyboard would.

// TestTUI builds comanda once and runs each terminal test on it, side by
// side. It needs tmux (.ci/run installs it) and /proc, to look at the
// processes the screen names.
func TestTUI(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the terminal tests need it (.ci/run installs it)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the terminal tests read /proc: Linux only")
	}
	bin := filepath.Join(t.TempDir(), "comanda")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name string
		test func(t *testing.T, bin string)
	}{
		{"LiveDemo", tuiLiveDemo},
		{"CtrlC", tuiCtrlC},
		{"ClosedTerminal", tuiClosedTerminal},
		{"ReplayBothWays", tuiReplayBothWays},
		{"PortugueseAt80x24", tuiPortugueseAt80x24},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.test(t, bin)
		})
	}
}

// tuiLiveDemo: the live demo with real processes. The screen shows every
// worker's real PID and what it is doing; l switches the lock off and on
// again; space switches to stepped mode and each press takes one step; q
// and Enter quit, leaving no worker, no segment file, and the terminal as
// it was. The run's trace went to the runs folder.
func tuiLiveDemo(t *testing.T, bin string) {
	tm := startTerm(t, bin, 200, 60, "C.UTF-8", true,
		"run", "restaurante", "--fast", "--producers", "3", "--consumers", "2", "--duration", "0", "--lang", "en")
	tm.waitFor("Parameters")
	tm.keys("Enter") // the Start button has the focus
	screen := tm.waitUntil("five workers with their PIDs", func(s string) bool { return len(workersOn(s)) == 5 })
	ws := workersOn(screen)
	states := []string{"running", "waiting for lock", "holding lock", "unprotected", "sleeping", "waiting"}
	var pids []int
	for _, w := range ws {
		pids = append(pids, w.pid)
		if !isWorker(w.pid, bin) {
			t.Errorf("%s: PID %d on the screen is not a live worker of %s", w.name, w.pid, bin)
		}
		found := false
		for _, s := range states {
			found = found || w.state == s
		}
		if !found {
			t.Errorf("%s: state %q; want one of %q", w.name, w.state, states)
		}
	}
	if got := shm.Segments(tm.shm); len(got) != 1 {
		t.Errorf("during the run: segment files %v; want one", got)
	}
	t.Logf("the screen shows %+v", ws)

	// Space switches to stepped mode; the message line says so (until a
	// violation takes it), the header for good.
	tm.keys("Space")
	tm.waitUntil("the switch to stepped mode", func(s string) bool {
		return strings.Contains(s, "stepped mode: space steps") || (strings.Contains(s, "paused") && strings.Contains(s, "stepped · step "))
	})
	tm.waitFor("paused")
	// Then each press is one step. The first after the switch may bring
	// the free run's last events along: count from the step after it,
	// once the header holds still.
	tm.keys("Space")
	stepRe := regexp.MustCompile(`paused [^·]*· stepped · step (\d+) ·`)
	n := -1
	for deadline := time.Now().Add(10 * time.Second); ; {
		screen = tm.waitUntil("the step in the header", stepRe.MatchString)
		m, _ := strconv.Atoi(stepRe.FindStringSubmatch(screen)[1])
		if m == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the paused run's step never held still:\n%s", screen)
		}
		n = m
		time.Sleep(300 * time.Millisecond)
	}
	tm.keys("Space", "Space", "Space")
	tm.waitFor(fmt.Sprintf("stepped · step %d ·", n+3))
	t.Logf("three presses of space: step %d to %d", n, n+3)

	// The lock off and on, between two steps. (Left off in free mode, the
	// window may fill with orders a lost write left in preparation, and the
	// restaurant gets stuck: nothing to step.)
	tm.typ("l")
	tm.waitFor("OFF — sections run unprotected")
	tm.typ("l")
	tm.waitGone("OFF — sections run unprotected")

	tm.typ("q")
	tm.waitFor("A run is in progress. Stop it and quit?")
	tm.keys("Enter") // "Stop and quit" has the focus
	tm.waitFor("comanda exited 0")
	tm.restored()
	noneLeft(t, tm.shm, pids)
	traces, _ := filepath.Glob(filepath.Join(tm.dir, "runs", "*.trace"))
	if len(traces) != 1 || !strings.Contains(screen, "trace: "+traces[0]) {
		t.Fatalf("traces in the runs folder: %v; want the one the header named:\n%s", traces, screen)
	}
	if fi, err := os.Stat(traces[0]); err != nil || fi.Size() == 0 {
		t.Errorf("the run's trace: %v, %v", fi, err)
	} else {
		t.Logf("the run's trace: %d bytes", fi.Size())
	}
}

// tuiCtrlC: Ctrl-C in the middle of a live run ends comanda at once (no
// question asked): no worker, no segment file, the terminal restored.
func tuiCtrlC(t *testing.T, bin string) {
	tm := startTerm(t, bin, 200, 60, "C.UTF-8", true,
		"run", "restaurante", "--duration", "0", "--lang", "en")
	tm.waitFor("Parameters")
	tm.keys("Enter")
	screen := tm.waitUntil("five workers with their PIDs", func(s string) bool { return len(workersOn(s)) == 5 })
	var pids []int
	for _, w := range workersOn(screen) {
		pids = append(pids, w.pid)
	}
	if got := shm.Segments(tm.shm); len(got) != 1 {
		t.Errorf("during the run: segment files %v; want one", got)
	}
	tm.keys("C-c")
	tm.waitFor("comanda exited 0")
	tm.restored()
	noneLeft(t, tm.shm, pids)
}

// tuiClosedTerminal: the terminal closes under a live run (tmux kills the
// session: SIGHUP). comanda ends, and so do its workers; no segment file
// remains.
func tuiClosedTerminal(t *testing.T, bin string) {
	tm := startTerm(t, bin, 200, 60, "C.UTF-8", false,
		"run", "restaurante", "--duration", "0", "--lang", "en")
	tm.waitFor("Parameters")
	tm.keys("Enter")
	screen := tm.waitUntil("five workers with their PIDs", func(s string) bool { return len(workersOn(s)) == 5 })
	pids := []int{tm.panePID()} // comanda itself: sh ran it in its place
	if argv := cmdline(pids[0]); len(argv) < 2 || argv[0] != bin || argv[1] != "run" {
		t.Fatalf("the pane runs %q; want %s run", argv, bin)
	}
	for _, w := range workersOn(screen) {
		pids = append(pids, w.pid)
	}
	if _, err := tm.tmux("kill-session", "-t", "comanda"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for anyAlive(pids) || len(shm.Segments(tm.shm)) > 0 {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	noneLeft(t, tm.shm, pids)
}

// tuiReplayBothWays: the replay of a stepped lost update. Five steps
// forward and five back give the very screen it opened with, cell by cell
// and colour by colour; End shows the run's end with the order lost, and v
// finds the lost update at step 6.
func tuiReplayBothWays(t *testing.T, bin string) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "lu.trace")
	cmd := exec.Command(bin, "run", "lost-update", "--headless", "--trace", trace)
	cmd.Env = append(os.Environ(), "COMANDA_SHM_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("comanda run lost-update: %v\n%s", err, out)
	}
	tm := startTerm(t, bin, 120, 40, "C.UTF-8", true, "replay", trace, "--lang", "en")
	tm.waitFor("step 0 of 8 ")
	first := tm.settled("-e")
	tm.keys("Right", "Right", "Right", "Right", "Right")
	screen := tm.waitFor("step 5 of 8 ")
	if !strings.Contains(screen, "created 1 ") {
		t.Errorf("at step 5 one order is created:\n%s", screen)
	}
	tm.keys("Left", "Left", "Left", "Left", "Left")
	tm.waitFor("step 0 of 8 ")
	var back string
	for deadline := time.Now().Add(5 * time.Second); ; {
		back = tm.capture("-e")
		if back == first || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if diff := cmp.Diff(first, back); diff != "" {
		t.Errorf("five steps forward and five back do not give the first screen (-first +back):\n%s", diff)
	}

	tm.keys("End")
	tm.waitFor("step 8 of 8 ")
	screen = tm.settled()
	for _, want := range []string{"lost 1 ", "violations 3", "LOST", "the run ends"} {
		if !strings.Contains(screen, want) {
			t.Errorf("at the last step the screen lacks %q:\n%s", want, screen)
		}
	}
	tm.keys("Home")
	tm.waitFor("step 0 of 8 ")
	tm.typ("v")
	screen = tm.waitFor("VIOLATION lost-update at step 6")
	if !strings.Contains(screen, "step 6 of 8 ") {
		t.Errorf("v shows the lost update but not its step:\n%s", screen)
	}
	tm.typ("q")
	tm.waitFor("comanda exited 0")
	tm.restored()
}

// tuiPortugueseAt80x24: a live run in Portuguese on the smallest terminal
// a class has, 80×24. The panels are tabs, named in Portuguese; the
// process table says garçom and cozinha; every line fits and every key
// hint of the footer can be read; q asks in Portuguese, Enter stops and
// quits, and nothing is left.
func tuiPortugueseAt80x24(t *testing.T, bin string) {
	tm := startTerm(t, bin, 80, 24, "pt_BR.UTF-8", true,
		"run", "restaurante", "--duration", "0", "--lang", "pt-BR")
	// (A capture may catch a screen half drawn: wait for every part.)
	tm.waitForAll("Parâmetros", "Garçons", "Cozinhas", "Iniciar", "Cancelar")
	tm.keys("Enter")
	tm.waitForAll("executando", " Pedidos ", " Processos ", " Trava ", " Memória ", " Linha do tempo ", " Registro ", "(Tab)")
	tm.keys("Tab")
	tm.waitFor("┌ Processos")
	ptRow := regexp.MustCompile(`(garçom|cozinha) +\d+ ([PC]\d+) +(\d+) `)
	screen := tm.waitUntil("five workers in Portuguese", func(s string) bool { return len(ptRow.FindAllString(s, -1)) == 5 })
	var pids []int
	for _, m := range ptRow.FindAllStringSubmatch(screen, -1) {
		pid, _ := strconv.Atoi(m[3])
		pids = append(pids, pid)
	}
	if n := strings.Count(screen, "garçom "); n != 2 {
		t.Errorf("%d rows of garçom; want 2:\n%s", n, screen)
	}
	if n := strings.Count(screen, "cozinha "); n != 3 {
		t.Errorf("%d rows of cozinha; want 3:\n%s", n, screen)
	}
	joined := tm.capture("-J")
	for i, line := range strings.Split(joined, "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
		if strings.HasPrefix(line, "┌ Processos") && (utf8.RuneCountInString(line) != 80 || !strings.HasSuffix(line, "┐")) {
			t.Errorf("the panel's top border does not span the 80 columns: %q", line)
		}
	}
	tm.waitUntil("every footer hint", func(s string) bool {
		words := strings.Join(strings.Fields(s), " ")
		for _, want := range []string{"? ajuda", "q sair", "l liga/desliga trava", "Tab próximo painel"} {
			if !strings.Contains(words, want) {
				return false
			}
		}
		return true
	})
	tm.typ("q")
	// The dialog is drawn over a few writes: a capture may catch it half
	// drawn, so wait for each part.
	for _, want := range []string{"Há uma execução em andamento.", "Parar e sair?", "Parar e sair ", "Cancelar"} {
		tm.waitFor(want)
	}
	tm.keys("Enter") // "Parar e sair" has the focus
	tm.waitFor("comanda exited 0")
	tm.restored()
	noneLeft(t, tm.shm, pids)
}

// A tmuxTerm is a terminal of a test's own: a private tmux server (its socket
// in the test's folder) with one session, "comanda", of a fixed size.
type tmuxTerm struct {
	t    *testing.T
	dir  string   // the test's folder: working directory, runs, config, tmux
	shm  string   // COMANDA_SHM_DIR: where the segment files go
	sock string   // the tmux server's socket
	conf string   // its configuration
	env  []string // the environment the server starts with
}

// startTerm starts comanda with args in a w×h terminal, with LANG lang.
// With wrap, a shell runs it and, once it is over, prints its exit status
// and keeps the pane open: the terminal as comanda left it can then be
// read. The server goes when the test ends, and with it anything left.
func startTerm(t *testing.T, bin string, w, h int, lang string, wrap bool, args ...string) *tmuxTerm {
	t.Helper()
	dir := t.TempDir()
	tm := &tmuxTerm{t: t, dir: dir, shm: filepath.Join(dir, "shm"), sock: filepath.Join(dir, "tmux.sock"),
		conf: filepath.Join(dir, "tmux.conf")}
	if err := os.Mkdir(tm.shm, 0o755); err != nil {
		t.Fatal(err)
	}
	// No status line: the pane is the whole w×h.
	conf := "set -g status off\nset -g default-terminal screen-256color\nset -g history-limit 0\n"
	if err := os.WriteFile(tm.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "TMUX", "TMUX_PANE", "LANG", "LC_ALL", "LC_CTYPE", "TERM":
		default:
			tm.env = append(tm.env, kv)
		}
	}
	tm.env = append(tm.env, "LANG="+lang)
	command := shellQuote(bin, args...)
	if wrap {
		command = "stty -g > stty.before; " + command + `; echo "comanda exited $?"; stty -g > stty.after; exec sleep 600`
	}
	t.Cleanup(tm.close)
	_, err := tm.tmux("new-session", "-d", "-s", "comanda", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "-c", dir,
		"-e", "COMANDA_SHM_DIR="+tm.shm,
		"-e", "COMANDA_RUNS="+filepath.Join(dir, "runs"),
		"-e", "COMANDA_CONFIG_DIR="+filepath.Join(dir, "config"),
		"-e", "LANG="+lang,
		command)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := tm.tmux("display-message", "-p", "-t", "comanda", "#{pane_width}x#{pane_height}"); got != fmt.Sprintf("%dx%d", w, h) {
		t.Fatalf("the pane is %s; want %dx%d", got, w, h)
	}
	return tm
}

// close kills the tmux server (the terminal closes) and waits for every
// process of the test to end; one still there after 10 s is an error, and
// is killed.
func (tm *tmuxTerm) close() {
	tm.tmux("kill-server")
	var left []int
	for deadline := time.Now().Add(10 * time.Second); ; {
		left = processesWith("COMANDA_SHM_DIR=" + tm.shm)
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, pid := range left {
		tm.t.Errorf("process %d %q outlived the terminal", pid, cmdline(pid))
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// tmux runs a tmux command on the test's server.
func (tm *tmuxTerm) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-S", tm.sock, "-f", tm.conf}, args...)...)
	cmd.Env = tm.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// capture returns what the pane shows, with capture-pane's extra flags.
func (tm *tmuxTerm) capture(flags ...string) string {
	tm.t.Helper()
	out, err := tm.tmux(append([]string{"capture-pane", "-p", "-t", "comanda"}, flags...)...)
	if err != nil {
		tm.t.Fatal(err)
	}
	return out
}

// screen returns the text the pane shows.
func (tm *tmuxTerm) screen() string { return tm.capture() }

// settled returns the pane (with capture-pane's flags) once two looks
// 100 ms apart agree: no frame is half drawn.
func (tm *tmuxTerm) settled(flags ...string) string {
	tm.t.Helper()
	last := tm.capture(flags...)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		now := tm.capture(flags...)
		if now == last {
			return now
		}
		last = now
	}
	tm.t.Fatalf("the screen never settled:\n%s", last)
	return ""
}

// waitForAll waits until the screen shows every one of texts at once.
func (tm *tmuxTerm) waitForAll(texts ...string) string {
	tm.t.Helper()
	return tm.waitUntil(strings.Join(texts, ", "), func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// waitUntil waits until the screen satisfies ok, and returns it; after 20 s
// the test fails with the last screen.
func (tm *tmuxTerm) waitUntil(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %s:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor waits until the screen shows text, and returns the screen.
func (tm *tmuxTerm) waitFor(text string) string {
	tm.t.Helper()
	return tm.waitUntil(strconv.Quote(text), func(s string) bool { return strings.Contains(s, text) })
}

// waitGone waits until the screen no longer shows text.
func (tm *tmuxTerm) waitGone(text string) {
	tm.t.Helper()
	tm.waitUntil("the end of "+strconv.Quote(text), func(s string) bool { return !strings.Contains(s, text) })
}

// keys presses keys by their tmux names: Enter, Space, Right, C-c…
func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	if _, err := tm.tmux(append([]string{"send-keys", "-t", "comanda"}, keys...)...); err != nil {
		tm.t.Fatal(err)
	}
}

// typ types text, character by character.
func (tm *tmuxTerm) typ(text string) {
	tm.t.Helper()
	if _, err := tm.tmux("send-keys", "-t", "comanda", "-l", text); err != nil {
		tm.t.Fatal(err)
	}
}

// panePID returns the PID of the process the pane runs.
func (tm *tmuxTerm) panePID() int {
	tm.t.Helper()
	out, err := tm.tmux("display-message", "-p", "-t", "comanda", "#{pane_pid}")
	pid, _ := strconv.Atoi(out)
	if err != nil || pid == 0 {
		tm.t.Fatalf("the pane's PID: %q %v", out, err)
	}
	return pid
}

// restored checks that comanda gave the terminal back as it found it (a
// wrapped pane, after comanda exited): the main screen with nothing of the
// interface on it, the cursor shown, no mouse or keypad mode, and the
// terminal's modes as before (echo, line editing).
func (tm *tmuxTerm) restored() {
	tm.t.Helper()
	for _, f := range []string{"alternate_on=0", "cursor_flag=1", "mouse_any_flag=0", "mouse_sgr_flag=0", "keypad_flag=0", "keypad_cursor_flag=0"} {
		name, want, _ := strings.Cut(f, "=")
		if got, err := tm.tmux("display-message", "-p", "-t", "comanda", "#{"+name+"}"); err != nil || got != want {
			tm.t.Errorf("after comanda: %s is %q; want %s (%v)", name, got, want, err)
		}
	}
	before, err1 := os.ReadFile(filepath.Join(tm.dir, "stty.before"))
	after, err2 := os.ReadFile(filepath.Join(tm.dir, "stty.after"))
	if err1 != nil || err2 != nil || len(before) == 0 || !bytes.Equal(before, after) {
		tm.t.Errorf("the terminal's modes: before %q, after %q (%v, %v)", before, after, err1, err2)
	}
	if s := tm.screen(); strings.Contains(s, "comanda ·") || strings.ContainsAny(s, "┌└│") {
		tm.t.Errorf("the interface is still on the screen after comanda:\n%s", s)
	}
}

// shellQuote writes a command line for sh.
func shellQuote(name string, args ...string) string {
	out := []string{}
	for _, a := range append([]string{name}, args...) {
		out = append(out, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	return strings.Join(out, " ")
}

// A shownWorker is a row of the process table as the screen shows it.
type shownWorker struct {
	name  string // P1, C2…
	pid   int
	state string // the State column
}

// workerRow is a row of the process table in English: role, slot, name,
// PID, state, then the CPU column (a number, or — before the first sample).
var workerRow = regexp.MustCompile(`(?:waiter|kitchen) +\d+ ([PC]\d+) +(\d+) +(.+?) +(?:\d+\.\d+|—) `)

// workersOn reads the process table's rows from a screen.
func workersOn(screen string) []shownWorker {
	var out []shownWorker
	for _, m := range workerRow.FindAllStringSubmatch(screen, -1) {
		pid, _ := strconv.Atoi(m[2])
		out = append(out, shownWorker{name: m[1], pid: pid, state: m[3]})
	}
	return out
}

// cmdline returns the arguments process pid was started with.
func cmdline(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// isWorker reports whether pid is a live worker process of binary bin.
func isWorker(pid int, bin string) bool {
	argv := cmdline(pid)
	return alive(pid) && len(argv) > 1 && argv[0] == bin && argv[1] == "worker"
}

// anyAlive reports whether any of pids is a live process.
func anyAlive(pids []int) bool {
	for _, pid := range pids {
		if alive(pid) {
			return true
		}
	}
	return false
}

// noneLeft checks, giving them 2 s, that none of pids is alive and that no
// segment file is left in dir.
func noneLeft(t *testing.T, dir string, pids []int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); anyAlive(pids) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d %q is still alive", pid, cmdline(pid))
		}
	}
	if left := shm.Segments(dir); len(left) > 0 {
		t.Errorf("segment files left behind: %v", left)
	}
}

// processesWith returns the live processes whose environment holds kv.
func processesWith(kv string) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && bytes.Contains(append([]byte{0}, env...), []byte("\x00"+kv+"\x00")) && alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}
