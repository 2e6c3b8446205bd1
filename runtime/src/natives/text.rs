//! Natives for strings and chars, with Rust's exact semantics (Unicode case
//! mapping, `split`, `lines`, `split_whitespace`, `trim`, byte offsets) and
//! Rust's error texts for parsing.
//!
//! Results that are pieces of the receiver (`trim`, `split`, `lines`,
//! `substring`) are views into its buffer (see `strings`), so they cost one
//! small object each and no copying. Out-of-range byte offsets panic in
//! Go's words (`slice bounds out of range`, `index out of range`); an offset
//! inside a multi-byte character panics with Rust's message, because Go has
//! no such error.

use super::{err, ok, option, variant_field_type, Site};
use crate::object::*;
use crate::strings::{str_as_str, str_bytes, str_from, str_subslice, str_substring_unchecked};
use gos_abi::{FloatTy, IntTy, Intrinsic, TypeId, TypeKind};

pub(super) unsafe fn call(op: Intrinsic, args: &[u64], ret: TypeId, site: &Site) -> u64 {
    use Intrinsic as I;
    let s = || str_as_str(args[0]);
    let c = || char::from_u32(args[0] as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
    match op {
        I::StrLen => s().len() as u64,
        I::StrByteAt => {
            let b = str_bytes(args[0]);
            let i = args[1] as i64;
            if i < 0 || i as usize >= b.len() {
                index_out_of_range(i, b.len() as i64, site);
            }
            b[i as usize] as u64
        }
        I::StrSlice => {
            let (a, b) = (args[1] as i64, args[2] as i64);
            check_str_range(s(), a, b, site);
            str_substring_unchecked(args[0], a as usize, (b - a) as usize)
        }
        I::StrCharAt => {
            let text = s();
            let i = args[1] as i64;
            if i < 0 || i as usize >= text.len() {
                index_out_of_range(i, text.len() as i64, site);
            }
            if !text.is_char_boundary(i as usize) {
                crate::panic_at(&not_char_boundary(text, i as usize), site);
            }
            text[i as usize..].chars().next().map(|c| c as u64).unwrap_or(0)
        }
        I::StrContains => s().contains(str_as_str(args[1])) as u64,
        I::StrStartsWith => s().starts_with(str_as_str(args[1])) as u64,
        I::StrEndsWith => s().ends_with(str_as_str(args[1])) as u64,
        I::StrFind => option(ret, s().find(str_as_str(args[1])).map(|i| i as u64)),
        I::StrReplace => {
            let (text, from) = (s(), str_as_str(args[1]));
            if !from.is_empty() && !text.contains(from) {
                return args[0];
            }
            let to = str_as_str(args[2]);
            // Rust's `str::replace`, written into the scratch buffer.
            crate::strings::str_build(|out| {
                let mut last = 0;
                for (i, m) in text.match_indices(from) {
                    out.push_str(&text[last..i]);
                    out.push_str(to);
                    last = i + m.len();
                }
                out.push_str(&text[last..]);
            })
        }
        I::StrToUpper => {
            let text = s();
            if text.bytes().all(|b| !b.is_ascii_lowercase() && b.is_ascii()) {
                return args[0];
            }
            // Rust's `str::to_uppercase` maps char by char (no context);
            // `to_lowercase` is left to Rust because of the final sigma rule.
            crate::strings::str_build(|out| text.chars().for_each(|c| out.extend(c.to_uppercase())))
        }
        I::StrToLower => {
            let text = s();
            if text.bytes().all(|b| !b.is_ascii_uppercase() && b.is_ascii()) {
                return args[0];
            }
            str_from(&text.to_lowercase())
        }
        I::StrTrim => str_subslice(args[0], s().trim()),
        I::StrTrimStart => str_subslice(args[0], s().trim_start()),
        I::StrTrimEnd => str_subslice(args[0], s().trim_end()),
        I::StrSplit => {
            let sep = str_as_str(args[1]);
            pieces(args[0], ret, s().split(sep))
        }
        I::StrSplitWhitespace => pieces(args[0], ret, s().split_whitespace()),
        I::StrLines => pieces(args[0], ret, s().lines()),
        I::StrChars => {
            let v = crate::vec::vec_new(ret, s().len());
            for ch in s().chars() {
                crate::vec::vec_push(v, ch as u64);
            }
            v
        }
        I::StrBytes => {
            let words: Vec<u64> = str_bytes(args[0]).iter().map(|&b| b as u64).collect();
            crate::vec::vec_from(ret, &words)
        }
        I::StrRepeat => {
            let n = args[1] as i64;
            if n < 0 {
                crate::panic_at("strings: negative Repeat count", site);
            }
            let text = s();
            if text.len().checked_mul(n as usize).is_none_or(|t| t > isize::MAX as usize / 2) {
                crate::panic_at("strings: Repeat output length overflow", site);
            }
            crate::strings::str_build(|out| {
                out.reserve(text.len() * n as usize);
                for _ in 0..n {
                    out.push_str(text);
                }
            })
        }
        I::StrParse => parse_into(s(), ret),
        I::StrFromChars => {
            crate::strings::str_build(|out| out.extend(vec_slice(args[0]).iter().map(|&w| char::from_u32(w as u32).unwrap_or('\u{FFFD}'))))
        }
        I::StrFromUtf8Lossy => {
            let bytes: Vec<u8> = vec_slice(args[0]).iter().map(|&w| w as u8).collect();
            match String::from_utf8(bytes) {
                Ok(s) => str_from(&s),
                Err(e) => str_from(&String::from_utf8_lossy(e.as_bytes())),
            }
        }
        I::CharToString => {
            let mut b = [0u8; 4];
            str_from(c().encode_utf8(&mut b))
        }
        I::CharIsAlphabetic => c().is_alphabetic() as u64,
        I::CharIsNumeric => c().is_numeric() as u64,
        I::CharIsAlphanumeric => c().is_alphanumeric() as u64,
        I::CharIsWhitespace => c().is_whitespace() as u64,
        I::CharIsUppercase => c().is_uppercase() as u64,
        I::CharIsLowercase => c().is_lowercase() as u64,
        I::CharIsAsciiDigit => c().is_ascii_digit() as u64,
        I::CharToUppercase => single(c(), c().to_uppercase()),
        I::CharToLowercase => single(c(), c().to_lowercase()),
        I::CharToDigit => {
            let radix = args[1] as u32;
            if !(2..=36).contains(&radix) {
                crate::panic_at("to_digit: invalid radix -- radix must be in the range 2 to 36 inclusive", site);
            }
            option(ret, c().to_digit(radix).map(|d| d as u64))
        }
        _ => unreachable!("text::call({op:?})"),
    }
}

/// The one-char case mapping of `c`, or `c` itself when the mapping has
/// several chars (`ß` upper-cases to `SS`).
fn single(c: char, mut mapped: impl ExactSizeIterator<Item = char>) -> u64 {
    if mapped.len() == 1 {
        mapped.next().unwrap_or(c) as u64
    } else {
        c as u64
    }
}

/// A vector (of type `ret`) of views of `s` for each piece.
unsafe fn pieces<'a>(s: u64, ret: TypeId, parts: impl Iterator<Item = &'a str>) -> u64 {
    let v = crate::vec::vec_new(ret, 0);
    for p in parts {
        crate::vec::vec_push(v, str_subslice(s, p));
    }
    v
}

