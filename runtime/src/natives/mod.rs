//! The natives: one implementation of every `gos_abi::Intrinsic`, called by
//! the VM (and later by compiled code through the C ABI).
//!
//! [`call_intrinsic`] is the single entry point: it receives the argument
//! words, their types, the result type and the source site (for panics).
//! Types matter because the IR is monomorphic and the runtime's objects carry
//! only a type id: `Option`/`Result` results are built as enums of the
//! result type (tags: `None` 0, `Some` 1; `Ok` 0, `Err` 1), vectors are
//! created with their vector type, parsing picks the integer or float type
//! from the result's `Ok` variant. Errors follow Go's conventions
//! (`runtime error: …`) via `panic_at`, except where the language adopts
//! Rust's words (`unwrap`, parse errors, `insert`/`remove` indices).
//!
//! The areas live in submodules: `text` (strings, chars, parsing), `math`,
//! `os` (process, output, time, stdin), `conc` (channels, select, sync
//! objects, goroutines); collections dispatch straight to
//! `vec` and `map`. Hot operations are also exported as plain functions
//! (`vec_get`, `map_get`, `str_concat` …) that a VM may call directly
//! instead of going through this dispatch.

mod conc;
mod math;
mod os;
mod text;

pub use os::{now_ns, stdin_read_line};
pub use text::parse_number;

use crate::map;
use crate::object::*;
use crate::strings::str_as_str;
use crate::vec;
use gos_abi::{Intrinsic, TypeId, TypeKind};

/// The largest capacity a vector may be asked for: beyond it the request is
/// a bug (Go's `makeslice: cap out of range`) rather than an out-of-memory
/// condition, and the words would not fit in the address space anyway.
const MAX_ELEMENTS: i64 = 1 << 45;

/// Where a panic is reported: the function and source position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    pub func: &'static str,
    pub line: u32,
    pub col: u32,
}

/// `Some(v)` of Option type `ty`.
#[inline]
pub fn some(ty: TypeId, v: u64) -> u64 {
    // SAFETY: `ty` is an Option type whose `Some` has one field.
    unsafe { new_enum(ty, 1, &[v]) }
}

/// `None` of Option type `ty` (one shared object per type: enum values
/// are immutable, so sharing cannot be observed).
#[inline]
pub fn none(ty: TypeId) -> u64 {
    use std::sync::atomic::Ordering;
    match crate::program().unit_variants.get(ty.index()) {
        Some(slot) => {
            let v = slot.load(Ordering::Acquire);
            if v != 0 {
                return v;
            }
            // SAFETY: `ty` is an Option type whose `None` has no fields.
            let fresh = unsafe { new_enum(ty, 0, &[]) };
            // A racing thread may have stored its own; either is fine.
            match slot.compare_exchange(0, fresh, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => fresh,
                Err(existing) => existing,
            }
        }
        // SAFETY: as above.
        None => unsafe { new_enum(ty, 0, &[]) },
    }
}

/// `Some(v)` or `None` of Option type `ty`.
#[inline]
pub fn option(ty: TypeId, v: Option<u64>) -> u64 {
    match v {
        Some(v) => some(ty, v),
        None => none(ty),
    }
}

/// `Ok(v)` of Result type `ty`.
#[inline]
pub fn ok(ty: TypeId, v: u64) -> u64 {
    // SAFETY: `ty` is a Result type whose `Ok` has one field.
    unsafe { new_enum(ty, 0, &[v]) }
}

/// `Err(e)` of Result type `ty`.
#[inline]
pub fn err(ty: TypeId, e: u64) -> u64 {
    // SAFETY: `ty` is a Result type whose `Err` has one field.
    unsafe { new_enum(ty, 1, &[e]) }
}

/// The type of field 0 of variant `variant` of enum type `ty` (the `T` of
/// `Option<T>` for variant 1, of `Result<T, E>` for variant 0).
pub fn variant_field_type(ty: TypeId, variant: usize) -> TypeId {
    match crate::kind(ty) {
        TypeKind::Enum { variants, .. } if variants.get(variant).is_some_and(|v| !v.fields.is_empty()) => variants[variant].fields[0].1,
        other => crate::panic::fatal(&format!("runtime: expected an Option or Result type, found {other:?}")),
    }
}

