// Hash-map tasks, Go with a worker pool: the same T tasks as
// hashmap_tasks.go, but run by GOMAXPROCS worker goroutines that take task
// numbers from a channel, so only that many maps exist at once. It is the
// shape a Go programmer reaches for when one goroutine per task costs too
// much memory, and the row that shows what the runtime could do if it
// bounded live work the same way. Each task is timed around its own work
// (not its time in the queue), as in every other row. Build with report.go
// and task.go.
package main

import (
	"runtime"
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
	start := time.Now()
	queue := make(chan int64, tasks)
	for t := int64(0); t < tasks; t++ {
		queue <- t
	}
	close(queue)
	workers := runtime.GOMAXPROCS(0)
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			for t := range queue {
				began := time.Now()
				c := task(t, items)
				durations[t] = time.Since(began).Nanoseconds()
				atomic.AddInt64(&check, c)
			}
			wg.Done()
		}()
	}
	wg.Wait()
	report(items, time.Since(start), durations, atomic.LoadInt64(&check))
}
