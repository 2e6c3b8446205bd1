// fasta (Computer Language Benchmarks Game), the Go reference for
// bench/game: the ALU sequence repeated, then two random DNA sequences drawn
// with the task's linear congruential generator (LCG). Written to be as fast
// as we can make it with std only (no unsafe), on the same algorithm as the
// Rust reference (rust/fasta.rs), which starts from the manner of the
// fastest published programs (a lookup table from generator state to
// letter, workers filling blocks that main writes in order) and goes
// further:
//
//   - one worker goroutine per CPU, each filling whole blocks of output; a
//     worker jumps the LCG straight to its block's first state (affine maps
//     compose), so workers never wait for each other;
//   - a table entry per generator state holding the eight letters drawn
//     from that state and its next seven (the task's float comparison done
//     once per state, not once per letter), so one load and one 8-byte
//     store give eight letters, and the generator steps eight states at a
//     time (the map of eight steps is again one multiply and one modulo);
//   - the output seen as aligned 8-byte cells: eight lines with their
//     newlines are 488 bytes, exactly 61 cells, of which 53 hold eight
//     letters (a table word; the generator steps eight states) and 8 hold
//     a newline, at byte 4, 1, 6, 3, 0, 5, 2 and 7 in turn, and seven
//     letters (the word's first seven, those after the newline moved up a
//     byte; the generator steps seven states): eight lines take 61 stores
//     and steps, not 72 stores (seven 8-byte ones, a 4-byte one and the
//     newline byte a line) and 64 steps;
//   - inside a block, four LCG chains, each filling a contiguous run of
//     whole groups of eight lines (so of whole cells) from its own jumped
//     state, processed together so that the multiply and modulo of one
//     chain need not wait for another's;
//   - main writes the blocks in order with large writes, handing each buffer
//     back to its worker: memory is bounded by the block size.
//
// What is particular to Go: the four chains are interleaved cell by cell,
// the 61 cells of a group written out (Go's compiler neither reorders nor
// unrolls; interleaving was faster than a line of one chain after a line of
// the other); the states are kept in uint32, so the quotient by IM is one
// 64-bit multiply and a shift rather than a 128-bit high multiply (the
// unreduced next state, at most (IM-1)*M8 + A8, fits in 32 bits, and so
// does the map of seven steps, written with a negated multiplier);
// indexing the table with s%IM and storing through *[GROUP]byte at
// constant offsets leave the compiler no bounds check per cell, only two
// per group of eight lines and chain; the two tables are built by
// goroutines while main writes the repeated section.
//
// Not taken from the Rust reference, which is faster: its eight chains pay
// there because rustc steps them together in vector registers, which Go's
// compiler does not (with the cells, 3, 4, 5, 6 and 8 chains took about
// 52.9, 51.5, 51.6, 53.9 and 56.2 ms of CPU: four and five are within the
// noise, and four match the other programs); its bisection for the table
// build and its workers writing their own blocks would save a millisecond
// or two.
//
// (Until 2026-11-24 this program, like the Rust one, took one table load
// per letter and four interleaved chains stepping four states at a time:
// about 5 times slower, 0.17 s against 0.034 s wall for N = 25000000 on the
// quiet 2-core machine; 0.337 s in a run of bench/game/run.sh under load.
// Until later that day a line was seven 8-byte stores of table words, a
// 4-byte store and the newline byte, the chains interleaved word by word:
// 56.3 ms of CPU and 33.6 ms wall, against 51.6 and 31.1 ms with the cells
// (medians of 18 runs of perf stat -r 21, alternating the two, on the
// shared 2-core machine); on one CPU, 53.5 against 48.9 ms of CPU.)
//
// Build: go build -o fasta fasta.go
// Run:   ./fasta 25000000 | md5sum   (fd55b9e8011c781131046b6dd87511e1)
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"runtime"
	"strconv"
	"sync"
)

const (
	IM   = 139968
	IA   = 3877
	IC   = 29573
	SEED = 42

	LINE        = 60
	BLOCK_LINES = 8192
	BLOCK_CHARS = BLOCK_LINES * LINE
	BLOCK_BYTES = BLOCK_LINES * (LINE + 1)
	// Buffers per worker: one being filled while main writes the other.
	BUFFERS_PER_WORKER = 2
)

