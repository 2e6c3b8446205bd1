// fasta (Computer Language Benchmarks Game), the Rust reference for
// bench/game: the ALU sequence repeated, then two random DNA sequences drawn
// with the task's linear congruential generator (LCG). Written to be as fast
// as we can make it with std only (no unsafe). It starts from the manner of
// the fastest published Rust and C programs (a lookup table from generator
// state to letter, worker threads filling blocks that are written in order)
// and goes further:
//
// - one worker thread per CPU, each filling whole blocks of output; a
//   worker jumps the LCG straight to its block's first state (affine maps
//   compose), so workers never wait for each other to fill;
// - a table entry per generator state holding the eight letters drawn from
//   that state and its next seven (the task's float comparison done once per
//   state, not once per letter), so one load and one 8-byte store give eight
//   letters, and the generator steps eight states at a time (the map of
//   eight steps is again one multiply and one modulo);
// - the output seen as aligned 8-byte cells: eight lines with their
//   newlines are 488 bytes, exactly 61 cells, of which 53 hold eight
//   letters (a table word; the generator steps eight states) and 8 hold a
//   newline, at byte 4, 1, 6, 3, 0, 5, 2 and 7 in turn, and seven letters
//   (the word's first seven, those after the newline moved up a byte; the
//   generator steps seven states): eight lines take 61 stores and steps,
//   not 72 stores (seven 8-byte ones, a 4-byte one and the newline byte a
//   line) and 64 steps;
// - inside a block, eight LCG chains, each filling a contiguous run of
//   whole groups of eight lines (so of whole cells) from its own jumped
//   state, interleaved cell by cell (all chains' cell j, then cell j + 1,
//   ...) so that the multiply and modulo of one chain need not wait for
//   another's: the compiler steps the chains together in vector registers;
// - every chain's run is PER = 1024 lines, a constant STRIDE (PER * 61
//   bytes) after the previous chain's, and every chain runs as many groups
//   as the first chain has lines (in a section's short last block too: what
//   they write past its last line is never written out; the short last
//   line's letters are right, only its newline is set afterwards), so all
//   chains' cells are at constant offsets from one group offset, and a
//   group's 61 cells are written out line by line (a line's cells of eight
//   letters, then its newline cell), the offsets and newline bytes
//   constants; there is no code for leftover groups or lines;
// - the states are u32 (the unreduced next state fits in 32 bits; for the
//   map of seven steps, whose multiplier is too large, by a negated
//   multiplier), so the modulo by IM is a 32-bit one, by constants (the
//   maps of eight and seven steps are computed at compile time), and group
//   g of all chains is one &mut [u8; WINDOW] window of the block (one
//   bounds check a group), so the cells' stores need none;
// - each worker writes its own blocks in their turn, with large writes, and
//   reuses its one buffer: memory is bounded by the block size;
// - start-up overlaps: while main writes the repeated section (16 periods
//   of the ALU line pattern at a time), the other worker builds the first
//   table and a thread of its own builds the second (each letter's run of
//   states found by bisection, the generator's cycle walked as two
//   interleaved stretches).
//
// bench/game/fasta.gos and go/fasta.go use the same algorithm. (Until
// 2026-11-24 this program took one table load per letter and four
// interleaved chains stepping four states at a time: about 6 times slower,
// 0.13 s against 0.020 s wall for N = 25000000 on the quiet 2-core
// machine. Then, for a few hours, it interleaved four chains line by line
// with u64 states, built the tables after the repeated section and handed
// blocks to main for writing: about 2 times slower, 0.038 s. Until later
// that day a line was seven 8-byte stores of table words, a 4-byte store
// and the newline byte, the chains interleaved word by word: 36.1 ms of
// CPU and 22.0 ms wall, against 33.6 and 21.0 ms with the cells (medians
// of 24 runs of perf stat -r 21, alternating the two, on the shared 2-core
// machine); on one CPU, 32.5 against 30.1 ms of CPU. Until later still,
// each chain's run was ceil(lines / 8) lines (rounded up to whole groups)
// with a pointer of its own, the chains' leftover groups and lines were
// filled chain by chain, and the cells went by one loop with a test per
// kind of cell: fill alone, one thread, best of 30 times 100 blocks, took
// about 6.25 ms against 5.5 ms now; the constant stride with that cell loop
// (6.2 ms) or the lines written out with eight pointers (5.6 to 6.5 ms,
// median 6.2) were each no faster alone. With perf stat -r 21, alternating
// the two, on the shared 2-core machine under load: medians of 85 runs
// 33.05 against 32.40 ms of CPU and 38.4 against 37.5 ms wall; of 27 in
// quieter moments 30.9 against 30.3 ms of CPU and 19.5 against 19.2 ms
// wall; on one CPU (perf stat -r 5, 20 runs) 31.6 against 30.6 ms of CPU.)
//
// Build: rustc --edition 2021 -C opt-level=3 -C target-cpu=native fasta.rs
// Run:   ./fasta 25000000 | md5sum   (fd55b9e8011c781131046b6dd87511e1)

