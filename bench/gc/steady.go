// A steady-state workload for peak RSS: a ring of N records (the first
// argument; default 114,688, as in steady.gos), each with a short string, continuously
// replaced, ROUNDS times over (the second argument; default 10). Run with
// GOGC=50 and GOGC=100 (the growth ratios of GOSSAMER_GC_TARGET 1.5 and
// 2.0). The counterpart of steady.gos, with the same output line; num_gc
// leaves out the final forced collection that measures the live size.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

type Rec struct {
	id, val int64
	name    string
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

func main() {
	n := arg(0, 114688)
	rounds := arg(1, 10)
	heads := []string{"abcdefghijkl", "bcdefghijklm", "cdefghijklmn", "defghijklmno"}
	tail := "0123456789"
	ring := make([]*Rec, 0, n)
	for i := int64(0); i < n; i++ {
		ring = append(ring, &Rec{id: i, name: heads[i%4] + tail})
	}
	for i := n; i < n*rounds; i++ {
		ring[i%n] = &Rec{id: i, val: i * 3, name: heads[i%4] + tail}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var sum int64
	for _, r := range ring {
		sum += r.id + r.val + int64(len(r.name))
	}
	fmt.Printf("live_mb=%.1f num_gc=%d check=%d\n", float64(ms.HeapAlloc)/1048576, ms.NumGC-1, sum)
}
