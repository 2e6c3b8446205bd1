// Pause time against a tree-shaped live heap: builds a forest of complete
// binary trees of pointer-linked nodes until the runtime reports at least
// the requested live size (in MB, the first argument; default 10), then
// forces several collections (the second argument; default 7) and reports
// them. The counterpart of pause_tree.gos, and the same output line:
//   live_mb=… nodes=… pause_p50_ms=… pause_max_ms=… gc_wall_p50_ms=… gc_wall_max_ms=… build_s=… check=…
// Go's collector is concurrent: a pause is the growth of PauseTotalNs
// across one runtime.GC() (the sum of the cycle's two short stop-the-world
// phases), while the marking itself runs alongside the program. The wall
// time of runtime.GC(), which returns only after the whole mark and sweep,
// is the number comparable with Gossamer's stop-the-world pause. Live bytes
// are HeapAlloc right after a collection. A Go node is 24 bytes against
// Gossamer's 96, so the same live size holds about four times as many nodes.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"
)

// A tree of this depth has 2^depth - 1 nodes (the same as pause_tree.gos).
const depth = 12

type Node struct {
	left, right *Node
	val         int64
}

func build(d int64) *Node {
	if d == 0 {
		return nil
	}
	return &Node{left: build(d - 1), right: build(d - 1), val: d}
}

// walk sums the values of every node, so that a lost node shows.
func walk(n *Node) int64 {
	if n == nil {
		return 0
	}
	return n.val + walk(n.left) + walk(n.right)
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
	var trees []*Node
	var ms runtime.MemStats
	var live uint64
	for live < target {
		trees = append(trees, build(depth))
		// HeapAlloc counts garbage not yet swept too; only a collection
		// tells what is live (as in pause_tree.gos).
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
	var sum int64
	for _, t := range trees {
		sum += walk(t)
	}
	nodes := int64(len(trees)) * ((1 << depth) - 1)
	var perTree int64
	for d := int64(1); d <= depth; d++ {
		perTree += d * (1 << (depth - d))
	}
	check := "bad"
	if sum == perTree*int64(len(trees)) {
		check = "ok"
	}
	runtime.ReadMemStats(&ms)
	fmt.Printf("live_mb=%.1f nodes=%d pause_p50_ms=%.3f pause_max_ms=%.3f gc_wall_p50_ms=%.3f gc_wall_max_ms=%.3f build_s=%.2f check=%s\n",
		float64(ms.HeapAlloc)/1048576, nodes, median(pauses)/1e6, float64(pauses[len(pauses)-1])/1e6,
		median(walls)/1e6, float64(walls[len(walls)-1])/1e6, float64(buildNs)/1e9, check)
}