const ALU = "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG" +
	"GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA" +
	"CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT" +
	"ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA" +
	"GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG" +
	"AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC" +
	"AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA"

type gene struct {
	letter byte
	p      float64
}

var iub = []gene{
	{'a', 0.27}, {'c', 0.12}, {'g', 0.12}, {'t', 0.27},
	{'B', 0.02}, {'D', 0.02}, {'H', 0.02}, {'K', 0.02},
	{'M', 0.02}, {'N', 0.02}, {'R', 0.02}, {'S', 0.02},
	{'V', 0.02}, {'W', 0.02}, {'Y', 0.02},
}

var homoSapiens = []gene{
	{'a', 0.3029549426680}, {'c', 0.1979883004921},
	{'g', 0.1975473066391}, {'t', 0.3015094502008},
}

// lcgMap is the affine map s -> mul*s + add (mod IM) of k LCG steps, built
// by squaring: O(log k).
func lcgMap(k uint64) (uint64, uint64) {
	mul, add := uint64(1), uint64(0)
	pm, pa := uint64(IA), uint64(IC)
	for k > 0 {
		if k&1 == 1 {
			mul = mul * pm % IM
			add = (add*pm + pa) % IM
		}
		pa = (pa*pm + pa) % IM
		pm = pm * pm % IM
		k >>= 1
	}
	return mul, add
}

func lcgJump(seed, k uint64) uint64 {
	mul, add := lcgMap(k)
	return (mul*seed + add) % IM
}

// makeTable gives the letter of every LCG state: the first whose
// cumulative probability (a float64 sum in the task's order) exceeds
// state / IM.
func makeTable(genes []gene) *[IM]byte {
	cumulative := make([]float64, len(genes))
	acc := 0.0
	for i, g := range genes {
		acc += g.p
		cumulative[i] = acc
	}
	var table [IM]byte
	j := 0
	for s := 0; s < IM; s++ {
		r := float64(s) / float64(IM)
		for j < len(genes)-1 && !(r < cumulative[j]) {
			j++
		}
		table[s] = genes[j].letter
	}
	return &table
}

// makeTable8 gives the eight letters drawn from every state and its next
// seven: letter k (of state g^k(s), g one step of the generator) in byte k,
// little-endian, so one load gives eight consecutive output letters. The
// generator's period is IM, so one walk around its cycle meets every state:
// a window of the next eight letters gives each entry with one load and two
// steps.
func makeTable8(genes []gene) *[IM]uint64 {
	pick := makeTable(genes)
	step := func(s uint32) uint32 { return (s*IA + IC) % IM }
	table := new([IM]uint64)
	var s, ahead uint32
	var window uint64
	for k := 0; k < 8; k++ {
		window |= uint64(pick[ahead]) << (8 * k)
		ahead = step(ahead)
	}
	for i := 0; i < IM; i++ {
		table[s] = window
		window = window>>8 | uint64(pick[ahead])<<56
		ahead = step(ahead)
		s = step(s)
	}
	return table
}

// CHAINS is the number of LCG chains per block: each fills a contiguous
// run of whole lines, so the multiply and modulo of one chain need not wait
// for another's.
const CHAINS = 4

// Eight lines with their newlines are 488 bytes: exactly 61 aligned 8-byte
// cells, the unit a chain fills at a time.
const (
	GROUP_LINES = 8
	GROUP       = GROUP_LINES * (LINE + 1)
	CELLS       = GROUP / 8
)

// The maps of eight and seven LCG steps (lcgMap(8) and lcgMap(7), checked
// at start): constants, so that the compiler multiplies by immediates. M7
// is too large for the unreduced next state to fit in 32 bits, but M7*s
// and -(IM-M7)*s are equal modulo IM: the map of seven steps is K7 - N7*s,
// then the modulo, with N7 = IM - M7 and K7 = A7 + N7*IM (below 2^32, and
// above N7*s for every state s).
const (
	M8, A8 = 5665, 86296
	M7, A7 = 135565, 125975
	N7     = IM - M7
	K7     = A7 + N7*IM
)

