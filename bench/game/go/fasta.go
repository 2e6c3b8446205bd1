// fasta (Computer Language Benchmarks Game), the Go reference for
// bench/game: the ALU sequence repeated, then two random DNA sequences drawn
// with the task's linear congruential generator (LCG). Written to be as fast
// as we can make it, in the manner of the fastest published Go program
// (goroutines filling blocks, written in order by main), with the same
// improvements as the Rust reference:
//
//   - a lookup table from every possible LCG state to its letter (the
//     task's float comparison done once per state, not once per letter);
//   - one worker goroutine per CPU, each filling whole blocks; a worker jumps
//     the LCG straight to its block's first state (affine maps compose), so
//     workers never wait for each other;
//   - inside a block, four interleaved LCG chains that each step four states
//     at a time, so one letter's multiply and modulo need not wait for the
//     previous letter's;
//   - main writes the blocks in order and hands each buffer back to its
//     worker: memory is bounded by the block size.
//
// Build: go build -o fasta fasta.go
// Run:   ./fasta 25000000 | md5sum   (fd55b9e8011c781131046b6dd87511e1)
package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
)

const (
	IM   = 139968
	IA   = 3877
	IC   = 29573
	SEED = 42

	LINE        = 60
	BLOCK_LINES = 1024
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

// fill writes chars letters (lines of 60, each ending in a newline) whose
// states follow seed into out, and returns the bytes written.
func fill(out []byte, table *[IM]byte, seed uint64, chars int) int {
	m4, a4 := lcgMap(4)
	// Chain j holds the state of the next letter whose index is j mod 4.
	s := seed
	var c [4]uint64
	for j := range c {
		s = (s*IA + IC) % IM
		c[j] = s
	}
	c0, c1, c2, c3 := c[0], c[1], c[2], c[3]
	pos := 0
	for left := chars; left > 0; {
		m := left
		if m > LINE {
			m = LINE
		}
		line := out[pos : pos+m+1]
		k := 0
		for ; k+4 <= m; k += 4 {
			q := line[k : k+4 : k+4]
			q[0] = table[c0]
			q[1] = table[c1]
			q[2] = table[c2]
			q[3] = table[c3]
			c0 = (c0*m4 + a4) % IM
			c1 = (c1*m4 + a4) % IM
			c2 = (c2*m4 + a4) % IM
			c3 = (c3*m4 + a4) % IM
		}
		// Only a section's last line can be short; its tail takes the
		// chains' next states in order.
		rest := [4]uint64{c0, c1, c2, c3}
		for t := 0; k < m; k, t = k+1, t+1 {
			line[k] = table[rest[t]]
		}
		line[m] = '\n'
		pos += m + 1
		left -= m
	}
	return pos
}

type section struct {
	header string
	table  *[IM]byte
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
	// build that period once and write it whole as often as it fits.
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

	repeatFasta(out, ">ONE Homo sapiens alu\n", 2*n)

	sections := []section{
		{header: ">TWO IUB ambiguity codes\n", table: makeTable(iub), chars: 3 * n},
		{header: ">THREE Homo sapiens frequency\n", table: makeTable(homoSapiens), chars: 5 * n},
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