use std::io::{self, Write};
use std::sync::{Barrier, Condvar, Mutex, OnceLock};
use std::thread;

const IM: u64 = 139968;
const IA: u64 = 3877;
const IC: u64 = 29573;
const SEED: u64 = 42;

const LINE: usize = 60;
/// Lines per block (500 KB): larger blocks mean fewer turns to wait for;
/// on the 2-core machine 4096 to 16384 were about as fast, 2048 slower.
const BLOCK_LINES: usize = 8192;
const BLOCK_CHARS: usize = BLOCK_LINES * LINE;
const BLOCK_BYTES: usize = BLOCK_LINES * (LINE + 1);

const ALU: &[u8] = b"GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG\
GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA\
CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT\
ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA\
GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG\
AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC\
AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA";

const IUB: &[(u8, f64)] = &[
    (b'a', 0.27),
    (b'c', 0.12),
    (b'g', 0.12),
    (b't', 0.27),
    (b'B', 0.02),
    (b'D', 0.02),
    (b'H', 0.02),
    (b'K', 0.02),
    (b'M', 0.02),
    (b'N', 0.02),
    (b'R', 0.02),
    (b'S', 0.02),
    (b'V', 0.02),
    (b'W', 0.02),
    (b'Y', 0.02),
];

const HOMO_SAPIENS: &[(u8, f64)] = &[(b'a', 0.3029549426680), (b'c', 0.1979883004921), (b'g', 0.1975473066391), (b't', 0.3015094502008)];

/// The affine map s -> mul * s + add (mod IM) of `k` LCG steps, built by
/// squaring: O(log k).
const fn lcg_map(mut k: u64) -> (u64, u64) {
    let (mut mul, mut add) = (1, 0);
    let (mut pm, mut pa) = (IA, IC);
    while k > 0 {
        if k & 1 == 1 {
            mul = mul * pm % IM;
            add = (add * pm + pa) % IM;
        }
        pa = (pa * pm + pa) % IM;
        pm = pm * pm % IM;
        k >>= 1;
    }
    (mul, add)
}

fn lcg_jump(seed: u64, k: u64) -> u64 {
    let (mul, add) = lcg_map(k);
    (mul * seed + add) % IM
}

/// The letter of every LCG state: the first whose cumulative probability
/// (an f64 sum in the task's order) exceeds state / IM. As state / IM only
/// grows with the state, each letter takes a run of states: its end is
/// found by bisection, with the same comparison.
fn make_table(genes: &[(u8, f64)]) -> Vec<u8> {
    let mut pick = vec![0u8; IM as usize];
    let (mut acc, mut from) = (0.0, 0);
    for (j, &(letter, p)) in genes.iter().enumerate() {
        acc += p;
        let mut to = IM as usize;
        if j + 1 < genes.len() {
            // The first state from `from` on that is not below acc.
            let mut lo = from;
            while lo < to {
                let mid = (lo + to) / 2;
                if (mid as f64 / IM as f64) < acc {
                    lo = mid + 1;
                } else {
                    to = mid;
                }
            }
        }
        pick[from..to].fill(letter);
        from = to;
    }
    pick
}

