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
//   - inside a block, four LCG chains, each filling a contiguous run of
//     lines from its own jumped state, processed together so that the
//     multiply and modulo of one chain need not wait for another's;
//   - main writes the blocks in order with large writes, handing each buffer
//     back to its worker: memory is bounded by the block size.
//
// What is particular to Go: the four chains are interleaved word by word
// (Go's compiler does not reorder, and that was faster than a line of one
// chain after a line of the other); the states are kept in uint32, so the
// quotient by IM is one 64-bit multiply and a shift rather than a 128-bit
// high multiply (the unreduced next state, at most (IM-1)*M4 + A4, fits in
// 32 bits); indexing the table with s%IM and storing through
// *[LINE+1]byte leave the compiler no bounds check per word, only two per
// line and chain; the two tables are built by goroutines while main writes
// the repeated section.
//
// Not taken from the Rust reference, which is faster: its eight chains pay
// there because rustc steps them together in vector registers, which Go's
// compiler does not (measured before the uint32 states: 2, 3, 4, 6 and 8
// chains took 0.069, 0.059, 0.062, 0.064 and 0.065 s of CPU; three and four
// are within the noise, and four match the other programs); its bisection
// for the table build and its workers writing their own blocks would save
// a millisecond or two.
//
// (Until 2026-11-24 this program, like the Rust one, took one table load
// per letter and four interleaved chains stepping four states at a time:
// about 5 times slower, 0.17 s against 0.034 s wall for N = 25000000 on the
// quiet 2-core machine; 0.337 s in a run of bench/game/run.sh under load.)
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

// The maps of eight and of four LCG steps (lcgMap(8) and lcgMap(4), checked
// at start): constants, so that the compiler multiplies by immediates.
const (
	M8, A8 = 5665, 86296
	M4, A4 = 30193, 102668
)

func init() {
	if m, a := lcgMap(8); m != M8 || a != A8 {
		panic("M8, A8 are not the map of eight steps")
	}
	if m, a := lcgMap(4); m != M4 || a != A4 {
		panic("M4, A4 are not the map of four steps")
	}
}

// put8 stores the eight letters from state s%IM at line[o:] and returns the
// state eight steps on, unreduced (below (IM-1)*M8 + A8 < 2^32). Reducing
// at the index, table[s%IM], is what lets the compiler drop the bounds
// check; the reduced value serves the multiply too.
func put8(line *[LINE + 1]byte, o int, table *[IM]uint64, s uint32) uint32 {
	binary.LittleEndian.PutUint64(line[o:], table[s%IM])
	return s%IM*M8 + A8
}

// putEnd stores the four letters from state s%IM (the low half of its
// word), then the newline, and returns the state four steps on, unreduced
// (below (IM-1)*M4 + A4 < 2^32). Nothing after line[60] is touched: the
// next chain's first line may already be written.
func putEnd(line *[LINE + 1]byte, table *[IM]uint64, s uint32) uint32 {
	binary.LittleEndian.PutUint32(line[56:], uint32(table[s%IM]))
	line[60] = '\n'
	return s%IM*M4 + A4
}

// fill writes chars letters (lines of 60, each ending in a newline) whose
// states follow seed into out, and returns the bytes written. Chain k takes
// lines [k*per, (k+1)*per); a line is seven 8-byte stores of table words and
// a 4-byte store of half of one, then the newline (no store reaches past the
// line: the next chain's first line may already be written).
func fill(out []byte, table *[IM]uint64, seed uint64, chars int) int {
	lines := (chars + LINE - 1) / LINE
	per := (lines + CHAINS - 1) / CHAINS
	var c [CHAINS]uint64
	var pos, left [CHAINS]int
	rounds := lines
	for k := 0; k < CHAINS; k++ {
		first := min(k*per, lines)
		last := min((k+1)*per, lines)
		c[k] = lcgJump(seed, uint64(first*LINE)+1)
		pos[k] = first * (LINE + 1)
		left[k] = min(last*LINE, chars) - min(first*LINE, chars)
		rounds = min(rounds, left[k]/LINE)
	}
	// Whole lines of all chains together while every chain has one, the
	// chains interleaved word by word.
	s0, s1, s2, s3 := uint32(c[0]), uint32(c[1]), uint32(c[2]), uint32(c[3])
	p0, p1, p2, p3 := pos[0], pos[1], pos[2], pos[3]
	for r := 0; r < rounds; r++ {
		l0 := (*[LINE + 1]byte)(out[p0:])
		l1 := (*[LINE + 1]byte)(out[p1:])
		l2 := (*[LINE + 1]byte)(out[p2:])
		l3 := (*[LINE + 1]byte)(out[p3:])
		s0, s1, s2, s3 = put8(l0, 0, table, s0), put8(l1, 0, table, s1), put8(l2, 0, table, s2), put8(l3, 0, table, s3)
		s0, s1, s2, s3 = put8(l0, 8, table, s0), put8(l1, 8, table, s1), put8(l2, 8, table, s2), put8(l3, 8, table, s3)
		s0, s1, s2, s3 = put8(l0, 16, table, s0), put8(l1, 16, table, s1), put8(l2, 16, table, s2), put8(l3, 16, table, s3)
		s0, s1, s2, s3 = put8(l0, 24, table, s0), put8(l1, 24, table, s1), put8(l2, 24, table, s2), put8(l3, 24, table, s3)
		s0, s1, s2, s3 = put8(l0, 32, table, s0), put8(l1, 32, table, s1), put8(l2, 32, table, s2), put8(l3, 32, table, s3)
		s0, s1, s2, s3 = put8(l0, 40, table, s0), put8(l1, 40, table, s1), put8(l2, 40, table, s2), put8(l3, 40, table, s3)
		s0, s1, s2, s3 = put8(l0, 48, table, s0), put8(l1, 48, table, s1), put8(l2, 48, table, s2), put8(l3, 48, table, s3)
		s0, s1, s2, s3 = putEnd(l0, table, s0), putEnd(l1, table, s1), putEnd(l2, table, s2), putEnd(l3, table, s3)
		p0, p1, p2, p3 = p0+LINE+1, p1+LINE+1, p2+LINE+1, p3+LINE+1
	}
	c = [CHAINS]uint64{uint64(s0 % IM), uint64(s1 % IM), uint64(s2 % IM), uint64(s3 % IM)}
	pos = [CHAINS]int{p0, p1, p2, p3}
	// The rest, chain by chain (the last chain's short line included).
	var maps [9][2]uint64
	for t := range maps {
		maps[t][0], maps[t][1] = lcgMap(uint64(t))
	}
	var word [8]byte
	for k := 0; k < CHAINS; k++ {
		p, s := pos[k], c[k]
		for left := left[k] - rounds*LINE; left > 0; {
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
