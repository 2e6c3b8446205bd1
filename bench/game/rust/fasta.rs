// fasta (Computer Language Benchmarks Game), the Rust reference for
// bench/game: the ALU sequence repeated, then two random DNA sequences drawn
// with the task's linear congruential generator (LCG). Written to be as fast
// as we can make it with std only, in the manner of the fastest published
// Rust and C programs:
//
// - a lookup table from every possible LCG state to its letter (the task's
//   float comparison done once per state, not once per letter);
// - one worker thread per CPU, each filling whole blocks of output; a
//   worker jumps the LCG straight to its block's first state (affine maps
//   compose), so workers never wait for each other;
// - inside a block, four interleaved LCG chains that each step four states
//   at a time, so the 64-bit multiply and modulo of one letter need not
//   wait for the previous letter's (the serial chain is the bottleneck of a
//   naive loop);
// - the main thread writes the blocks in order with large writes, handing
//   each buffer back to its worker: memory is bounded by the block size.
//
// The items shared with the diagnostic fasta_cells.rs (which includes this
// file as a module and changes only the cell width) are `pub`.
//
// Build: rustc -C opt-level=3 -C target-cpu=native fasta.rs
// Run:   ./fasta 25000000 | md5sum   (fd55b9e8011c781131046b6dd87511e1)

