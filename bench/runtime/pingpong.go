// Unbuffered ping-pong: the counterpart of pingpong.gos. 100,000 round trips
// (or the count given as the first argument) over two unbuffered channels.
// Prints `check <final value>` and `ns_per_op <ns per round trip>`.
package main

import (
	"fmt"
	"os"
	"strconv"
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
	ping := make(chan int64)
	pong := make(chan int64)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	v := int64(0)
	start := time.Now()
	for i := int64(0); i < n; i++ {
		ping <- v
		v = <-pong
	}
	ns := time.Since(start).Nanoseconds()
	close(ping)
	fmt.Println("check", v)
	fmt.Printf("ns_per_op %.1f\n", float64(ns)/float64(n))
}
