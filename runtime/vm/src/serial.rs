//! The program image: a [`Module`] serialised into the bytes that a native
//! executable built by `gossamer build` carries, and [`run_aot`], which a
//! built executable's `main` (the `gos-rtlib` staticlib) calls to turn those
//! bytes back into a module and run it exactly as `gossamer run` would.
//!
//! Even when all of a program's functions are compiled to machine code, the
//! executable needs the module's metadata at run time: the type table (the
//! collector, formatting and comparison read it), string literals, fieldless
//! enum values, line tables and aux tables (for panics and slow paths).
//! Serialising the whole validated module is simpler than a second, native
//! data layout of the same tables, and costs one decoding pass at start-up.
//! The bytecode itself is only needed for the functions the executable
//! interprets (those without machine code), so each function's code is a
//! byte string of its own in the image, and [`run_aot`] decodes only
//! those: decoding every instruction of fasta (3,200) took 0.2 ms, 1% of
//! its run, before `main` could start.
//!
//! Format: an 8-byte magic and format version (`GOSMOD` + two digits), the
//! number of functions as a little-endian `u64` (so that the executable can
//! size its table of native entry points before decoding anything), then
//! the [`Image`] in bincode 1.3's varint encoding: [`ModuleParts`] without
//! the functions' code, and every function's code (its `Vec<Instr>`, in the
//! same encoding) as a byte string. Nothing in the parts is a hash map, so
//! the same module always gives the same bytes, which keeps `gossamer build`
//! reproducible. Decoding re-validates through [`Module::new`]: an image is
//! input like any other, and the interpreter's unchecked register accesses
//! rely on validation. A function whose code is not decoded gets a body of
//! one `Unreachable`, which validates and, were it ever interpreted, ends
//! the program with a fatal error instead of running garbage.
//!
//! Rejected: a hand-written binary format (one more thing to keep in sync
//! with every change of the bytecode, where serde derives follow it), and
//! embedding the source to recompile at start-up (it would put the whole
//! front end into every executable and slow every start).

use crate::bytecode::Instr;
use crate::module::{Module, ModuleParts};
use bincode::Options;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The image's first bytes: the magic and the format version. Bump the
/// version whenever the bytecode or [`ModuleParts`] changes shape in a way
/// an older decoder would misread (serde's encoding is positional).
const MAGIC: [u8; 8] = *b"GOSMOD02";

/// The payload after the header (see the module docs): the parts, whose
/// functions' `code` serde skips, and each function's code, encoded on its
/// own, in the functions' order.
#[derive(Serialize, Deserialize)]
struct Image<'a> {
    parts: ModuleParts,
    #[serde(borrow)]
    codes: Vec<&'a [u8]>,
}

/// Bytes before the bincode payload: the magic and the function count.
const HEADER: usize = MAGIC.len() + 8;

/// The bincode configuration of the payload. Varint integers keep the image
/// small (most operands and indices are under 251, one byte); trailing
/// bytes are rejected, so a truncated or padded image is reported as
/// corrupt rather than half-read.
fn options() -> impl Options {
    bincode::options()
}

/// Deserialises a function name by leaking it: [`crate::Function::name`] is
/// `&'static str` because the compiler's names live as long as the process,
/// and a deserialised module is decoded once per run and kept until exit.
pub(crate) fn leak_str<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = String::deserialize(d)?;
    Ok(Box::leak(s.into_boxed_str()))
}

impl Module {
    /// The module's image (see the module docs). Deterministic: the same
    /// module always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let parts = self.parts();
        // Serialising plain data into a Vec cannot fail: every type derives
        // Serialize and no size limit is set on this side.
        let codes: Vec<Vec<u8>> =
            parts.funcs.iter().map(|f| options().serialize(&f.code).expect("serialising code into memory failed")).collect();
        let mut out = Vec::with_capacity(HEADER + codes.iter().map(|c| c.len() + 64).sum::<usize>());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&(parts.funcs.len() as u64).to_le_bytes());
        let image = Image { parts, codes: codes.iter().map(Vec::as_slice).collect() };
        options().serialize_into(&mut out, &image).expect("serialising a module into memory failed");
        out
    }

    /// Decodes and re-validates an image made by [`Module::to_bytes`], or
    /// says what is wrong with it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Module, String> {
        Self::from_image(bytes, |_| true)
    }

    /// [`Module::from_bytes`], decoding the code only of the functions `f`
    /// for which `interpreted(f)` holds; the others get a body of one
    /// `Unreachable` (see the module docs).
    pub fn from_image(bytes: &[u8], interpreted: impl Fn(usize) -> bool) -> Result<Module, String> {
        let count = image_function_count(bytes)?;
        // The limit bounds what a corrupt length prefix can make bincode
        // allocate: nothing decoded can be larger than the input.
        let image: Image = options()
            .with_limit(bytes.len() as u64)
            .deserialize(&bytes[HEADER..])
            .map_err(|e| format!("undecodable module: {e}"))?;
        let mut parts = image.parts;
        if parts.funcs.len() != count || image.codes.len() != count {
            return Err(format!(
                "the header says {count} functions, the module has {} and code for {}",
                parts.funcs.len(),
                image.codes.len()
            ));
        }
        for (i, (f, code)) in parts.funcs.iter_mut().zip(image.codes).enumerate() {
            f.code = if interpreted(i) {
                options()
                    .with_limit(code.len() as u64)
                    .deserialize::<Vec<Instr>>(code)
                    .map_err(|e| format!("undecodable code of function {i}: {e}"))?
            } else {
                vec![Instr::Unreachable {}]
            };
        }
        Module::new(parts).map_err(|e| format!("invalid module: {e}"))
    }
}

