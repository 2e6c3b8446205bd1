// The part the Go workloads share: reading the count arguments, starting a
// goroutine per task and timing each, and printing
// the one result line that bench/seeds/run.sh parses, identical in format to
// the Gossamer and Rust programs' line:
//
//	tasks=T items=I total_ms=… avg_ms=… min_ms=… max_ms=… check=C
//
// It lives in its own file of package main, built together with each
// workload (`go build -o x report.go hashmap_tasks.go`), because the
// workloads are separate programs and a module would be heavier than this.
package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// arg returns the i-th program argument as a count, or def when it is absent;
// a malformed count stops the program, since a silently wrong size would
// make a row measure something else than its label says.
func arg(i int, def int64) int64 {
	if len(os.Args) <= i+1 {
		return def
	}
	v, err := strconv.ParseInt(os.Args[i+1], 10, 64)
	if err != nil || v < 0 {
		fmt.Fprintf(os.Stderr, "bad count %q: %v\n", os.Args[i+1], err)
		os.Exit(2)
	}
	return v
}

// goroutinePerTask starts all `tasks` goroutines at once, each running
// work(t) timed with the monotonic clock from its start to its end, waits
// for them all, and returns the batch's wall time (first `go` to the end of
// the wait), each task's duration and the sum of what work returned.
func goroutinePerTask(tasks int64, work func(t int64) int64) (time.Duration, []int64, int64) {
	durations := make([]int64, tasks)
	var check int64
	var wg sync.WaitGroup
	wg.Add(int(tasks))
	start := time.Now()
	for t := int64(0); t < tasks; t++ {
		go func(t int64) {
			began := time.Now()
			c := work(t)
			// Each goroutine writes only its own element; wg.Wait orders
			// the writes before the caller reads them.
			durations[t] = time.Since(began).Nanoseconds()
			atomic.AddInt64(&check, c)
			wg.Done()
		}(t)
	}
	wg.Wait()
	return time.Since(start), durations, atomic.LoadInt64(&check)
}

// report prints the result line from the batch's wall time and each task's
// own duration.
func report(items int64, total time.Duration, durations []int64, check int64) {
	var sum, max int64
	min := int64(math.MaxInt64)
	for _, d := range durations {
		sum += d
		if d < min {
			min = d
		}
		if d > max {
			max = d
		}
	}
	n := int64(len(durations))
	fmt.Printf("tasks=%d items=%d total_ms=%.3f avg_ms=%.3f min_ms=%.3f max_ms=%.3f check=%d\n",
		n, items, float64(total.Nanoseconds())/1e6, float64(sum)/float64(n)/1e6,
		float64(min)/1e6, float64(max)/1e6, check)
}