/// Copies an aggregate read out of a container (so that the result and the
/// container never share an object), leaving other values as they are.
#[inline]
unsafe fn copied(v: u64, ty: TypeId) -> u64 {
    crate::value::copy(v, ty)
}

/// Runs intrinsic `op` on `args` (of types `arg_tys`), producing a value of
/// type `ret`. Panics report `site`.
///
/// # Safety
/// The arguments must be values of the types the intrinsic's documentation
/// in `gos_abi::Intrinsic` gives, as the checker guarantees.
pub unsafe fn call_intrinsic(op: Intrinsic, args: &[u64], arg_tys: &[TypeId], ret: TypeId, site: &Site) -> u64 {
    use Intrinsic as I;
    let a = |i: usize| -> u64 { args[i] };
    match op {
        // ---- failure, process, output, time ----
        I::Panic => crate::panic_at(str_as_str(a(0)), site),
        I::Exit => crate::exit(a(0) as i32),
        I::Args
        | I::Getenv
        | I::PrintStdout
        | I::PrintStderr
        | I::StdoutWriteBytes
        | I::StdoutFlush
        | I::StdinReadLine
        | I::NowNs
        | I::SleepMs => os::call(op, args, ret, site),

        // ---- strings and chars ----
        I::StrLen
        | I::StrByteAt
        | I::StrSlice
        | I::StrCharAt
        | I::StrContains
        | I::StrStartsWith
        | I::StrEndsWith
        | I::StrFind
        | I::StrReplace
        | I::StrToUpper
        | I::StrToLower
        | I::StrTrim
        | I::StrTrimStart
        | I::StrTrimEnd
        | I::StrSplit
        | I::StrSplitWhitespace
        | I::StrLines
        | I::StrChars
        | I::StrBytes
        | I::StrRepeat
        | I::StrParse
        | I::StrFromChars
        | I::StrFromUtf8Lossy
        | I::CharToString
        | I::CharIsAlphabetic
        | I::CharIsNumeric
        | I::CharIsAlphanumeric
        | I::CharIsWhitespace
        | I::CharIsUppercase
        | I::CharIsLowercase
        | I::CharIsAsciiDigit
        | I::CharToUppercase
        | I::CharToLowercase
        | I::CharToDigit => text::call(op, args, ret, site),

        // ---- vectors ----
        I::VecNew => {
            let cap = a(0) as i64;
            if !(0..=MAX_ELEMENTS).contains(&cap) {
                crate::panic_at("runtime error: makeslice: cap out of range", site);
            }
            vec::vec_new(ret, cap as usize)
        }
        I::VecRepeat => vec::vec_repeat(ret, a(0), a(1) as i64, site),
        I::VecLen => vec_len(a(0)) as u64,
        I::VecPush => {
            vec::vec_push(a(0), a(1));
            0
        }
        I::VecPop => option(ret, vec::vec_pop(a(0))),
        I::VecInsert => {
            vec::vec_insert(a(0), a(1) as i64, a(2), site);
            0
        }
        I::VecRemove => vec::vec_remove(a(0), a(1) as i64, site),
        I::VecClear => {
            vec::vec_clear(a(0));
            0
        }
        I::VecTruncate => {
            vec::vec_truncate(a(0), a(1) as i64);
            0
        }
        I::VecContains => {
            let e = vec::elem_type(arg_tys[0]);
            let x = a(1);
            vec_slice(a(0)).iter().any(|&y| crate::value::eq(y, x, e)) as u64
        }
        I::VecSort => {
            vec::vec_sort(a(0));
            0
        }
        I::VecReverse => {
            vec::vec_reverse(a(0));
            0
        }
        I::VecJoin => {
            let sep = str_as_str(a(1));
            let mut parts: Vec<&str> = Vec::with_capacity(vec_len(a(0)) as usize * 2);
            for (i, &s) in vec_slice(a(0)).iter().enumerate() {
                if i > 0 {
                    parts.push(sep);
                }
                parts.push(str_as_str(s));
            }
            crate::strings::str_from_parts(&parts)
        }
        I::VecSwap => {
            vec::vec_swap(a(0), a(1) as i64, a(2) as i64, site);
            0
        }
        I::VecExtend => {
            vec::vec_extend(a(0), a(1));
            0
        }
        I::VecSlice => vec::vec_slice_range(a(0), a(1) as i64, a(2) as i64, site),
        I::ArrayToVec => {
            let n = match crate::kind(arg_tys[0]) {
                TypeKind::Array(_, n) => *n as usize,
                other => crate::panic::fatal(&format!("runtime: ArrayToVec of {other:?}")),
            };
            let elems = std::slice::from_raw_parts(field_ptr(a(0), 0), n);
            let e = vec::elem_type(ret);
            crate::gc::with_rooted_words(n, |copies| {
                for (c, &x) in copies.iter_mut().zip(elems) {
                    *c = copied(x, e);
                }
                vec::vec_from(ret, copies)
            })
        }

        // ---- maps and sets ----
        I::MapNew | I::SetNew => {
            let cap = (a(0) as i64).max(0) as usize;
            map::map_new(ret, cap)
        }
        I::MapLen | I::SetLen => map::map_len(a(0)) as u64,
        I::MapInsert => option(ret, map::map_insert(a(0), a(1), a(2))),
        // The value object is shared with the map, not copied: the enum
        // holding it is immutable, every read of an enum field into a place
        // copies an aggregate (the checker inserts the copy at the pattern
        // binding or `unwrap`), and a map never changes a stored value in
        // place (an insert stores a new object), so the sharing cannot be
        // observed; copying here as well made two copies per `get(k).unwrap()`.
        I::MapGet => option(ret, map::map_get(a(0), a(1))),
        I::MapContains | I::SetContains => map::map_contains(a(0), a(1)) as u64,
        I::MapRemove => option(ret, map::map_remove(a(0), a(1))),
        I::MapKeys | I::SetItems => map::map_keys(a(0), ret),
        I::MapValues => map::map_values(a(0), ret),
        I::MapEntries => map::map_entries(a(0), ret),
        I::MapClear | I::SetClear => {
            map::map_clear(a(0));
            0
        }
        I::SetInsert => map::map_insert(a(0), a(1), 0).is_none() as u64,
        I::SetRemove => map::map_remove(a(0), a(1)).is_some() as u64,

        // ---- cells and boxes ----
        I::CellNew => new_cell(ret, a(0)),

        // ---- math ----
        I::Sqrt
        | I::FAbs
        | I::Floor
        | I::Ceil
        | I::Round
        | I::Trunc
        | I::Sin
        | I::Cos
        | I::Tan
        | I::Atan
        | I::Atan2
        | I::Exp
        | I::Ln
        | I::Log10
        | I::Log2
        | I::Powi
        | I::Powf
        | I::FMin
        | I::FMax
        | I::IsNan
        | I::IsInfinite
        | I::IsFinite
        | I::ToBits
        | I::FromBits
        | I::IntAbs
        | I::IntPow => math::call(op, args, arg_tys, ret),

        // ---- concurrency (`sched`, `chan`, `sync`) ----
        I::ChanNew
        | I::ChanSend
        | I::ChanRecv
        | I::ChanTryRecv
        | I::ChanClose
        | I::ChanIsClosed
        | I::Select
        | I::SelectRecvValue
        | I::WaitGroupNew
        | I::WaitGroupAdd
        | I::WaitGroupDone
        | I::WaitGroupWait
        | I::MutexNew
        | I::MutexLock
        | I::MutexUnlock
        | I::AtomicNew
        | I::AtomicLoad
        | I::AtomicStore
        | I::AtomicFetchAdd
        | I::AtomicCompareExchange
        | I::I64VecNew
        | I::I64VecLen
        | I::I64VecGet
        | I::I64VecSet
        | I::I64VecWriteBytesToStdout
        | I::I64VecWriteLeBytesToStdout
        | I::NumGoroutine => conc::call(op, args, ret, site),

        // ---- memory ----
        I::Gc => {
            crate::gc::collect();
            0
        }
        I::MemStats => crate::object::new_aggregate(ret, &crate::gc::mem_stats().words()),
    }
}

#[cfg(test)]
mod tests;
