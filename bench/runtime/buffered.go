// Buffered send+receive: the counterpart of buffered.gos. A producer
// goroutine sends 1,000,000 numbers (or the first argument) through a
// channel of capacity 1,024 to main. Prints `check <sum>` and `ns_per_op
// <ns per value>`.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	n := int64(1000000)
	if len(os.Args) > 1 {
		v, err := strconv.ParseInt(os.Args[1], 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad count:", err)
			os.Exit(2)
		}
		n = v
	}
	ch := make(chan int64, 1024)
	start := time.Now()
	go func() {
		for i := int64(0); i < n; i++ {
			ch <- i
		}
		close(ch)
	}()
	sum := int64(0)
	for v := range ch {
		sum += v
	}
	ns := time.Since(start).Nanoseconds()
	fmt.Println("check", sum)
	fmt.Printf("ns_per_op %.1f\n", float64(ns)/float64(n))
}
