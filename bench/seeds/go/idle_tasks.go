// Idle tasks, Go: the counterpart of bench/seeds/idle_tasks.gos. N
// goroutines (the first argument, default 10,000) each sleep for the given
// milliseconds (the second argument, default 10,000), all alive at once;
// each times its own sleep with the monotonic clock. Prints the shared
// result line with check = the goroutines that woke. Build with report.go.
package main

import (
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	tasks := arg(0, 10000)
	sleepMs := arg(1, 10000)
	durations := make([]int64, tasks)
	var woke int64
	var wg sync.WaitGroup
	wg.Add(int(tasks))
	start := time.Now()
	for t := int64(0); t < tasks; t++ {
		go func(t int64) {
			began := time.Now()
			time.Sleep(time.Duration(sleepMs) * time.Millisecond)
			durations[t] = time.Since(began).Nanoseconds()
			atomic.AddInt64(&woke, 1)
			wg.Done()
		}(t)
	}
	wg.Wait()
	report(0, time.Since(start), durations, atomic.LoadInt64(&woke))
}
