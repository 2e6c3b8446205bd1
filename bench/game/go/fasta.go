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
//   - every chain's run is PER = 2048 lines, a constant STRIDE (PER*61
//     bytes) after the previous chain's, and every chain runs as many
//     groups as the first chain has lines (in a section's short last block
//     too: what they write past its last line is never written out; the
//     short last line's letters are right, only its newline is set
//     afterwards), so all chains' cells are at constant offsets from one
//     group offset; there is no code for leftover groups or lines;
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
// indexing the table with s%IM and storing through one *[WINDOW]byte
// (group g of all chains) at constant offsets leave the compiler no bounds
// check per cell, only two per group of all chains; that group is filled by
// a function of its own, putGroups, so that the window is one register
// (inlined into fill, it took two and the register allocator added three
// moves to most cells); the two tables are built by goroutines while main
// writes the repeated section.
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
// shared 2-core machine); on one CPU, 53.5 against 48.9 ms of CPU. Until
// later still, each chain's run was ceil(lines/4) lines (rounded up to
// whole groups) with an offset of its own, and the chains' leftover groups
// and lines were filled chain by chain: fill alone, one goroutine, best of
// 100 times 100 blocks, took about 9.9 to 10.4 ms against 9.7 to 10.0 now
// (eight chains with the stride, 9.8 to 10.1); with perf stat -r 21,
// alternating them, on the shared 2-core machine under load, medians of 98
// runs 54.8 against 54.7 ms of CPU and 56.9 against 55.6 ms wall, the new
// one faster in 62 and 68 of the pairs; on one CPU (perf stat -r 5, 20
// runs) 50.4 against 50.0 ms of CPU. Eight chains with the stride were
// slower in perf stat: 55.3 against 53.4 ms of CPU, 57.6 against 55.6
// wall, medians of 12.)
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

// put8 stores the eight letters from state s%IM at byte o of a window and
// returns the state eight steps on, unreduced (below (IM-1)*M8 + A8 <
// 2^32). Reducing at the index, table[s%IM], is what lets the compiler drop
// the bounds check; the reduced value serves the multiply too.
func put8(g *[WINDOW]byte, o int, table *[IM]uint64, s uint32) uint32 {
	binary.LittleEndian.PutUint64(g[o:], table[s%IM])
	return s%IM*M8 + A8
}

// putNL stores the cell at byte o of a window that holds a newline, at its
// byte a, and seven letters from state s%IM: the first seven of its word,
// those from byte a on moved up a byte. It returns the state seven steps
// on, unreduced (at most K7 < 2^32). With o and a constant the masks fold.
func putNL(g *[WINDOW]byte, o int, a uint, table *[IM]uint64, s uint32) uint32 {
	x := table[s%IM]
	low := uint64(1)<<(8*a) - 1
	binary.LittleEndian.PutUint64(g[o:], x&low|'\n'<<(8*a)|x<<8&^(low<<8|0xff))
	return K7 - s%IM*N7
}

// PER is the number of lines of each chain's run in a block (whole groups),
// STRIDE the bytes from the start of one chain's run to the next's: a
// constant, so all chains' cells are at constant offsets from one group
// offset. WINDOW is the bytes that group g of all chains spans.
const (
	PER    = BLOCK_LINES / CHAINS
	STRIDE = PER * (LINE + 1)
	WINDOW = (CHAINS-1)*STRIDE + GROUP
)

