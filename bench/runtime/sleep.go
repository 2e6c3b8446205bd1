// N sleeping goroutines: the counterpart of sleep.gos. N (the first
// argument, default 10,000) goroutines each sleep 2 s; main waits for all.
// Prints `check <N>`.
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
	n := int64(10000)
	if len(os.Args) > 1 {
		v, err := strconv.ParseInt(os.Args[1], 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad count:", err)
			os.Exit(2)
		}
		n = v
	}
	var woke int64
	var wg sync.WaitGroup
	wg.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func() {
			time.Sleep(2 * time.Second)
			atomic.AddInt64(&woke, 1)
			wg.Done()
		}()
	}
	wg.Wait()
	fmt.Println("check", atomic.LoadInt64(&woke))
}
