package shm

import (
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const time2s = 2 * time.Second

func TestLockWord(t *testing.T) {
	l := NewLock()
	ok, _ := l.TryLock(42)
	w := l.Load()
	if !ok || LockOwner(w) != 42 || LockGeneration(w) != 1 {
		t.Fatalf("TryLock on a free word: ok %v owner %d gen %d", ok, LockOwner(w), LockGeneration(w))
	}
	ok, seen := l.TryLock(43)
	if ok || LockOwner(seen) != 42 {
		t.Fatalf("TryLock on a held word succeeded or saw the wrong owner")
	}
	l.Unlock()
	if w := l.Load(); LockOwner(w) != 0 || LockGeneration(w) != 1 {
		t.Fatalf("Unlock must free the word and keep the generation")
	}
	// Sleeping on a free word returns at once: nobody would wake it.
	start := time.Now()
	l.Sleep(l.Load(), 1, time.Second)
	if time.Since(start) > 100*time.Millisecond {
		t.Fatalf("Sleep on a free lock slept")
	}
	// A dead owner is replaced only with the exact word seen.
	l.TryLock(50)
	seen = l.Load()
	if l.TakeOver(seen+1, 60) {
		t.Fatalf("TakeOver succeeded on a word that changed")
	}
	if !l.TakeOver(seen, 60) || LockOwner(l.Load()) != 60 {
		t.Fatalf("TakeOver failed")
	}
}

// Many goroutines hammer one counter: with the lock, not one increment is
// lost.
func TestLockGoroutines(t *testing.T) {
	l := NewLock()
	counter := 0
	const n, each = 8, 20000
	var wg sync.WaitGroup
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func(pid int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				l.Acquire(pid, pid)
				counter++
				l.Unlock()
			}
		}(g + 1)
	}
	wg.Wait()
	if counter != n*each {
		t.Fatalf("counter = %d; want %d", counter, n*each)
	}
}

// Several processes hammer one counter in a shared file mapping: with the
// lock, the count is exact.
func TestLockProcesses(t *testing.T) {
	if os.Getenv("COMANDA_LOCK_HAMMER") != "" {
		return
	}
	dir := t.TempDir()
	g := Geometry{Workers: 4, Producers: 4, DataSize: 4096, RingSize: 4096, OrdersPerProducer: 8}
	f, err := Create(dir, g, NewRunID())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Remove()
	const procs, each = 4, 20000
	var cmds []*exec.Cmd
	for i := 0; i < procs; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockHammerHelper$")
		cmd.Env = append(os.Environ(), "COMANDA_LOCK_HAMMER="+f.Path, "COMANDA_LOCK_EACH="+strconv.Itoa(each),
			"COMANDA_LOCK_WHO="+strconv.Itoa(i))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	if got := le.Uint64(f.Seg.Data()); got != procs*each {
		t.Fatalf("counter = %d; want %d", got, procs*each)
	}
}

// TestLockHammerHelper is the body of TestLockProcesses' child processes.
func TestLockHammerHelper(t *testing.T) {
	path := os.Getenv("COMANDA_LOCK_HAMMER")
	if path == "" {
		t.Skip("helper process only")
	}
	each, _ := strconv.Atoi(os.Getenv("COMANDA_LOCK_EACH"))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l := f.Seg.Lock(0)
	data := f.Seg.Data()
	// Start together, so the two processes really contend.
	if at, _ := strconv.ParseInt(os.Getenv("COMANDA_LOCK_START"), 10, 64); at > 0 {
		time.Sleep(time.Until(time.Unix(0, at)))
	}
	start := time.Now()
	pid := os.Getpid()
	who, _ := strconv.Atoi(os.Getenv("COMANDA_LOCK_WHO"))
	for i := 0; i < each; i++ {
		l.Acquire(pid, who)
		le.PutUint64(data, le.Uint64(data)+1) // a plain read-modify-write
		l.Unlock()
	}
	// The slower of the two helpers' times is the hammering time.
	el := uint64(time.Since(start))
	l.Acquire(pid, who)
	if el > le.Uint64(data[64:]) {
		le.PutUint64(data[64:], el)
	}
	l.Unlock()
}

// Sleepers wait without a timeout worth the name: a lost wake-up would
// show as a sleep of seconds. Each sleeper's bit is set only while it
// sleeps.
func TestLockNoLostWakeups(t *testing.T) {
	l := NewLock()
	counter := 0
	const n, each = 4, 20000
	var wg sync.WaitGroup
	var mu sync.Mutex
	var longest time.Duration
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func(who int) {
			defer wg.Done()
			pid := who + 1
			for i := 0; i < each; i++ {
				for {
					ok, seen := l.TryLock(pid)
					if ok {
						break
					}
					start := time.Now()
					l.Sleep(seen, who, 10*time.Second)
					if d := time.Since(start); d > time.Second {
						mu.Lock()
						longest = max(longest, d)
						mu.Unlock()
					}
				}
				counter++
				l.Unlock()
			}
		}(g)
	}
	wg.Wait()
	if counter != n*each {
		t.Fatalf("counter = %d; want %d", counter, n*each)
	}
	if longest > 0 {
		t.Fatalf("a sleeper slept %v: a wake-up was lost", longest)
	}
	if s := l.Sleepers(); s != 0 {
		t.Fatalf("sleepers word %b after everybody left", s)
	}
}

// A sleeper sets its bit while it sleeps and is woken by the release; a
// dead sleeper's bit is forgotten.
func TestLockSleepersWord(t *testing.T) {
	l := NewLock()
	l.TryLock(7)
	woke := make(chan time.Duration)
	go func() {
		start := time.Now()
		l.Sleep(l.Load(), 5, 10*time.Second)
		woke <- time.Since(start)
	}()
	for l.Sleepers() != 1<<5 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // into the kernel's wait
	l.Unlock()
	if d := <-woke; d > 5*time.Second {
		t.Fatalf("the release did not wake the sleeper (slept %v)", d)
	}
	if s := l.Sleepers(); s != 0 {
		t.Fatalf("sleepers word %b after the sleeper woke", s)
	}
	atomic.OrUint64(l.sleepers, 1<<9) // slot 9 died asleep
	l.Forget(9)
	if s := l.Sleepers(); s != 0 {
		t.Fatalf("Forget left %b", s)
	}
}