/// The number of functions an image declares in its header, read without
/// decoding the rest (the executable's start-up code uses it to size the
/// table of native entry points).
pub fn image_function_count(bytes: &[u8]) -> Result<usize, String> {
    if bytes.len() < HEADER {
        return Err(format!("image of {} bytes is shorter than its header", bytes.len()));
    }
    if bytes[..MAGIC.len()] != MAGIC {
        return Err(match &bytes[..6] {
            b"GOSMOD" => format!(
                "image format {:?}, this runtime reads {:?} (rebuild the program with this gossamer)",
                String::from_utf8_lossy(&bytes[6..8]),
                String::from_utf8_lossy(&MAGIC[6..8])
            ),
            _ => "not a Gossamer program image".into(),
        });
    }
    let mut n = [0u8; 8];
    n.copy_from_slice(&bytes[MAGIC.len()..HEADER]);
    usize::try_from(u64::from_le_bytes(n)).map_err(|_| "function count out of range".to_string())
}

/// Runs a built executable's program: decodes `module_bytes` (an image made
/// by [`Module::to_bytes`]) and runs it as `gossamer run prog.gos args…`
/// does, with the process's arguments after the executable's own name as
/// the program's `os::args()`. Returns the exit status (as [`crate::run`]).
///
/// `entries` is the table of native code, three words per function: every
/// function's entry adapter in the module's order, then every function's
/// body (see `gos_vm::native`), then every body's size in bytes (for the
/// preemption signal, `gos_runtime::sched::preempt`); a 0 means "no native
/// code for this function: interpret its bytecode". A table whose length is
/// not three times the module's function count means the executable is
/// corrupt.
///
/// Arguments that are not valid UTF-8 are converted lossily (U+FFFD), since
/// a Gossamer `String` is UTF-8; `gossamer run` rejects them instead, in
/// its argument parser, before the program starts.
pub fn run_aot(module_bytes: &'static [u8], entries: &'static [usize]) -> i32 {
    let n = match image_function_count(module_bytes) {
        Ok(n) if 3 * n == entries.len() => n,
        Ok(n) => {
            eprintln!("gossamer: corrupt program image: {} native code words for {n} functions", entries.len());
            return 1;
        }
        Err(e) => {
            eprintln!("gossamer: corrupt program image: {e}");
            return 1;
        }
    };
    // Entries and bodies are both present or both absent (see below).
    let native = |f: usize| entries[f] != 0 && entries[n + f] != 0;
    let module = match Module::from_image(module_bytes, |f| !native(f)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("gossamer: corrupt program image: {e}");
            return 1;
        }
    };
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let types = module.types().to_vec();
    let file = module.file().to_string();
    let module = Arc::new(module);
    if let Err(e) = crate::native::enable(module.clone(), None) {
        eprintln!("gossamer: {e}");
        return 1;
    }
    for f in 0..n {
        // Every function whose code was not decoded has machine code,
        // installed here before anything runs.
        if native(f) {
            gos_runtime::sched::preempt::register_code(entries[n + f], entries[2 * n + f]);
            crate::native::install(f as u32, entries[f], entries[n + f]);
        }
    }
    // One program per process, as in `gossamer run`: its heap is collected.
    gos_runtime::gc::enable();
    crate::run(module, types, file, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header that is too short, has the wrong magic or an unknown
    /// version is reported as such, before any decoding.
    #[test]
    fn bad_headers_are_rejected() {
        assert!(image_function_count(b"GOSMOD02").unwrap_err().contains("shorter"));
        assert!(image_function_count(b"ELF_____12345678").unwrap_err().contains("not a Gossamer"));
        assert!(image_function_count(b"GOSMOD99\0\0\0\0\0\0\0\0").unwrap_err().contains("\"99\""));
        assert_eq!(image_function_count(b"GOSMOD02\x03\0\0\0\0\0\0\0"), Ok(3));
    }

    /// A header whose payload is garbage or missing is an error, never a
    /// panic or a huge allocation.
    #[test]
    fn corrupt_payloads_are_errors() {
        let mut img = b"GOSMOD02\x01\0\0\0\0\0\0\0".to_vec();
        assert!(Module::from_bytes(&img).is_err());
        img.extend_from_slice(&[0xfc, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
        assert!(Module::from_bytes(&img).unwrap_err().starts_with("undecodable module"));
    }
}