/// Stretches of the generator's cycle walked together in `make_table8`, so
/// that the modulo of one need not wait for another's: 2 was faster than 1,
/// as fast as 4 and 8.
const WALKS: usize = 2;
const _: () = assert!(IM as usize % WALKS == 0);

/// The eight letters drawn from every state and its next seven: letter k
/// (of state g^k(s), g one step of the generator) in byte k, little-endian,
/// so one load gives eight consecutive output letters. The generator's
/// period is IM, so one walk around its cycle meets every state: a window
/// of the next eight letters gives each entry with one load and two steps.
/// The cycle is walked as WALKS stretches from jumped states.
fn make_table8(genes: &[(u8, f64)]) -> Vec<u64> {
    let pick = make_table(genes);
    let pick: &[u8; IM as usize] = pick.as_slice().try_into().expect("one letter per state");
    // s * IA + IC < 2^32 for every state s.
    let step = |s: u32| (s * IA as u32 + IC as u32) % IM32;
    let mut table = vec![0u64; IM as usize];
    let entries: &mut [u64; IM as usize] = table.as_mut_slice().try_into().expect("one word per state");
    let stretch = IM as usize / WALKS;
    let mut s: [u32; WALKS] = std::array::from_fn(|k| lcg_jump(0, (k * stretch) as u64) as u32);
    let mut ahead = s;
    let mut window = [0u64; WALKS];
    for i in 0..8 {
        for k in 0..WALKS {
            window[k] |= (pick[ahead[k] as usize] as u64) << (8 * i);
            ahead[k] = step(ahead[k]);
        }
    }
    for _ in 0..stretch {
        for k in 0..WALKS {
            entries[s[k] as usize] = window[k];
            window[k] = (window[k] >> 8) | ((pick[ahead[k] as usize] as u64) << 56);
            ahead[k] = step(ahead[k]);
            s[k] = step(s[k]);
        }
    }
    table
}

/// Chains per block: each fills a contiguous run of whole groups of eight
/// lines, so the multiply and modulo of one chain need not wait for
/// another's; 8 was faster than 4 and 16, as fast as 6 and 12 (with the
/// cells, again faster than 4 and than 16, as two vectors of 8).
const CHAINS: usize = 8;

/// Eight lines with their newlines are 488 bytes: exactly 61 aligned
/// 8-byte cells, the unit a chain fills at a time.
const GROUP_LINES: usize = 8;
const GROUP: usize = GROUP_LINES * (LINE + 1);
const CELLS: usize = GROUP / 8;
const _: () = assert!(GROUP % 8 == 0);

/// The lines of a group as cells: for line i, its first cell, the number
/// of cells after it that hold eight letters each, then the cell with its
/// newline and at which byte: (0, 7, 4), (8, 7, 1), (16, 6, 6), (23, 7, 3),
/// (31, 7, 0), (39, 6, 5), (46, 7, 2), (54, 6, 7); the newline cells are 7,
/// 15, 22, 30, 38, 45, 53 and 60.
const LINES: [(usize, usize, usize); GROUP_LINES] = {
    let mut lines = [(0, 0, 0); GROUP_LINES];
    let (mut i, mut first) = (0, 0);
    while i < GROUP_LINES {
        let at = i * (LINE + 1) + LINE;
        lines[i] = (first, at / 8 - first, at % 8);
        first = at / 8 + 1;
        i += 1;
    }
    lines
};
const _: () = assert!(LINES[GROUP_LINES - 1].0 + LINES[GROUP_LINES - 1].1 + 1 == CELLS);