// putGroups fills group g of every chain, in the window w from chain 0's
// group g on, from the chains' states, and returns the states after them,
// unreduced. A function of its own, so that the window is one register.
//
//go:noinline
func putGroups(w *[WINDOW]byte, table *[IM]uint64, s0, s1, s2, s3 uint32) (uint32, uint32, uint32, uint32) {
	s0, s1, s2, s3 = put8(w, 0, table, s0), put8(w, 0+1*STRIDE, table, s1), put8(w, 0+2*STRIDE, table, s2), put8(w, 0+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 8, table, s0), put8(w, 8+1*STRIDE, table, s1), put8(w, 8+2*STRIDE, table, s2), put8(w, 8+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 16, table, s0), put8(w, 16+1*STRIDE, table, s1), put8(w, 16+2*STRIDE, table, s2), put8(w, 16+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 24, table, s0), put8(w, 24+1*STRIDE, table, s1), put8(w, 24+2*STRIDE, table, s2), put8(w, 24+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 32, table, s0), put8(w, 32+1*STRIDE, table, s1), put8(w, 32+2*STRIDE, table, s2), put8(w, 32+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 40, table, s0), put8(w, 40+1*STRIDE, table, s1), put8(w, 40+2*STRIDE, table, s2), put8(w, 40+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 48, table, s0), put8(w, 48+1*STRIDE, table, s1), put8(w, 48+2*STRIDE, table, s2), put8(w, 48+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 56, 4, table, s0), putNL(w, 56+1*STRIDE, 4, table, s1), putNL(w, 56+2*STRIDE, 4, table, s2), putNL(w, 56+3*STRIDE, 4, table, s3)
	s0, s1, s2, s3 = put8(w, 64, table, s0), put8(w, 64+1*STRIDE, table, s1), put8(w, 64+2*STRIDE, table, s2), put8(w, 64+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 72, table, s0), put8(w, 72+1*STRIDE, table, s1), put8(w, 72+2*STRIDE, table, s2), put8(w, 72+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 80, table, s0), put8(w, 80+1*STRIDE, table, s1), put8(w, 80+2*STRIDE, table, s2), put8(w, 80+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 88, table, s0), put8(w, 88+1*STRIDE, table, s1), put8(w, 88+2*STRIDE, table, s2), put8(w, 88+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 96, table, s0), put8(w, 96+1*STRIDE, table, s1), put8(w, 96+2*STRIDE, table, s2), put8(w, 96+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 104, table, s0), put8(w, 104+1*STRIDE, table, s1), put8(w, 104+2*STRIDE, table, s2), put8(w, 104+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 112, table, s0), put8(w, 112+1*STRIDE, table, s1), put8(w, 112+2*STRIDE, table, s2), put8(w, 112+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 120, 1, table, s0), putNL(w, 120+1*STRIDE, 1, table, s1), putNL(w, 120+2*STRIDE, 1, table, s2), putNL(w, 120+3*STRIDE, 1, table, s3)
	s0, s1, s2, s3 = put8(w, 128, table, s0), put8(w, 128+1*STRIDE, table, s1), put8(w, 128+2*STRIDE, table, s2), put8(w, 128+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 136, table, s0), put8(w, 136+1*STRIDE, table, s1), put8(w, 136+2*STRIDE, table, s2), put8(w, 136+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 144, table, s0), put8(w, 144+1*STRIDE, table, s1), put8(w, 144+2*STRIDE, table, s2), put8(w, 144+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 152, table, s0), put8(w, 152+1*STRIDE, table, s1), put8(w, 152+2*STRIDE, table, s2), put8(w, 152+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 160, table, s0), put8(w, 160+1*STRIDE, table, s1), put8(w, 160+2*STRIDE, table, s2), put8(w, 160+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 168, table, s0), put8(w, 168+1*STRIDE, table, s1), put8(w, 168+2*STRIDE, table, s2), put8(w, 168+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 176, 6, table, s0), putNL(w, 176+1*STRIDE, 6, table, s1), putNL(w, 176+2*STRIDE, 6, table, s2), putNL(w, 176+3*STRIDE, 6, table, s3)
	s0, s1, s2, s3 = put8(w, 184, table, s0), put8(w, 184+1*STRIDE, table, s1), put8(w, 184+2*STRIDE, table, s2), put8(w, 184+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 192, table, s0), put8(w, 192+1*STRIDE, table, s1), put8(w, 192+2*STRIDE, table, s2), put8(w, 192+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 200, table, s0), put8(w, 200+1*STRIDE, table, s1), put8(w, 200+2*STRIDE, table, s2), put8(w, 200+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 208, table, s0), put8(w, 208+1*STRIDE, table, s1), put8(w, 208+2*STRIDE, table, s2), put8(w, 208+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 216, table, s0), put8(w, 216+1*STRIDE, table, s1), put8(w, 216+2*STRIDE, table, s2), put8(w, 216+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 224, table, s0), put8(w, 224+1*STRIDE, table, s1), put8(w, 224+2*STRIDE, table, s2), put8(w, 224+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 232, table, s0), put8(w, 232+1*STRIDE, table, s1), put8(w, 232+2*STRIDE, table, s2), put8(w, 232+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 240, 3, table, s0), putNL(w, 240+1*STRIDE, 3, table, s1), putNL(w, 240+2*STRIDE, 3, table, s2), putNL(w, 240+3*STRIDE, 3, table, s3)
	s0, s1, s2, s3 = put8(w, 248, table, s0), put8(w, 248+1*STRIDE, table, s1), put8(w, 248+2*STRIDE, table, s2), put8(w, 248+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 256, table, s0), put8(w, 256+1*STRIDE, table, s1), put8(w, 256+2*STRIDE, table, s2), put8(w, 256+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 264, table, s0), put8(w, 264+1*STRIDE, table, s1), put8(w, 264+2*STRIDE, table, s2), put8(w, 264+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 272, table, s0), put8(w, 272+1*STRIDE, table, s1), put8(w, 272+2*STRIDE, table, s2), put8(w, 272+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 280, table, s0), put8(w, 280+1*STRIDE, table, s1), put8(w, 280+2*STRIDE, table, s2), put8(w, 280+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 288, table, s0), put8(w, 288+1*STRIDE, table, s1), put8(w, 288+2*STRIDE, table, s2), put8(w, 288+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 296, table, s0), put8(w, 296+1*STRIDE, table, s1), put8(w, 296+2*STRIDE, table, s2), put8(w, 296+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 304, 0, table, s0), putNL(w, 304+1*STRIDE, 0, table, s1), putNL(w, 304+2*STRIDE, 0, table, s2), putNL(w, 304+3*STRIDE, 0, table, s3)
	s0, s1, s2, s3 = put8(w, 312, table, s0), put8(w, 312+1*STRIDE, table, s1), put8(w, 312+2*STRIDE, table, s2), put8(w, 312+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 320, table, s0), put8(w, 320+1*STRIDE, table, s1), put8(w, 320+2*STRIDE, table, s2), put8(w, 320+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 328, table, s0), put8(w, 328+1*STRIDE, table, s1), put8(w, 328+2*STRIDE, table, s2), put8(w, 328+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 336, table, s0), put8(w, 336+1*STRIDE, table, s1), put8(w, 336+2*STRIDE, table, s2), put8(w, 336+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 344, table, s0), put8(w, 344+1*STRIDE, table, s1), put8(w, 344+2*STRIDE, table, s2), put8(w, 344+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 352, table, s0), put8(w, 352+1*STRIDE, table, s1), put8(w, 352+2*STRIDE, table, s2), put8(w, 352+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 360, 5, table, s0), putNL(w, 360+1*STRIDE, 5, table, s1), putNL(w, 360+2*STRIDE, 5, table, s2), putNL(w, 360+3*STRIDE, 5, table, s3)
	s0, s1, s2, s3 = put8(w, 368, table, s0), put8(w, 368+1*STRIDE, table, s1), put8(w, 368+2*STRIDE, table, s2), put8(w, 368+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 376, table, s0), put8(w, 376+1*STRIDE, table, s1), put8(w, 376+2*STRIDE, table, s2), put8(w, 376+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 384, table, s0), put8(w, 384+1*STRIDE, table, s1), put8(w, 384+2*STRIDE, table, s2), put8(w, 384+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 392, table, s0), put8(w, 392+1*STRIDE, table, s1), put8(w, 392+2*STRIDE, table, s2), put8(w, 392+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 400, table, s0), put8(w, 400+1*STRIDE, table, s1), put8(w, 400+2*STRIDE, table, s2), put8(w, 400+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 408, table, s0), put8(w, 408+1*STRIDE, table, s1), put8(w, 408+2*STRIDE, table, s2), put8(w, 408+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 416, table, s0), put8(w, 416+1*STRIDE, table, s1), put8(w, 416+2*STRIDE, table, s2), put8(w, 416+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 424, 2, table, s0), putNL(w, 424+1*STRIDE, 2, table, s1), putNL(w, 424+2*STRIDE, 2, table, s2), putNL(w, 424+3*STRIDE, 2, table, s3)
	s0, s1, s2, s3 = put8(w, 432, table, s0), put8(w, 432+1*STRIDE, table, s1), put8(w, 432+2*STRIDE, table, s2), put8(w, 432+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 440, table, s0), put8(w, 440+1*STRIDE, table, s1), put8(w, 440+2*STRIDE, table, s2), put8(w, 440+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 448, table, s0), put8(w, 448+1*STRIDE, table, s1), put8(w, 448+2*STRIDE, table, s2), put8(w, 448+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 456, table, s0), put8(w, 456+1*STRIDE, table, s1), put8(w, 456+2*STRIDE, table, s2), put8(w, 456+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 464, table, s0), put8(w, 464+1*STRIDE, table, s1), put8(w, 464+2*STRIDE, table, s2), put8(w, 464+3*STRIDE, table, s3)
	s0, s1, s2, s3 = put8(w, 472, table, s0), put8(w, 472+1*STRIDE, table, s1), put8(w, 472+2*STRIDE, table, s2), put8(w, 472+3*STRIDE, table, s3)
	s0, s1, s2, s3 = putNL(w, 480, 7, table, s0), putNL(w, 480+1*STRIDE, 7, table, s1), putNL(w, 480+2*STRIDE, 7, table, s2), putNL(w, 480+3*STRIDE, 7, table, s3)
	return s0, s1, s2, s3
}

