// Bytes per hash-map item in Go: the counterpart of bench/seeds/item_bytes.gos.
// Builds one task's map of ITEMS items (the first argument, default 10,000)
// and reports, per item, the bytes allocated while building it (TotalAlloc)
// and the heap still in use after a collection with the map reachable
// (HeapAlloc). Go stores the struct inline in the map's buckets and packs
// the short strings' bytes with its tiny allocator. Build with report.go
// (for `arg`): `go build -o x report.go item_bytes.go`.
package main

import (
	"fmt"
	"runtime"
	"strconv"
)

// ItemB mirrors Item of task.go; it is its own type so this file does not
// need task.go.
type ItemB struct {
	id    int64
	name  string
	value float64
}

func main() {
	items := arg(0, 10000)
	var before, built, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := make(map[int64]ItemB)
	for i := int64(0); i < items; i++ {
		m[i] = ItemB{id: i, name: strconv.FormatInt(i, 10), value: float64(i) * 0.5}
	}
	runtime.ReadMemStats(&built)
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("items=%d allocated=%d live=%d\n", len(m),
		(built.TotalAlloc-before.TotalAlloc)/uint64(items),
		(after.HeapAlloc-before.HeapAlloc)/uint64(items))
}
