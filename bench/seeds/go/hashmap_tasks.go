// Hash-map tasks, Go with one goroutine per task: the counterpart of
// bench/seeds/hashmap_tasks.gos. T tasks (the first argument, default
// 10,000), each building a map of ITEMS items (the second argument, default
// 10,000), are all started at once; each times itself with the monotonic
// clock from its first statement to its last, and main times the batch from
// the first `go` to the end of the wait. Build with report.go and task.go.
package main

import (
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	tasks := arg(0, 10000)
	items := arg(1, 10000)
	durations := make([]int64, tasks)
	var check int64
	var wg sync.WaitGroup
	wg.Add(int(tasks))
	start := time.Now()
	for t := int64(0); t < tasks; t++ {
		go func(t int64) {
			began := time.Now()
			c := task(t, items)
			// Each goroutine writes only its own element; wg.Wait orders
			// the writes before main reads them.
			durations[t] = time.Since(began).Nanoseconds()
			atomic.AddInt64(&check, c)
			wg.Done()
		}(t)
	}
	wg.Wait()
	report(items, time.Since(start), durations, atomic.LoadInt64(&check))
}
