// Spawn and join: starts one goroutine and waits for it, 100,000 times in a
// row (or the count given as the first argument); the counterpart of
// spawn.gos. Prints `check <sum>` and `ns_per_op <ns per spawn+join>`.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := int64(100000)
	if len(os.Args) > 1 {
		v, err := strconv.ParseInt(os.Args[1], 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad count:", err)
			os.Exit(2)
		}
		n = v
	}
	var sum int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := int64(0); i < n; i++ {
		wg.Add(1)
		go func(i int64) {
			atomic.AddInt64(&sum, i)
			wg.Done()
		}(i)
		wg.Wait()
	}
	ns := time.Since(start).Nanoseconds()
	fmt.Println("check", atomic.LoadInt64(&sum))
	fmt.Printf("ns_per_op %.1f\n", float64(ns)/float64(n))
}
