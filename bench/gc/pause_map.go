// Pause time against a map-shaped live heap: fills a map[int64]*Rec, each
// record holding its key and a short string, until the runtime reports at
// least the requested live size (in MB, the first argument; default 10),
// then forces several collections (the second argument; default 7). The
// counterpart of pause_map.gos, with the same output line and the same
// measures as pause_tree.go: the pause is the growth of PauseTotalNs (Go's
// two short stop-the-world phases), the wall time of runtime.GC() is the
// whole concurrent mark and sweep, the number comparable with Gossamer's
// stop-the-world pause.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"
)

// Entries inserted between two looks at the heap size (as in pause_map.gos).
const chunk = 4096

type Rec struct {
	id   int64
	name string
}

func arg(i int, def int64) int64 {
	if len(os.Args) > i+1 {
		v, err := strconv.ParseInt(os.Args[i+1], 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad argument:", err)
			os.Exit(2)
		}
		return v
	}
	return def
}

func median(xs []int64) float64 {
	n := len(xs)
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}

func main() {
	target := uint64(arg(0, 10)) * 1048576
	forced := int(arg(1, 7))
	start := time.Now()
	m := map[int64]*Rec{}
	var n int64
	var ms runtime.MemStats
	var live uint64
	for live < target {
		for i := 0; i < chunk; i++ {
			m[n] = &Rec{id: n, name: strconv.FormatInt(n, 10)}
			n++
		}
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc >= target {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = ms.HeapAlloc
		}
	}
	buildNs := time.Since(start).Nanoseconds()
	var pauses, walls []int64
	var before, after runtime.MemStats
	for i := 0; i < forced; i++ {
		runtime.ReadMemStats(&before)
		t := time.Now()
		runtime.GC()
		wall := time.Since(t).Nanoseconds()
		runtime.ReadMemStats(&after)
		if after.NumGC-before.NumGC != 1 {
			panic(fmt.Sprintf("expected one collection per runtime.GC(), saw %d", after.NumGC-before.NumGC))
		}
		pauses = append(pauses, int64(after.PauseTotalNs-before.PauseTotalNs))
		walls = append(walls, wall)
	}
	sort.Slice(pauses, func(i, j int) bool { return pauses[i] < pauses[j] })
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	good := int64(len(m)) == n
	for k := int64(0); k < n; k++ {
		r, found := m[k]
		if !found || r.id != k || r.name != strconv.FormatInt(k, 10) {
			good = false
		}
	}
	check := "bad"
	if good {
		check = "ok"
	}
	runtime.ReadMemStats(&ms)
	fmt.Printf("live_mb=%.1f entries=%d pause_p50_ms=%.3f pause_max_ms=%.3f gc_wall_p50_ms=%.3f gc_wall_max_ms=%.3f build_s=%.2f check=%s\n",
		float64(ms.HeapAlloc)/1048576, n, median(pauses)/1e6, float64(pauses[len(pauses)-1])/1e6,
		median(walls)/1e6, float64(walls[len(walls)-1])/1e6, float64(buildNs)/1e9, check)
}
