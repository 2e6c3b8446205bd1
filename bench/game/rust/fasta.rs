// fasta (Computer Language Benchmarks Game), the Rust reference for
// bench/game: the ALU sequence repeated, then two random DNA sequences drawn
// with the task's linear congruential generator (LCG). Written to be as fast
// as we can make it with std only. It starts from the manner of the fastest
// published Rust and C programs (a lookup table from generator state to
// letter, worker threads filling blocks that the main thread writes in
// order) and goes further:
//
// - one worker thread per CPU, each filling whole blocks of output; a
//   worker jumps the LCG straight to its block's first state (affine maps
//   compose), so workers never wait for each other;
// - a table entry per generator state holding the eight letters drawn from
//   that state and its next seven (the task's float comparison done once per
//   state, not once per letter), so one load and one 8-byte store give eight
//   letters, and the generator steps eight states at a time (the map of
//   eight steps is again one multiply and one modulo);
// - inside a block, four LCG chains, each filling a contiguous run of lines
//   from its own jumped state, processed in turn line by line so that the
//   multiply and modulo of one chain need not wait for another's;
// - the main thread writes the blocks in order with large writes, handing
//   each buffer back to its worker: memory is bounded by the block size.
//
// bench/game/fasta.gos and go/fasta.go use the same algorithm. (Until
// 2026-11-24 this program took one table load per letter and four
// interleaved chains stepping four states at a time: about 3 times slower.)
//
// Build: rustc --edition 2021 -C opt-level=3 -C target-cpu=native fasta.rs
// Run:   ./fasta 25000000 | md5sum   (fd55b9e8011c781131046b6dd87511e1)

use std::io::{self, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::thread;

const IM: u64 = 139968;
const IA: u64 = 3877;
const IC: u64 = 29573;
const SEED: u64 = 42;

const LINE: usize = 60;
/// Lines per block (500 KB): larger blocks mean fewer hand-offs; 8192 was
/// the fastest of 1024 to 16384 on the 2-core machine.
const BLOCK_LINES: usize = 8192;
const BLOCK_CHARS: usize = BLOCK_LINES * LINE;
const BLOCK_BYTES: usize = BLOCK_LINES * (LINE + 1);
/// Buffers per worker: one being filled while main writes the other.
const BUFFERS_PER_WORKER: usize = 2;

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
fn lcg_map(mut k: u64) -> (u64, u64) {
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
/// (an f64 sum in the task's order) exceeds state / IM.
fn make_table(genes: &[(u8, f64)]) -> Vec<u8> {
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

/// The eight letters drawn from every state and its next seven: letter k
/// (of state g^k(s), g one step of the generator) in byte k, little-endian,
/// so one load gives eight consecutive output letters. The generator's
/// period is IM, so one walk around its cycle meets every state: a window
/// of the next eight letters gives each entry with one load and two steps.
fn make_table8(genes: &[(u8, f64)]) -> Vec<u64> {
    let pick = make_table(genes);
    let step = |s: u64| (s * IA + IC) % IM;
    let mut table = vec![0u64; IM as usize];
    let (mut s, mut ahead, mut window) = (0u64, 0u64, 0u64);
    for k in 0..8 {
        window |= (pick[ahead as usize] as u64) << (8 * k);
        ahead = step(ahead);
    }
    for _ in 0..IM {
        table[s as usize] = window;
        window = (window >> 8) | ((pick[ahead as usize] as u64) << 56);
        ahead = step(ahead);
        s = step(s);
    }
    table
}

/// Chains per block: each fills a contiguous run of whole lines, so the
/// multiply and modulo of one chain need not wait for another's.
const CHAINS: usize = 4;

/// Fills `out` with `chars` letters (lines of 60, each ending in a newline)
/// whose states follow `seed`; returns the bytes written. Chain k takes
/// lines [k * per, (k + 1) * per); a line is seven 8-byte stores of table
/// words and a 4-byte store of half of one, then the newline (no store
/// reaches past the line: the next chain's first line may already be
/// written).
fn fill(out: &mut [u8], table: &[u64], seed: u64, chars: usize) -> usize {
    let table: &[u64; IM as usize] = table.try_into().expect("one word per state");
    let (m8, a8) = lcg_map(8);
    let (m4, a4) = lcg_map(4);
    let lines = chars.div_ceil(LINE);
    let per = lines.div_ceil(CHAINS);
    // Chain k: lines [k * per, min((k + 1) * per, lines)).
    let mut c = [0u64; CHAINS];
    let mut pos = [0usize; CHAINS];
    let mut left = [0usize; CHAINS];
    for k in 0..CHAINS {
        let first = (k * per).min(lines);
        let last = ((k + 1) * per).min(lines);
        c[k] = lcg_jump(seed, (first * LINE) as u64 + 1);
        pos[k] = first * (LINE + 1);
        left[k] = (last * LINE).min(chars) - (first * LINE).min(chars);
    }
    // Whole lines of all chains together while every chain has one.
    loop {
        let mut all = true;
        for k in 0..CHAINS {
            if left[k] < LINE { all = false; }
        }
        if !all { break; }
        for k in 0..CHAINS {
            let mut p = pos[k];
            let mut s = c[k];
            for _ in 0..7 {
                out[p..p + 8].copy_from_slice(&table[s as usize].to_le_bytes());
                s = (s * m8 + a8) % IM;
                p += 8;
            }
            // The last four letters and the newline, without touching the
            // bytes after them (the next chain's first line).
            out[p..p + 4].copy_from_slice(&(table[s as usize] as u32).to_le_bytes());
            out[p + 4] = b'\n';
            s = (s * m4 + a4) % IM;
            pos[k] = p + 5;
            c[k] = s;
            left[k] -= LINE;
        }
    }
    // The rest, chain by chain (the last chain's short line included).
    let maps: Vec<(u64, u64)> = (0..=8).map(|t| lcg_map(t)).collect();
    for k in 0..CHAINS {
        let mut p = pos[k];
        let mut s = c[k];
        while left[k] > 0 {
            let m = left[k].min(LINE);
            let mut done = 0;
            while done < m {
                let take = (m - done).min(8);
                out[p..p + take].copy_from_slice(&table[s as usize].to_le_bytes()[..take]);
                let (mt, at) = maps[take];
                s = (s * mt + at) % IM;
                p += take;
                done += take;
            }
            out[p] = b'\n';
            p += 1;
            left[k] -= m;
        }
        c[k] = s;
        pos[k] = p;
    }
    lines * (LINE + 1) - (lines * LINE - chars)
}

/// A random section: its header, table, first state and length.
struct Section {
    header: &'static [u8],
    table: Vec<u64>,
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

fn main() -> io::Result<()> {
    let n: usize = std::env::args().nth(1).map_or(25_000_000, |a| a.parse().expect("N must be a number"));
    let stdout = io::stdout();
    let mut out = stdout.lock();

    repeat_fasta(&mut out, b">ONE Homo sapiens alu\n", 2 * n)?;

    let mut sections = Vec::new();
    let mut seed = SEED;
    for (header, genes, chars) in [(&b">TWO IUB ambiguity codes\n"[..], IUB, 3 * n), (&b">THREE Homo sapiens frequency\n"[..], HOMO_SAPIENS, 5 * n)] {
        sections.push(Section { header, table: make_table8(genes), seed, chars, blocks: chars.div_ceil(BLOCK_CHARS) });
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