/// The maps of eight and seven LCG steps, as constants so that the
/// compiler multiplies by immediates.
const MAP8: (u64, u64) = lcg_map(8);
const MAP7: (u64, u64) = lcg_map(7);
const IM32: u32 = IM as u32;
const M8: u32 = MAP8.0 as u32;
const A8: u32 = MAP8.1 as u32;
// The unreduced next state fits in 32 bits, so the states are u32 and the
// modulo by IM is a 32-bit one (the quotient is a multiply and a shift).
const _: () = assert!((IM - 1) * MAP8.0 + MAP8.1 <= u32::MAX as u64);
// M7 is too large for that, but M7 * s and -(IM - M7) * s are equal modulo
// IM: the map of seven steps is K7 - N7 * s, then the modulo, with
// N7 = IM - M7 and K7 = A7 + N7 * IM (below 2^32, above N7 * s).
const N7: u32 = (IM - MAP7.0) as u32;
const K7: u32 = (MAP7.1 + (IM - MAP7.0) * IM) as u32;
const _: () = assert!(MAP7.1 + (IM - MAP7.0) * IM <= u32::MAX as u64);

/// Stores, at byte `at` of `w`, a cell of eight letters from state
/// `s % IM` (its table word) and returns the state eight steps on,
/// unreduced.
#[inline(always)]
fn put_word<const N: usize>(w: &mut [u8; N], at: usize, table: &[u64; IM as usize], s: u32) -> u32 {
    let r = s % IM32;
    w[at..at + 8].copy_from_slice(&table[r as usize].to_le_bytes());
    r * M8 + A8
}

/// Stores, at byte `at` of `w`, a cell with a newline at its byte `a` and
/// seven letters from state `s % IM`: the first seven of its table word,
/// those from byte `a` on moved up a byte. Returns the state seven steps
/// on, unreduced.
#[inline(always)]
fn put_nl<const N: usize>(w: &mut [u8; N], at: usize, a: usize, table: &[u64; IM as usize], s: u32) -> u32 {
    let r = s % IM32;
    let x = table[r as usize];
    let low = (1u64 << (8 * a)) - 1;
    let high = if a == 7 { 0 } else { u64::MAX << (8 * (a + 1)) };
    let v = (x & low) | ((b'\n' as u64) << (8 * a)) | ((x << 8) & high);
    w[at..at + 8].copy_from_slice(&v.to_le_bytes());
    K7 - N7 * r
}

/// Lines of each chain's run in a block (whole groups), and the bytes from
/// the start of one chain's run to the next's: a constant, so all chains'
/// cells are at constant offsets from one group offset.
const PER: usize = BLOCK_LINES / CHAINS;
const STRIDE: usize = PER * (LINE + 1);
const _: () = assert!(PER % GROUP_LINES == 0);
/// The bytes that group g of all chains spans, from chain 0's group g.
const WINDOW: usize = (CHAINS - 1) * STRIDE + GROUP;