func init() {
	if m, a := lcgMap(8); m != M8 || a != A8 {
		panic("M8, A8 are not the map of eight steps")
	}
	if m, a := lcgMap(7); m != M7 || a != A7 {
		panic("M7, A7 are not the map of seven steps")
	}
}

// put8 stores the eight letters from state s%IM at cell o/8 of a group and
// returns the state eight steps on, unreduced (below (IM-1)*M8 + A8 <
// 2^32). Reducing at the index, table[s%IM], is what lets the compiler drop
// the bounds check; the reduced value serves the multiply too.
func put8(g *[GROUP]byte, o int, table *[IM]uint64, s uint32) uint32 {
	binary.LittleEndian.PutUint64(g[o:], table[s%IM])
	return s%IM*M8 + A8
}

// putNL stores the cell at o/8 of a group that holds a newline, at its
// byte a, and seven letters from state s%IM: the first seven of its word,
// those from byte a on moved up a byte. It returns the state seven steps
// on, unreduced (at most K7 < 2^32). With o and a constant the masks fold.
func putNL(g *[GROUP]byte, o int, a uint, table *[IM]uint64, s uint32) uint32 {
	x := table[s%IM]
	low := uint64(1)<<(8*a) - 1
	binary.LittleEndian.PutUint64(g[o:], x&low|'\n'<<(8*a)|x<<8&^(low<<8|0xff))
	return K7 - s%IM*N7
}

// nlAt gives, for each cell of a group, the byte of its newline, or 8 if
// it has none (cells 7, 15, 22, 30, 38, 45, 53 and 60 have one, at byte 4,
// 1, 6, 3, 0, 5, 2 and 7).
var nlAt = func() (nl [CELLS]uint) {
	for j := range nl {
		nl[j] = 8
	}
	for i := 0; i < GROUP_LINES; i++ {
		at := i*(LINE+1) + LINE
		nl[at/8] = uint(at % 8)
	}
	return
}()

// putGroup fills one group (eight whole lines) of one chain from state s
// and returns the state after it, unreduced.
func putGroup(g *[GROUP]byte, table *[IM]uint64, s uint32) uint32 {
	for j := 0; j < CELLS; j++ {
		if a := nlAt[j]; a == 8 {
			s = put8(g, 8*j, table, s)
		} else {
			s = putNL(g, 8*j, a, table, s)
		}
	}
	return s
}