use std::io::{self, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::thread;

pub const IM: u64 = 139968;
pub const IA: u64 = 3877;
pub const IC: u64 = 29573;
pub const SEED: u64 = 42;

pub const LINE: usize = 60;
/// Letters per block: whole lines, and a multiple of the four chains.
pub const BLOCK_LINES: usize = 1024;
pub const BLOCK_CHARS: usize = BLOCK_LINES * LINE;
pub const BLOCK_BYTES: usize = BLOCK_LINES * (LINE + 1);
/// Buffers per worker: one being filled while main writes the other.
pub const BUFFERS_PER_WORKER: usize = 2;

pub const ALU: &[u8] = b"GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGG\
GAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGA\
CCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAAT\
ACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCA\
GCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGG\
AGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCC\
AGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA";

pub const IUB: &[(u8, f64)] = &[
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

pub const HOMO_SAPIENS: &[(u8, f64)] = &[(b'a', 0.3029549426680), (b'c', 0.1979883004921), (b'g', 0.1975473066391), (b't', 0.3015094502008)];

/// The affine map s -> mul * s + add (mod IM) of `k` LCG steps, built by
/// squaring: O(log k).
pub fn lcg_map(mut k: u64) -> (u64, u64) {
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

pub fn lcg_jump(seed: u64, k: u64) -> u64 {
    let (mul, add) = lcg_map(k);
    (mul * seed + add) % IM
}

/// The letter of every LCG state: the first whose cumulative probability
/// (an f64 sum in the task's order) exceeds state / IM.
pub fn make_table(genes: &[(u8, f64)]) -> Vec<u8> {
    let mut cumulative = Vec::with_capacity(genes.len());
    let mut acc = 0.0;
    for &(_, p) in genes {
        acc += p;
        cumulative.push(acc);
    }
    let mut j = 0;
    (0..IM)
        .map(|s| {
            let r = s as f64 / IM as f64;
            while j < genes.len() - 1 && !(r < cumulative[j]) {
                j += 1;
            }
            genes[j].0
        })
        .collect()
}

/// Fills `out` with `chars` letters (lines of 60, each ending in a newline)
/// whose states follow `seed`; returns the bytes written.
fn fill(out: &mut [u8], table: &[u8], seed: u64, chars: usize) -> usize {
    let table: &[u8; IM as usize] = table.try_into().expect("one letter per state");
    let (m4, a4) = lcg_map(4);
    // Chain j holds the state of the next letter whose index is j mod 4.
    let mut c = [0u64; 4];
    let mut s = seed;
    for slot in &mut c {
        s = (s * IA + IC) % IM;
        *slot = s;
    }
    let mut pos = 0;
    let mut left = chars;
    while left > 0 {
        let m = left.min(LINE);
        let line = &mut out[pos..pos + m + 1];
        let mut quads = line[..m].chunks_exact_mut(4);
        for q in &mut quads {
            q[0] = table[c[0] as usize];
            q[1] = table[c[1] as usize];
            q[2] = table[c[2] as usize];
            q[3] = table[c[3] as usize];
            for x in &mut c {
                *x = (*x * m4 + a4) % IM;
            }
        }
        // Only a section's last line can be short; its tail takes the
        // chains' next states in order.
        for (k, b) in quads.into_remainder().iter_mut().enumerate() {
            *b = table[c[k] as usize];
        }
        line[m] = b'\n';
        pos += m + 1;
        left -= m;
    }
    pos
}

/// A random section: its header, table, first state and length.
pub struct Section {
    pub header: &'static [u8],
    pub table: Vec<u8>,
    pub seed: u64,
    pub chars: usize,
    pub blocks: usize,
}

/// Block `b` of all the random sections together: the section and the
/// letter offset inside it.
pub fn locate(sections: &[Section], mut b: usize) -> (usize, usize) {
    for (i, s) in sections.iter().enumerate() {
        if b < s.blocks {
            return (i, b * BLOCK_CHARS);
        }
        b -= s.blocks;
    }
    unreachable!("block beyond the last section")
}

pub fn repeat_fasta(out: &mut impl Write, header: &[u8], count: usize) -> io::Result<()> {
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

fn main() -> io::Result<()> {
    let n: usize = std::env::args().nth(1).map_or(25_000_000, |a| a.parse().expect("N must be a number"));
    let stdout = io::stdout();
    let mut out = stdout.lock();

    repeat_fasta(&mut out, b">ONE Homo sapiens alu\n", 2 * n)?;

    let mut sections = Vec::new();
    let mut seed = SEED;
    for (header, genes, chars) in [(&b">TWO IUB ambiguity codes\n"[..], IUB, 3 * n), (&b">THREE Homo sapiens frequency\n"[..], HOMO_SAPIENS, 5 * n)] {
        sections.push(Section { header, table: make_table(genes), seed, chars, blocks: chars.div_ceil(BLOCK_CHARS) });
        seed = lcg_jump(seed, chars as u64);
    }
    let total_blocks: usize = sections.iter().map(|s| s.blocks).sum();
    let workers = thread::available_parallelism().map_or(1, |p| p.get()).min(total_blocks.max(1));

    thread::scope(|scope| -> io::Result<()> {
        let sections = &sections;
        let mut filled: Vec<Receiver<(Vec<u8>, usize)>> = Vec::new();
        let mut give_back: Vec<Sender<Vec<u8>>> = Vec::new();
        for w in 0..workers {
            let (tx, rx): (SyncSender<(Vec<u8>, usize)>, _) = sync_channel(BUFFERS_PER_WORKER);
            let (back_tx, back_rx) = channel::<Vec<u8>>();
            for _ in 0..BUFFERS_PER_WORKER {
                back_tx.send(vec![0u8; BLOCK_BYTES]).expect("worker alive");
            }
            filled.push(rx);
            give_back.push(back_tx);
            scope.spawn(move || {
                let mut b = w;
                while b < total_blocks {
                    let Ok(mut buf) = back_rx.recv() else { return };
                    let (si, offset) = locate(sections, b);
                    let s = &sections[si];
                    let chars = BLOCK_CHARS.min(s.chars - offset);
                    let len = fill(&mut buf, &s.table, lcg_jump(s.seed, offset as u64), chars);
                    if tx.send((buf, len)).is_err() {
                        return;
                    }
                    b += workers;
                }
            });
        }
        for b in 0..total_blocks {
            let (si, offset) = locate(sections, b);
            if offset == 0 {
                out.write_all(sections[si].header)?;
            }
            let (buf, len) = filled[b % workers].recv().expect("worker filled its block");
            out.write_all(&buf[..len])?;
            // A worker that has finished has dropped its receiver.
            let _ = give_back[b % workers].send(buf);
        }
        Ok(())
    })?;
    // A section too short for any block still prints its header.
    for s in &sections {
        if s.blocks == 0 {
            out.write_all(s.header)?;
        }
    }
    out.flush()
}
