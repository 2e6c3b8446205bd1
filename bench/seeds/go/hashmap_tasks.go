// Hash-map tasks, Go with one goroutine per task: the counterpart of
// bench/seeds/hashmap_tasks.gos. T tasks (the first argument, default
// 10,000), each building a map of ITEMS items (the second argument, default
// 10,000), are all started at once; each times itself with the monotonic
// clock from its first statement to its last, and main times the batch from
// the first `go` to the end of the wait. Build with report.go and task.go.
package main

func main() {
	tasks := arg(0, 10000)
	items := arg(1, 10000)
	total, durations, check := goroutinePerTask(tasks, func(t int64) int64 { return task(t, items) })
	report(items, total, durations, check)
}
