// Idle tasks, Go: the counterpart of bench/seeds/idle_tasks.gos. N
// goroutines (the first argument, default 10,000) each sleep for the given
// milliseconds (the second argument, default 10,000), all alive at once;
// each times its own sleep with the monotonic clock. Prints the shared
// result line with check = the goroutines that woke. Build with report.go.
package main

import "time"

func main() {
	tasks := arg(0, 10000)
	sleepMs := arg(1, 10000)
	total, durations, woke := goroutinePerTask(tasks, func(int64) int64 {
		time.Sleep(time.Duration(sleepMs) * time.Millisecond)
		return 1
	})
	report(0, total, durations, woke)
}