// fill writes chars letters (lines of 60, each ending in a newline) whose
// states follow seed into out, and returns the bytes written. Chain k takes
// lines [k*per, (k+1)*per), per a multiple of 8, so each chain's run is
// whole groups of 61 aligned cells: per group of eight lines a chain makes
// 61 stores and steps (put8 and putNL). While every chain has a whole group
// left, the chains go together, interleaved cell by cell. The rest (each
// chain's last groups, fewer than eight lines, the short last line) goes
// chain by chain, its lines the old way: seven 8-byte stores of table words,
// a 4-byte store of half of one and the newline. No store reaches past a
// chain's run: the next chain's may already be written.
func fill(out []byte, table *[IM]uint64, seed uint64, chars int) int {
	lines := (chars + LINE - 1) / LINE
	per := ((lines+CHAINS-1)/CHAINS + GROUP_LINES - 1) / GROUP_LINES * GROUP_LINES
	var c [CHAINS]uint64
	var pos, left [CHAINS]int
	rounds := lines
	for k := 0; k < CHAINS; k++ {
		first := min(k*per, lines)
		last := min((k+1)*per, lines)
		c[k] = lcgJump(seed, uint64(first*LINE)+1)
		pos[k] = first * (LINE + 1)
		left[k] = min(last*LINE, chars) - min(first*LINE, chars)
		rounds = min(rounds, left[k]/LINE/GROUP_LINES)
	}
	// Whole groups of all chains together while every chain has one, the
	// chains interleaved cell by cell (written out: the offsets and the
	// newlines' bytes are constants).
	s0, s1, s2, s3 := uint32(c[0]), uint32(c[1]), uint32(c[2]), uint32(c[3])
	p0, p1, p2, p3 := pos[0], pos[1], pos[2], pos[3]
	for r := 0; r < rounds; r++ {
		g0 := (*[GROUP]byte)(out[p0:])
		g1 := (*[GROUP]byte)(out[p1:])
		g2 := (*[GROUP]byte)(out[p2:])
		g3 := (*[GROUP]byte)(out[p3:])
		s0, s1, s2, s3 = put8(g0, 0, table, s0), put8(g1, 0, table, s1), put8(g2, 0, table, s2), put8(g3, 0, table, s3)
		s0, s1, s2, s3 = put8(g0, 8, table, s0), put8(g1, 8, table, s1), put8(g2, 8, table, s2), put8(g3, 8, table, s3)
		s0, s1, s2, s3 = put8(g0, 16, table, s0), put8(g1, 16, table, s1), put8(g2, 16, table, s2), put8(g3, 16, table, s3)
		s0, s1, s2, s3 = put8(g0, 24, table, s0), put8(g1, 24, table, s1), put8(g2, 24, table, s2), put8(g3, 24, table, s3)
		s0, s1, s2, s3 = put8(g0, 32, table, s0), put8(g1, 32, table, s1), put8(g2, 32, table, s2), put8(g3, 32, table, s3)
		s0, s1, s2, s3 = put8(g0, 40, table, s0), put8(g1, 40, table, s1), put8(g2, 40, table, s2), put8(g3, 40, table, s3)
		s0, s1, s2, s3 = put8(g0, 48, table, s0), put8(g1, 48, table, s1), put8(g2, 48, table, s2), put8(g3, 48, table, s3)
		s0, s1, s2, s3 = putNL(g0, 56, 4, table, s0), putNL(g1, 56, 4, table, s1), putNL(g2, 56, 4, table, s2), putNL(g3, 56, 4, table, s3)
		s0, s1, s2, s3 = put8(g0, 64, table, s0), put8(g1, 64, table, s1), put8(g2, 64, table, s2), put8(g3, 64, table, s3)
		s0, s1, s2, s3 = put8(g0, 72, table, s0), put8(g1, 72, table, s1), put8(g2, 72, table, s2), put8(g3, 72, table, s3)
		s0, s1, s2, s3 = put8(g0, 80, table, s0), put8(g1, 80, table, s1), put8(g2, 80, table, s2), put8(g3, 80, table, s3)
		s0, s1, s2, s3 = put8(g0, 88, table, s0), put8(g1, 88, table, s1), put8(g2, 88, table, s2), put8(g3, 88, table, s3)
		s0, s1, s2, s3 = put8(g0, 96, table, s0), put8(g1, 96, table, s1), put8(g2, 96, table, s2), put8(g3, 96, table, s3)
		s0, s1, s2, s3 = put8(g0, 104, table, s0), put8(g1, 104, table, s1), put8(g2, 104, table, s2), put8(g3, 104, table, s3)
		s0, s1, s2, s3 = put8(g0, 112, table, s0), put8(g1, 112, table, s1), put8(g2, 112, table, s2), put8(g3, 112, table, s3)
		s0, s1, s2, s3 = putNL(g0, 120, 1, table, s0), putNL(g1, 120, 1, table, s1), putNL(g2, 120, 1, table, s2), putNL(g3, 120, 1, table, s3)
		s0, s1, s2, s3 = put8(g0, 128, table, s0), put8(g1, 128, table, s1), put8(g2, 128, table, s2), put8(g3, 128, table, s3)
		s0, s1, s2, s3 = put8(g0, 136, table, s0), put8(g1, 136, table, s1), put8(g2, 136, table, s2), put8(g3, 136, table, s3)
		s0, s1, s2, s3 = put8(g0, 144, table, s0), put8(g1, 144, table, s1), put8(g2, 144, table, s2), put8(g3, 144, table, s3)
		s0, s1, s2, s3 = put8(g0, 152, table, s0), put8(g1, 152, table, s1), put8(g2, 152, table, s2), put8(g3, 152, table, s3)
		s0, s1, s2, s3 = put8(g0, 160, table, s0), put8(g1, 160, table, s1), put8(g2, 160, table, s2), put8(g3, 160, table, s3)
		s0, s1, s2, s3 = put8(g0, 168, table, s0), put8(g1, 168, table, s1), put8(g2, 168, table, s2), put8(g3, 168, table, s3)
		s0, s1, s2, s3 = putNL(g0, 176, 6, table, s0), putNL(g1, 176, 6, table, s1), putNL(g2, 176, 6, table, s2), putNL(g3, 176, 6, table, s3)
		s0, s1, s2, s3 = put8(g0, 184, table, s0), put8(g1, 184, table, s1), put8(g2, 184, table, s2), put8(g3, 184, table, s3)
		s0, s1, s2, s3 = put8(g0, 192, table, s0), put8(g1, 192, table, s1), put8(g2, 192, table, s2), put8(g3, 192, table, s3)
		s0, s1, s2, s3 = put8(g0, 200, table, s0), put8(g1, 200, table, s1), put8(g2, 200, table, s2), put8(g3, 200, table, s3)
		s0, s1, s2, s3 = put8(g0, 208, table, s0), put8(g1, 208, table, s1), put8(g2, 208, table, s2), put8(g3, 208, table, s3)
		s0, s1, s2, s3 = put8(g0, 216, table, s0), put8(g1, 216, table, s1), put8(g2, 216, table, s2), put8(g3, 216, table, s3)
		s0, s1, s2, s3 = put8(g0, 224, table, s0), put8(g1, 224, table, s1), put8(g2, 224, table, s2), put8(g3, 224, table, s3)
		s0, s1, s2, s3 = put8(g0, 232, table, s0), put8(g1, 232, table, s1), put8(g2, 232, table, s2), put8(g3, 232, table, s3)
		s0, s1, s2, s3 = putNL(g0, 240, 3, table, s0), putNL(g1, 240, 3, table, s1), putNL(g2, 240, 3, table, s2), putNL(g3, 240, 3, table, s3)
		s0, s1, s2, s3 = put8(g0, 248, table, s0), put8(g1, 248, table, s1), put8(g2, 248, table, s2), put8(g3, 248, table, s3)
		s0, s1, s2, s3 = put8(g0, 256, table, s0), put8(g1, 256, table, s1), put8(g2, 256, table, s2), put8(g3, 256, table, s3)
		s0, s1, s2, s3 = put8(g0, 264, table, s0), put8(g1, 264, table, s1), put8(g2, 264, table, s2), put8(g3, 264, table, s3)
		s0, s1, s2, s3 = put8(g0, 272, table, s0), put8(g1, 272, table, s1), put8(g2, 272, table, s2), put8(g3, 272, table, s3)
		s0, s1, s2, s3 = put8(g0, 280, table, s0), put8(g1, 280, table, s1), put8(g2, 280, table, s2), put8(g3, 280, table, s3)
		s0, s1, s2, s3 = put8(g0, 288, table, s0), put8(g1, 288, table, s1), put8(g2, 288, table, s2), put8(g3, 288, table, s3)
		s0, s1, s2, s3 = put8(g0, 296, table, s0), put8(g1, 296, table, s1), put8(g2, 296, table, s2), put8(g3, 296, table, s3)
		s0, s1, s2, s3 = putNL(g0, 304, 0, table, s0), putNL(g1, 304, 0, table, s1), putNL(g2, 304, 0, table, s2), putNL(g3, 304, 0, table, s3)
		s0, s1, s2, s3 = put8(g0, 312, table, s0), put8(g1, 312, table, s1), put8(g2, 312, table, s2), put8(g3, 312, table, s3)
		s0, s1, s2, s3 = put8(g0, 320, table, s0), put8(g1, 320, table, s1), put8(g2, 320, table, s2), put8(g3, 320, table, s3)
		s0, s1, s2, s3 = put8(g0, 328, table, s0), put8(g1, 328, table, s1), put8(g2, 328, table, s2), put8(g3, 328, table, s3)
		s0, s1, s2, s3 = put8(g0, 336, table, s0), put8(g1, 336, table, s1), put8(g2, 336, table, s2), put8(g3, 336, table, s3)
		s0, s1, s2, s3 = put8(g0, 344, table, s0), put8(g1, 344, table, s1), put8(g2, 344, table, s2), put8(g3, 344, table, s3)
		s0, s1, s2, s3 = put8(g0, 352, table, s0), put8(g1, 352, table, s1), put8(g2, 352, table, s2), put8(g3, 352, table, s3)
		s0, s1, s2, s3 = putNL(g0, 360, 5, table, s0), putNL(g1, 360, 5, table, s1), putNL(g2, 360, 5, table, s2), putNL(g3, 360, 5, table, s3)
		s0, s1, s2, s3 = put8(g0, 368, table, s0), put8(g1, 368, table, s1), put8(g2, 368, table, s2), put8(g3, 368, table, s3)
		s0, s1, s2, s3 = put8(g0, 376, table, s0), put8(g1, 376, table, s1), put8(g2, 376, table, s2), put8(g3, 376, table, s3)
		s0, s1, s2, s3 = put8(g0, 384, table, s0), put8(g1, 384, table, s1), put8(g2, 384, table, s2), put8(g3, 384, table, s3)
		s0, s1, s2, s3 = put8(g0, 392, table, s0), put8(g1, 392, table, s1), put8(g2, 392, table, s2), put8(g3, 392, table, s3)
		s0, s1, s2, s3 = put8(g0, 400, table, s0), put8(g1, 400, table, s1), put8(g2, 400, table, s2), put8(g3, 400, table, s3)
		s0, s1, s2, s3 = put8(g0, 408, table, s0), put8(g1, 408, table, s1), put8(g2, 408, table, s2), put8(g3, 408, table, s3)
		s0, s1, s2, s3 = put8(g0, 416, table, s0), put8(g1, 416, table, s1), put8(g2, 416, table, s2), put8(g3, 416, table, s3)
		s0, s1, s2, s3 = putNL(g0, 424, 2, table, s0), putNL(g1, 424, 2, table, s1), putNL(g2, 424, 2, table, s2), putNL(g3, 424, 2, table, s3)
		s0, s1, s2, s3 = put8(g0, 432, table, s0), put8(g1, 432, table, s1), put8(g2, 432, table, s2), put8(g3, 432, table, s3)
		s0, s1, s2, s3 = put8(g0, 440, table, s0), put8(g1, 440, table, s1), put8(g2, 440, table, s2), put8(g3, 440, table, s3)
		s0, s1, s2, s3 = put8(g0, 448, table, s0), put8(g1, 448, table, s1), put8(g2, 448, table, s2), put8(g3, 448, table, s3)
		s0, s1, s2, s3 = put8(g0, 456, table, s0), put8(g1, 456, table, s1), put8(g2, 456, table, s2), put8(g3, 456, table, s3)
		s0, s1, s2, s3 = put8(g0, 464, table, s0), put8(g1, 464, table, s1), put8(g2, 464, table, s2), put8(g3, 464, table, s3)
		s0, s1, s2, s3 = put8(g0, 472, table, s0), put8(g1, 472, table, s1), put8(g2, 472, table, s2), put8(g3, 472, table, s3)
		s0, s1, s2, s3 = putNL(g0, 480, 7, table, s0), putNL(g1, 480, 7, table, s1), putNL(g2, 480, 7, table, s2), putNL(g3, 480, 7, table, s3)
		p0, p1, p2, p3 = p0+GROUP, p1+GROUP, p2+GROUP, p3+GROUP
	}
	c = [CHAINS]uint64{uint64(s0 % IM), uint64(s1 % IM), uint64(s2 % IM), uint64(s3 % IM)}
	pos = [CHAINS]int{p0, p1, p2, p3}
	// The rest, chain by chain: whole groups, then lines (the last chain's
	// short line included).
	var maps [9][2]uint64
	for t := range maps {
		maps[t][0], maps[t][1] = lcgMap(uint64(t))
	}
	var word [8]byte
	for k := 0; k < CHAINS; k++ {
		p, s := pos[k], c[k]
		left := left[k] - rounds*GROUP_LINES*LINE
		for ; left >= GROUP_LINES*LINE; left -= GROUP_LINES * LINE {
			s = uint64(putGroup((*[GROUP]byte)(out[p:]), table, uint32(s)) % IM)
			p += GROUP
		}
		for left > 0 {
			m := min(left, LINE)
			for done := 0; done < m; {
				take := min(m-done, 8)
				binary.LittleEndian.PutUint64(word[:], table[s])
				copy(out[p:p+take], word[:take])
				s = (s*maps[take][0] + maps[take][1]) % IM
				p += take
				done += take
			}
			out[p] = '\n'
			p++
			left -= m
		}
	}
	return lines*(LINE+1) - (lines*LINE - chars)
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

type section struct {
	header string
	genes  []gene
	table  *[IM]uint64
	seed   uint64
	chars  int
	blocks int
}

// locate finds block b of all the random sections together: the section
// and the letter offset inside it.
func locate(sections []section, b int) (int, int) {
	for i, s := range sections {
		if b < s.blocks {
			return i, b * BLOCK_CHARS
		}
		b -= s.blocks
	}
	panic("block beyond the last section")
}

func repeatFasta(out *bufio.Writer, header string, count int) {
	out.WriteString(header)
	// The line starts repeat after len(ALU) lines (60 and 287 are coprime):
	// build that period once, a few times over for large writes (larger
	// than the writer's buffer, so they go straight to the file).
	n := len(ALU)
	twice := ALU + ALU
	period := make([]byte, 0, n*(LINE+1))
	k := 0
	for i := 0; i < n; i++ {
		period = append(period, twice[k:k+LINE]...)
		period = append(period, '\n')
		k = (k + LINE) % n
	}
	periodChars := n * LINE
	done := 0
	const reps = 16
	big := bytes.Repeat(period, reps)
	for ; done+reps*periodChars <= count; done += reps * periodChars {
		out.Write(big)
	}
	for ; done+periodChars <= count; done += periodChars {
		out.Write(period)
	}
	rest := count - done
	full := rest / LINE
	out.Write(period[:full*(LINE+1)])
	if rest%LINE != 0 {
		k := full * LINE % n
		out.WriteString(twice[k : k+rest%LINE])
		out.WriteByte('\n')
	}
}

type filled struct {
	buf []byte
	n   int
}

func main() {
	n := 25000000
	if len(os.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(os.Args[1]); err != nil {
			panic(err)
		}
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()

	sections := []section{
		{header: ">TWO IUB ambiguity codes\n", genes: iub, chars: 3 * n},
		{header: ">THREE Homo sapiens frequency\n", genes: homoSapiens, chars: 5 * n},
	}
	seed := uint64(SEED)
	total := 0
	for i := range sections {
		s := &sections[i]
		s.seed = seed
		s.blocks = (s.chars + BLOCK_CHARS - 1) / BLOCK_CHARS
		total += s.blocks
		seed = lcgJump(seed, uint64(s.chars))
	}
	// The tables are built, and the workers fill their first blocks, while
	// main writes the repeated section (the workers wait for the tables).
	var tables sync.WaitGroup
	for i := range sections {
		tables.Add(1)
		go func(s *section) {
			s.table = makeTable8(s.genes)
			tables.Done()
		}(&sections[i])
	}
	workers := runtime.NumCPU()
	if workers > total {
		workers = total
	}

	ready := make([]chan filled, workers)
	back := make([]chan []byte, workers)
	for w := 0; w < workers; w++ {
		ready[w] = make(chan filled, BUFFERS_PER_WORKER)
		back[w] = make(chan []byte, BUFFERS_PER_WORKER)
		for i := 0; i < BUFFERS_PER_WORKER; i++ {
			back[w] <- make([]byte, BLOCK_BYTES)
		}
		go func(w int) {
			tables.Wait()
			for b := w; b < total; b += workers {
				buf := <-back[w]
				si, offset := locate(sections, b)
				s := &sections[si]
				chars := s.chars - offset
				if chars > BLOCK_CHARS {
					chars = BLOCK_CHARS
				}
				ready[w] <- filled{buf, fill(buf, s.table, lcgJump(s.seed, uint64(offset)), chars)}
			}
		}(w)
	}
	repeatFasta(out, ">ONE Homo sapiens alu\n", 2*n)
	for b := 0; b < total; b++ {
		si, offset := locate(sections, b)
		if offset == 0 {
			out.WriteString(sections[si].header)
		}
		f := <-ready[b%workers]
		// A block is far larger than the writer's buffer, so this goes
		// straight to the file after what is buffered.
		out.Write(f.buf[:f.n])
		back[b%workers] <- f.buf
	}
	// A section too short for any block still prints its header.
	for _, s := range sections {
		if s.blocks == 0 {
			out.WriteString(s.header)
		}
	}
}