// fill writes chars letters (lines of 60, each ending in a newline) whose
// states follow seed into the block buffer out, and returns the bytes
// written. Chain k takes lines [k*PER, (k+1)*PER), so each chain's run is
// whole groups of 61 aligned cells: per group of eight lines a chain makes
// 61 stores and steps (put8 and putNL). The chains go together, interleaved
// cell by cell (written out: the offsets and the newlines' bytes are
// constants), and every chain runs as many groups as the first has lines
// (all PER of them, but in a section's last block), so group g of chain k
// is at g*GROUP + k*STRIDE: the cells of all chains are at constant offsets
// in one window of the block (one bounds check a group). In a last block,
// whatever the groups write past its last line is never written out, and
// the letters of a short last line are right: only its newline, where the
// groups wrote a letter, is set afterwards.
func fill(out []byte, table *[IM]uint64, seed uint64, chars int) int {
	lines := (chars + LINE - 1) / LINE
	groups := (min(lines, PER) + GROUP_LINES - 1) / GROUP_LINES
	var s0, s1, s2, s3 uint32
	if groups > 0 {
		s0 = uint32(lcgJump(seed, 1))
		s1 = uint32(lcgJump(seed, uint64(1*PER*LINE)+1))
		s2 = uint32(lcgJump(seed, uint64(2*PER*LINE)+1))
		s3 = uint32(lcgJump(seed, uint64(3*PER*LINE)+1))
	}
	for p := 0; p < groups*GROUP; p += GROUP {
		w := (*[WINDOW]byte)(out[p:])
		s0, s1, s2, s3 = putGroups(w, table, s0, s1, s2, s3)
	}
	if chars%LINE != 0 {
		out[(lines-1)*(LINE+1)+chars%LINE] = '\n'
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
