// The hash-map task shared by hashmap_tasks.go (one goroutine per task) and
// hashmap_pool.go (a pool of GOMAXPROCS workers): the same work as `task` in
// bench/seeds/hashmap_tasks.gos and in bench/seeds/rust/src/lib.rs, so the
// checksums agree across languages.
package main

import "strconv"

// Item is the small struct each task makes ITEMS of: an integer id, a short
// string and a float. Go stores it inline in the map's buckets.
type Item struct {
	id    int64
	name  string
	value float64
}

// task builds a map of items by id, looks every id up again, and returns
// twice the float sum (exact: every value is a multiple of a half) plus the
// name bytes and the id differences, so a wrong lookup changes the result.
func task(t, items int64) int64 {
	m := make(map[int64]Item)
	for i := int64(0); i < items; i++ {
		m[i] = Item{id: i, name: strconv.FormatInt(i, 10), value: float64(i+t) * 0.5}
	}
	sum := 0.0
	var other int64
	for i := int64(0); i < items; i++ {
		it, ok := m[i]
		if !ok {
			panic("missing item")
		}
		sum += it.value
		other += int64(len(it.name)) + it.id - i
	}
	return int64(sum*2.0) + other
}