/// Checks `a..b` as a byte range of `s`: Go's messages when it is out of
/// range, Rust's when an end is inside a character.
pub fn check_str_range(s: &str, a: i64, b: i64, site: &Site) {
    crate::vec::check_slice_bounds(a, b, s.len() as i64, site);
    for i in [a as usize, b as usize] {
        if !s.is_char_boundary(i) {
            crate::panic_at(&not_char_boundary(s, i), site);
        }
    }
}

/// Rust's message for a byte index inside a character:
/// ``byte index 1 is not a char boundary; it is inside 'é' (bytes 0..2) of `é` ``.
pub fn not_char_boundary(s: &str, i: usize) -> String {
    let start = (0..=i).rev().find(|&k| s.is_char_boundary(k)).unwrap_or(0);
    let ch = s[start..].chars().next().unwrap_or('\u{FFFD}');
    // Rust shows at most 256 bytes of the string, cut at a char boundary.
    const MAX_DISPLAY_LENGTH: usize = 256;
    let mut cut = s.len().min(MAX_DISPLAY_LENGTH);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let ellipsis = if cut < s.len() { "[...]" } else { "" };
    format!(
        "byte index {i} is not a char boundary; it is inside {ch:?} (bytes {start}..{}) of `{}`{ellipsis}",
        start + ch.len_utf8(),
        &s[..cut]
    )
}

/// Parses `text` into the `Ok` type of Result type `ret`, building
/// `Ok(value)` or `Err(message)`.
unsafe fn parse_into(text: &str, ret: TypeId) -> u64 {
    let t = variant_field_type(ret, 0);
    match parse_number(text, crate::kind(t)) {
        Ok(w) => ok(ret, w),
        Err(msg) => err(ret, str_from(&msg)),
    }
}

/// Parses `text` as Rust's `str::parse` does for the integer, float, bool
/// or char type `kind`, returning the value's word or Rust's error text.
pub fn parse_number(text: &str, kind: &TypeKind) -> Result<u64, String> {
    fn word<T, E: std::fmt::Display>(r: Result<T, E>, f: impl Fn(T) -> u64) -> Result<u64, String> {
        r.map(f).map_err(|e| e.to_string())
    }
    match kind {
        TypeKind::Int(IntTy::I8) => word(text.parse::<i8>(), |x| x as i64 as u64),
        TypeKind::Int(IntTy::I16) => word(text.parse::<i16>(), |x| x as i64 as u64),
        TypeKind::Int(IntTy::I32) => word(text.parse::<i32>(), |x| x as i64 as u64),
        TypeKind::Int(IntTy::I64) => word(text.parse::<i64>(), |x| x as u64),
        TypeKind::Int(IntTy::U8) => word(text.parse::<u8>(), |x| x as u64),
        TypeKind::Int(IntTy::U16) => word(text.parse::<u16>(), |x| x as u64),
        TypeKind::Int(IntTy::U32) => word(text.parse::<u32>(), |x| x as u64),
        TypeKind::Int(IntTy::U64) => word(text.parse::<u64>(), |x| x),
        TypeKind::Float(FloatTy::F64) => word(text.parse::<f64>(), |x| x.to_bits()),
        TypeKind::Float(FloatTy::F32) => word(text.parse::<f32>(), |x| x.to_bits() as u64),
        TypeKind::Bool => word(text.parse::<bool>(), |x| x as u64),
        TypeKind::Char => word(text.parse::<char>(), |x| x as u64),
        other => Err(format!("cannot parse a value of type {other:?}")),
    }
}
