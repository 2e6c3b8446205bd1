// fasta with 64-bit cells: a diagnostic companion of the Rust reference
// (bench/game/rust/fasta.rs), not a reference itself. It is that program
// with one change: the workers' blocks hold one 64-bit word per output byte
// instead of one byte, and the main thread narrows each block to bytes
// before writing it, which is the data layout Gossamer's fasta.gos must use
// (the language's shared vector, `I64Vec`, has 64-bit cells, and
// `write_bytes_to_stdout` writes the low byte of each). Everything else
// (the letter table, the jumps, the four LCG chains, the threads and the
// block ring) is the same, so the difference between the two Rust rows of
// bench/game/RESULTS.md is what the cell width alone costs: the part of
// the gap between fasta.gos and the reference that no code generator can
// close (docs/performance.md).
//
// Everything but `fill` and `main` is the reference's own code: this file
// includes fasta.rs as a module.
//
// Build: rustc -C opt-level=3 -C target-cpu=native fasta_cells.rs
// Run:   ./fasta_cells 25000000 | md5sum   (fd55b9e8011c781131046b6dd87511e1)

use std::io::{self, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::thread;

#[path = "fasta.rs"]
#[allow(dead_code)]
mod reference;
use reference::*;

/// The reference's `fill`, storing each letter as a 64-bit word.
fn fill(out: &mut [u64], table: &[u8], seed: u64, chars: usize) -> usize {
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
            q[0] = table[c[0] as usize] as u64;
            q[1] = table[c[1] as usize] as u64;
            q[2] = table[c[2] as usize] as u64;
            q[3] = table[c[3] as usize] as u64;
            for x in &mut c {
                *x = (*x * m4 + a4) % IM;
            }
        }
        // Only a section's last line can be short; its tail takes the
        // chains' next states in order.
        for (k, b) in quads.into_remainder().iter_mut().enumerate() {
            *b = table[c[k] as usize] as u64;
        }
        line[m] = b'\n' as u64;
        pos += m + 1;
        left -= m;
    }
    pos
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
        let mut filled: Vec<Receiver<(Vec<u64>, usize)>> = Vec::new();
        let mut give_back: Vec<Sender<Vec<u64>>> = Vec::new();
        for w in 0..workers {
            let (tx, rx): (SyncSender<(Vec<u64>, usize)>, _) = sync_channel(BUFFERS_PER_WORKER);
            let (back_tx, back_rx) = channel::<Vec<u64>>();
            for _ in 0..BUFFERS_PER_WORKER {
                back_tx.send(vec![0u64; BLOCK_BYTES]).expect("worker alive");
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
        // The narrowed block, reused (as Gossamer narrows into its stdout
        // buffer without allocating).
        let mut bytes: Vec<u8> = Vec::with_capacity(BLOCK_BYTES);
        for b in 0..total_blocks {
            let (si, offset) = locate(sections, b);
            if offset == 0 {
                out.write_all(sections[si].header)?;
            }
            let (buf, len) = filled[b % workers].recv().expect("worker filled its block");
            bytes.clear();
            bytes.extend(buf[..len].iter().map(|&w| w as u8));
            out.write_all(&bytes)?;
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