/// Fills the block buffer `out` with `chars` letters (lines of 60, each
/// ending in a newline) whose states follow `seed`; returns the bytes
/// written. Chain k takes lines [k * PER, (k + 1) * PER), so each chain's
/// run is whole groups of 61 aligned cells (see LINES): per group of
/// eight lines a chain makes 61 stores and steps. The chains go together,
/// interleaved cell by cell, and every chain runs as many groups as the
/// first has lines (all PER of them, but in a section's last block), so
/// group g of chain k is at g * GROUP + k * STRIDE: the cells of all
/// chains are at constant offsets in one window of the block (one bounds
/// check a group). In a last block, whatever the groups write past its
/// last line is never written out, and the letters of a short last line
/// are right: only its newline, where the groups wrote a letter, is set
/// afterwards.
fn fill(out: &mut [u8], table: &[u64], seed: u64, chars: usize) -> usize {
    let table: &[u64; IM as usize] = table.try_into().expect("one word per state");
    let out: &mut [u8; BLOCK_BYTES] = out.try_into().expect("a block buffer");
    let lines = chars.div_ceil(LINE);
    let groups = lines.min(PER).div_ceil(GROUP_LINES);
    let mut s: [u32; CHAINS] = std::array::from_fn(|k| lcg_jump(seed, (k * PER * LINE) as u64 + 1) as u32);
    for g in 0..groups {
        let w: &mut [u8; WINDOW] = (&mut out[g * GROUP..g * GROUP + WINDOW]).try_into().expect("a window");
        // Line by line: its cells of eight letters, all chains cell by
        // cell, then its newline cell, all chains. Written out per line (a
        // loop over LINES came out scalar), so that offsets and newline
        // bytes are constants and the compiler steps the chains together in
        // vector registers.
        macro_rules! line {
            ($i:literal) => {{
                const FIRST: usize = LINES[$i].0;
                const NL: usize = FIRST + LINES[$i].1;
                for j in FIRST..NL {
                    for k in 0..CHAINS {
                        s[k] = put_word(w, k * STRIDE + 8 * j, table, s[k]);
                    }
                }
                for k in 0..CHAINS {
                    s[k] = put_nl(w, k * STRIDE + 8 * NL, LINES[$i].2, table, s[k]);
                }
            }};
        }
        line!(0);
        line!(1);
        line!(2);
        line!(3);
        line!(4);
        line!(5);
        line!(6);
        line!(7);
    }
    if chars % LINE != 0 {
        out[(lines - 1) * (LINE + 1) + chars % LINE] = b'\n';
    }
    lines * (LINE + 1) - (lines * LINE - chars)
}

/// A random section: its header, letter probabilities, table (built at
/// start-up by one thread), first state and length.
struct Section {
    header: &'static [u8],
    genes: &'static [(u8, f64)],
    table: OnceLock<Vec<u64>>,
    seed: u64,
    chars: usize,
    blocks: usize,
}

/// Block `b` of all the random sections together: the section and the
/// letter offset inside it.
fn locate(sections: &[Section], mut b: usize) -> (usize, usize) {
    for (i, s) in sections.iter().enumerate() {
        if b < s.blocks {
            return (i, b * BLOCK_CHARS);
        }
        b -= s.blocks;
    }
    unreachable!("block beyond the last section")
}

