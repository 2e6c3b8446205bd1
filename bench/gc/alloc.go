// Allocation throughput: G goroutines (the first argument; default 1) each
// allocate N small short-lived objects (the second argument; default
// 2,000,000): per iteration a struct of four int64s and a 22-byte string
// made by concatenation, kept in a 256-slot ring so that each lives
// briefly and then is garbage. The counterpart of alloc.gos, with the same
// output line; the bytes are the growth of TotalAlloc, the time is wall
// time, divided by G.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type Obj struct{ a, b, c, d int64 }

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

// work runs one goroutine's loop; the ring's size comes from a variable so
// that the rings (and everything stored in them) live on the heap, as in
// Gossamer.
func work(n, ring int64) int64 {
	heads := []string{"abcdefghijkl", "bcdefghijklm", "cdefghijklmn", "defghijklmno"}
	tail := "0123456789"
	objs := make([]*Obj, ring)
	names := make([]string, ring)
	for i := int64(0); i < ring; i++ {
		objs[i] = &Obj{a: i}
		names[i] = tail
	}
	for i := int64(0); i < n; i++ {
		j := i % ring
		objs[j] = &Obj{a: i, b: i + 1, c: i + 2, d: i + 3}
		names[j] = heads[i%4] + tail
	}
	var sum int64
	for j := int64(0); j < ring; j++ {
		sum += objs[j].a + objs[j].d + int64(len(names[j]))
	}
	return sum
}

func main() {
	g := arg(0, 1)
	n := arg(1, 2000000)
	ring := int64(256)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var total int64
	var wg sync.WaitGroup
	for k := int64(0); k < g; k++ {
		wg.Add(1)
		go func() {
			atomic.AddInt64(&total, work(n, ring))
			wg.Done()
		}()
	}
	wg.Wait()
	ns := time.Since(start).Nanoseconds()
	runtime.ReadMemStats(&after)
	bytes := float64(after.TotalAlloc - before.TotalAlloc)
	fmt.Printf("mb_per_s_per_thread=%.1f bytes_per_iter=%.1f num_gc=%d check=%d\n",
		bytes/1048576/(float64(ns)/1e9)/float64(g), bytes/float64(n*g), after.NumGC-before.NumGC, atomic.LoadInt64(&total))
}