fn repeat_fasta(out: &mut impl Write, header: &[u8], count: usize) -> io::Result<()> {
    out.write_all(header)?;
    // The line starts repeat after ALU.len() lines (60 and 287 are coprime):
    // build that period once, a few times over for large writes.
    let n = ALU.len();
    let twice: Vec<u8> = ALU.iter().chain(ALU.iter()).copied().collect();
    let mut period = Vec::with_capacity(n * (LINE + 1));
    let mut k = 0;
    for _ in 0..n {
        period.extend_from_slice(&twice[k..k + LINE]);
        period.push(b'\n');
        k = (k + LINE) % n;
    }
    let period_chars = n * LINE;
    let mut done = 0;
    let reps = 16;
    let big = period.repeat(reps);
    while done + reps * period_chars <= count {
        out.write_all(&big)?;
        done += reps * period_chars;
    }
    while done + period_chars <= count {
        out.write_all(&period)?;
        done += period_chars;
    }
    let rest = count - done;
    let full = rest / LINE;
    out.write_all(&period[..full * (LINE + 1)])?;
    if rest % LINE != 0 {
        let k = full * LINE % n;
        out.write_all(&twice[k..k + rest % LINE])?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Whose turn it is to write: the next block to go out, or ABORT once a
/// write has failed.
struct Turn {
    next: Mutex<usize>,
    changed: Condvar,
}
const ABORT: usize = usize::MAX;
/// The turn while main writes the repeated section.
const REPEAT: usize = usize::MAX - 1;

impl Turn {
    /// Waits for block `b`'s turn; false if a write has failed.
    fn wait_for(&self, b: usize) -> bool {
        let mut next = self.next.lock().expect("turn lock");
        while *next != b && *next != ABORT {
            next = self.changed.wait(next).expect("turn lock");
        }
        *next == b
    }
    fn pass(&self, to: usize) {
        *self.next.lock().expect("turn lock") = to;
        self.changed.notify_all();
    }
}

/// Worker `w`: builds table `builds` if given, waits for all tables, then
/// fills blocks w, w + workers, ... and writes each in its turn.
fn work(w: usize, workers: usize, sections: &[Section], total_blocks: usize, builds: Option<usize>, tables_built: &Barrier, turn: &Turn) -> io::Result<()> {
    if let Some(i) = builds {
        sections[i].table.get_or_init(|| make_table8(sections[i].genes));
    }
    let mut buf = vec![0u8; BLOCK_BYTES];
    tables_built.wait();
    for b in (w..total_blocks).step_by(workers) {
        let (si, offset) = locate(sections, b);
        let s = &sections[si];
        let table = s.table.get().expect("tables built");
        let chars = BLOCK_CHARS.min(s.chars - offset);
        let len = fill(&mut buf, table, lcg_jump(s.seed, offset as u64), chars);
        if !turn.wait_for(b) {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        let written = if offset == 0 { out.write_all(s.header) } else { Ok(()) }.and_then(|()| out.write_all(&buf[..len]));
        drop(out);
        if let Err(e) = written {
            turn.pass(ABORT);
            return Err(e);
        }
        turn.pass(b + 1);
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let n: usize = std::env::args().nth(1).map_or(25_000_000, |a| a.parse().expect("N must be a number"));

    let mut sections = Vec::new();
    let mut seed = SEED;
    for (header, genes, chars) in [(&b">TWO IUB ambiguity codes\n"[..], IUB, 3 * n), (&b">THREE Homo sapiens frequency\n"[..], HOMO_SAPIENS, 5 * n)] {
        sections.push(Section { header, genes, table: OnceLock::new(), seed, chars, blocks: chars.div_ceil(BLOCK_CHARS) });
        seed = lcg_jump(seed, chars as u64);
    }
    let total_blocks: usize = sections.iter().map(|s| s.blocks).sum();
    let workers = thread::available_parallelism().map_or(1, |p| p.get()).min(total_blocks);
    // Main is worker 0 and first writes the repeated section; meanwhile
    // worker i + 1 builds table i, or a thread of its own if there is no
    // such worker.
    let builders = if workers == 0 { 0 } else { sections.len().saturating_sub(workers - 1) };
    let tables_built = Barrier::new(workers + builders);
    let turn = Turn { next: Mutex::new(REPEAT), changed: Condvar::new() };

    thread::scope(|scope| -> io::Result<()> {
        let (sections, tables_built, turn) = (&sections, &tables_built, &turn);
        for i in (sections.len() - builders)..sections.len() {
            scope.spawn(move || {
                sections[i].table.get_or_init(|| make_table8(sections[i].genes));
                tables_built.wait();
            });
        }
        let handles: Vec<_> = (1..workers)
            .map(|w| {
                let builds = (w - 1 < sections.len()).then_some(w - 1);
                scope.spawn(move || work(w, workers, sections, total_blocks, builds, tables_built, turn))
            })
            .collect();
        let repeated = repeat_fasta(&mut io::stdout().lock(), b">ONE Homo sapiens alu\n", 2 * n);
        turn.pass(if repeated.is_ok() { 0 } else { ABORT });
        // Even after a failed write main joins the others at the barrier
        // (they then stop at their first turn).
        if workers > 0 {
            work(0, workers, sections, total_blocks, None, tables_built, turn)?;
        }
        repeated?;
        for h in handles {
            h.join().expect("worker panicked")?;
        }
        Ok(())
    })?;
    let mut out = io::stdout().lock();
    // A section too short for any block still prints its header.
    for s in &sections {
        if s.blocks == 0 {
            out.write_all(s.header)?;
        }
    }
    out.flush()
}
