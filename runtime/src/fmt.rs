//! Value formatting: what `println!`, `format!` and `to_string` print,
//! byte for byte what Rust prints.
//!
//! Scalars and strings use Display under `{}` and Debug under `{:?}`;
//! composite values (tuples, arrays, vectors, structs, enums, maps, sets)
//! print in Rust's derived `{:?}` form under both, with their parts in Debug
//! form, and `{:#?}` gives the pretty, indented form. The spec's width,
//! precision, sign and zero flag apply to each leaf, exactly as a Rust
//! `Formatter` passes its options down through derived `Debug` impls
//! (`{:5?}` of `[1, 2]` is `[    1,     2]`).
//!
//! Design: the runtime is Rust, so Rust's own float and integer formatting
//! (shortest round-trip digits, round-half-even precision, `1e21`-style
//! Debug exponents) produces the digits and sign, written straight into the
//! output buffer; this module only re-implements the padding rules of
//! `Formatter::pad`, `pad_integral` and `pad_formatted_parts` (fill and
//! alignment are not dynamic in Rust's `format!`, so they cannot be
//! delegated). Rust's formatting is also the oracle the tests compare
//! against, on random values and specs. Rejected: a float printer of our own
//! (Ryu/Grisu re-implemented is a classic source of one-digit bugs) and
//! going through `String` for every value (an allocation per number).
//!
//! Strings print escaping only `\" \' \\ \n \r \t \0` in Debug form
//! (LANGUAGE.md §5), not Rust's full `escape_debug`.

use crate::object::*;
use crate::strings::str_as_str;
use gos_abi::{Align, FloatTy, FormatSpec, FormatType, IntTy, Sign, TypeId, TypeKind};
use std::io::Write;

/// Rust limits widths and precisions to 16 bits; larger requests are cut to
/// this (the format-string parser rejects them in literals already).
pub const MAX_PRECISION: u32 = u16::MAX as u32;

/// Formats `v` (of type `ty`) under `spec`, appending to `out`.
///
/// # Safety
/// `v` must be a value of type `ty` of the running program.
pub unsafe fn format_value(out: &mut Vec<u8>, v: u64, ty: TypeId, spec: &FormatSpec) {
    let mut f = Formatter { out, spec, pretty: spec.debug && spec.alternate, indent: 0 };
    f.value(v, ty, spec.debug);
}

/// `{}` (or `{:?}`) of an integer with no width, precision, sign or radix
/// flag, the format `to_string` of an integer compiles to, as a new string
/// object; `None` for any other type or spec (the caller then takes the
/// general path). Both forms print the same decimal digits; `itoa` writes
/// them into a stack buffer and the string is made with one allocation, so
/// the commonest conversion skips the formatter, its output vector and the
/// UTF-8 check.
///
/// # Safety
/// `v` must be a value of type `ty` of the running program.
#[inline]
pub unsafe fn format_plain_int(v: u64, ty: TypeId, spec: &FormatSpec) -> Option<u64> {
    let TypeKind::Int(it) = crate::kind(ty) else { return None };
    if spec.width.is_some() || spec.precision.is_some() || spec.sign != Sign::Default || spec.ty != FormatType::Plain {
        return None;
    }
    let mut buf = itoa::Buffer::new();
    let text = if it.signed() { buf.format(v as i64) } else { buf.format(v) };
    Some(crate::strings::str_from(text))
}

/// `v` formatted under `spec`, as a Rust `String`.
///
/// # Safety
/// As [`format_value`].
pub unsafe fn format_to_string(v: u64, ty: TypeId, spec: &FormatSpec) -> String {
    let mut out = Vec::new();
    format_value(&mut out, v, ty, spec);
    // SAFETY: every piece written is UTF-8.
    String::from_utf8_unchecked(out)
}

struct Formatter<'a> {
    out: &'a mut Vec<u8>,
    spec: &'a FormatSpec,
    /// `{:#?}`: one field per line, indented.
    pretty: bool,
    /// Current indentation level of the pretty form.
    indent: usize,
}

/// Where padding goes when the spec names no alignment.
#[derive(Clone, Copy)]
enum DefaultAlign {
    Left,
    Right,
}

impl Formatter<'_> {
    /// Formats a value: Display of scalars and strings when `debug` is false,
    /// Debug otherwise; composites always in Debug form.
    unsafe fn value(&mut self, v: u64, ty: TypeId, debug: bool) {
        match crate::kind(ty) {
            TypeKind::Unit | TypeKind::Never => self.pad("()", DefaultAlign::Left),
            TypeKind::Bool => self.pad(if v != 0 { "true" } else { "false" }, DefaultAlign::Left),
            TypeKind::Int(it) => self.int(v, *it),
            TypeKind::Float(FloatTy::F64) => self.float(f64::from_bits(v), debug),
            TypeKind::Float(FloatTy::F32) => self.float(f32::from_bits(v as u32), debug),
            TypeKind::Char => {
                let c = char::from_u32(v as u32).unwrap_or(char::REPLACEMENT_CHARACTER);
                if debug {
                    self.out.push(b'\'');
                    escape_char(self.out, c, true);
                    self.out.push(b'\'');
                } else if self.spec.width.is_none() && self.spec.precision.is_none() {
                    let mut b = [0u8; 4];
                    self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                } else {
                    let mut b = [0u8; 4];
                    self.pad(c.encode_utf8(&mut b), DefaultAlign::Left);
                }
            }
            TypeKind::Str => {
                let s = str_as_str(v);
                if debug {
                    self.out.push(b'"');
                    // Every escaped char is ASCII, so runs between them can be
                    // copied as bytes without splitting a UTF-8 sequence.
                    let bytes = s.as_bytes();
                    let mut run = 0;
                    for (i, &b) in bytes.iter().enumerate() {
                        if matches!(b, b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0) {
                            self.out.extend_from_slice(&bytes[run..i]);
                            escape_char(self.out, b as char, false);
                            run = i + 1;
                        }
                    }
                    self.out.extend_from_slice(&bytes[run..]);
                    self.out.push(b'"');
                } else {
                    self.pad(s, DefaultAlign::Left);
                }
            }
            TypeKind::Box(t) | TypeKind::Cell(t) => self.value(field(v, 0), *t, debug),
            TypeKind::Ref(t) => {
                let target =
                    if crate::kind(*t).is_aggregate() { v } else { ref_load(v, &crate::natives::Site { func: "fmt", line: 0, col: 0 }) };
                self.value(target, *t, debug)
            }
            TypeKind::Tuple(ts) => {
                self.open("", "(");
                for (i, t) in ts.iter().enumerate() {
                    self.item(i);
                    self.value(field(v, i), *t, true);
                }
                if ts.len() == 1 && !self.pretty {
                    self.out.push(b',');
                }
                self.close(ts.len(), ")");
            }
            TypeKind::Array(t, n) => self.list(std::slice::from_raw_parts(field_ptr(v, 0), *n as usize), *t),
            TypeKind::Vec(t) => self.list(vec_slice(v), *t),
            TypeKind::Struct { name, fields, tuple_like } => {
                let name = display_name(name);
                let braces = !*tuple_like;
                self.record(name, fields.len(), braces, |i| (fields[i].0.as_str(), fields[i].1, field(v, i)));
            }
            TypeKind::Enum { variants, .. } => {
                let var = &variants[enum_tag(v) as usize];
                let fs = &var.fields;
                let braces = fs.first().is_some_and(|f| f.0.is_some());
                self.record(&var.name, fs.len(), braces, |i| (fs[i].0.as_deref().unwrap_or(""), fs[i].1, enum_field(v, i)));
            }
            TypeKind::Map(kt, vt) => {
                let (kt, vt) = (*kt, *vt);
                self.open("", "{");
                let mut i = 0;
                crate::map::map_for_each(v, |k, x| {
                    self.item(i);
                    self.value(k, kt, true);
                    self.out.extend_from_slice(b": ");
                    self.value(x, vt, true);
                    i += 1;
                });
                self.close(i, "}");
            }
            TypeKind::Set(kt) => {
                let kt = *kt;
                self.open("", "{");
                let mut i = 0;
                crate::map::map_for_each(v, |k, _| {
                    self.item(i);
                    self.value(k, kt, true);
                    i += 1;
                });
                self.close(i, "}");
            }
            TypeKind::Func { .. } => self.out.extend_from_slice(b"<closure>"),
            TypeKind::Sender(_) => self.out.extend_from_slice(b"Sender { .. }"),
            TypeKind::Receiver(_) => self.out.extend_from_slice(b"Receiver { .. }"),
            TypeKind::WaitGroup => self.out.extend_from_slice(b"WaitGroup { .. }"),
            TypeKind::Mutex => self.out.extend_from_slice(b"Mutex { .. }"),
            TypeKind::AtomicI64 => self.out.extend_from_slice(b"AtomicI64 { .. }"),
            TypeKind::I64Vec => self.out.extend_from_slice(b"I64Vec { .. }"),
        }
    }

    /// A struct or enum variant of `n` fields: `Name`, `Name(a, b)` or, with
    /// `braces`, `Name { x: a }`. `field(i)` gives field `i`'s name (used
    /// only with braces), type and value.
    unsafe fn record<'t>(&mut self, name: &str, n: usize, braces: bool, field: impl Fn(usize) -> (&'t str, TypeId, u64)) {
        if n == 0 {
            self.out.extend_from_slice(name.as_bytes());
            return;
        }
        if braces {
            self.open(name, if self.pretty { " {" } else { " { " });
        } else {
            self.open(name, "(");
        }
        for i in 0..n {
            let (fname, t, x) = field(i);
            self.item(i);
            if braces {
                self.out.extend_from_slice(fname.as_bytes());
                self.out.extend_from_slice(b": ");
            }
            self.value(x, t, true);
        }
        if braces {
            self.close(n, if self.pretty { "}" } else { " }" });
        } else {
            self.close(n, ")");
        }
    }

    unsafe fn list(&mut self, xs: &[u64], t: TypeId) {
        self.open("", "[");
        for (i, &x) in xs.iter().enumerate() {
            self.item(i);
            self.value(x, t, true);
        }
        self.close(xs.len(), "]");
    }

    fn open(&mut self, name: &str, delim: &str) {
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(delim.as_bytes());
        self.indent += 1;
    }

    /// Starts item `i` of a composite: a separator, or in pretty form a new
    /// indented line.
    fn item(&mut self, i: usize) {
        if self.pretty {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.push(b'\n');
            for _ in 0..self.indent {
                self.out.extend_from_slice(b"    ");
            }
        } else if i > 0 {
            self.out.extend_from_slice(b", ");
        }
    }

    /// Ends a composite of `n` items with `delim` (in pretty form after a
    /// trailing comma and a newline, when there were items).
    fn close(&mut self, n: usize, delim: &str) {
        self.indent -= 1;
        if self.pretty && n > 0 {
            self.out.extend_from_slice(b",\n");
            for _ in 0..self.indent {
                self.out.extend_from_slice(b"    ");
            }
        }
        self.out.extend_from_slice(delim.as_bytes());
    }

    /// An integer with `pad_integral`'s rules (decimal, or the radix or
    /// exponent form the spec's type names).
    fn int(&mut self, v: u64, it: IntTy) {
        let plus: &[u8] = if self.spec.sign == Sign::Plus { b"+" } else { b"" };
        let radix = match self.spec.ty {
            FormatType::Plain => None,
            FormatType::LowerHex => Some((4, b"0123456789abcdef", b"0x")),
            FormatType::UpperHex => Some((4, b"0123456789ABCDEF", b"0x")),
            FormatType::Binary => Some((1, b"0123456789abcdef", b"0b")),
            FormatType::Octal => Some((3, b"0123456789abcdef", b"0o")),
            FormatType::LowerExp | FormatType::UpperExp => {
                let upper = self.spec.ty == FormatType::UpperExp;
                let mut body = Vec::with_capacity(32);
                if it.signed() {
                    write_float(&mut body, &(v as i64), Form::Exp(upper), self.spec.sign == Sign::Plus, self.precision());
                } else {
                    write_float(&mut body, &v, Form::Exp(upper), self.spec.sign == Sign::Plus, self.precision());
                }
                let split = if matches!(body.first(), Some(b'+' | b'-')) { 1 } else { 0 };
                let (sign, digits) = body.split_at(split);
                self.numeric(sign, b"", digits);
                return;
            }
        };
        let mut digits = [0u8; 64];
        let mut at = digits.len();
        if let Some((shift, table, prefix)) = radix {
            // Radix forms print the two's complement bits of the type's width.
            let mut m = if it.bits() == 64 { v } else { v & ((1u64 << it.bits()) - 1) };
            let mask = (1u64 << shift) - 1;
            loop {
                at -= 1;
                digits[at] = table[(m & mask) as usize];
                m >>= shift;
                if m == 0 {
                    break;
                }
            }
            let prefix: &[u8] = if self.spec.alternate { prefix } else { b"" };
            let digits = digits;
            self.numeric(plus, prefix, &digits[at..]);
            return;
        }
        let (neg, mut m) = if it.signed() && (v as i64) < 0 { (true, (v as i64).unsigned_abs()) } else { (false, v) };
        loop {
            at -= 1;
            digits[at] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                break;
            }
        }
        let digits = digits;
        self.numeric(if neg { b"-" } else { plus }, b"", &digits[at..]);
    }

    fn precision(&self) -> Option<usize> {
        self.spec.precision.map(|p| p.min(MAX_PRECISION) as usize)
    }

    /// A float: Rust's digits (Display, Debug or exponent form, with the
    /// precision and `+` flag), padded with `pad_formatted_parts`' rules.
    fn float<T: std::fmt::Display + std::fmt::Debug + std::fmt::LowerExp + std::fmt::UpperExp>(&mut self, x: T, debug: bool) {
        let plus = self.spec.sign == Sign::Plus;
        let form = match self.spec.ty {
            FormatType::LowerExp => Form::Exp(false),
            FormatType::UpperExp => Form::Exp(true),
            _ if debug => Form::Debug,
            _ => Form::Display,
        };
        if self.spec.width.is_none() {
            write_float(self.out, &x, form, plus, self.precision());
            return;
        }
        let mut body = Vec::with_capacity(32);
        write_float(&mut body, &x, form, plus, self.precision());
        let split = if matches!(body.first(), Some(b'+' | b'-')) { 1 } else { 0 };
        let (sign, digits) = body.split_at(split);
        self.numeric(sign, b"", digits);
    }

    /// Pads a number made of `sign`, `prefix` (`0x`) and `digits`:
    /// sign-aware zero padding with the `0` flag, else fill and alignment
    /// (right by default).
    fn numeric(&mut self, sign: &[u8], prefix: &[u8], digits: &[u8]) {
        let len = sign.len() + prefix.len() + digits.len();
        match self.spec.width {
            Some(w) if (w as usize) > len => {
                let pad = w as usize - len;
                if self.spec.zero {
                    self.out.extend_from_slice(sign);
                    self.out.extend_from_slice(prefix);
                    self.out.resize(self.out.len() + pad, b'0');
                    self.out.extend_from_slice(digits);
                } else {
                    let (pre, post) = self.split_padding(pad, DefaultAlign::Right);
                    self.fill(pre);
                    self.out.extend_from_slice(sign);
                    self.out.extend_from_slice(prefix);
                    self.out.extend_from_slice(digits);
                    self.fill(post);
                }
            }
            _ => {
                self.out.extend_from_slice(sign);
                self.out.extend_from_slice(prefix);
                self.out.extend_from_slice(digits);
            }
        }
    }

    /// `Formatter::pad`: precision truncates to that many chars, width pads
    /// (counting chars) with the fill, left-aligned by default.
    fn pad(&mut self, s: &str, default: DefaultAlign) {
        let s = match self.spec.precision {
            Some(p) => match s.char_indices().nth(p as usize) {
                Some((i, _)) => &s[..i],
                None => s,
            },
            None => s,
        };
        match self.spec.width {
            Some(w) if w as usize > 0 => {
                let n = s.chars().count();
                if n >= w as usize {
                    self.out.extend_from_slice(s.as_bytes());
                } else {
                    let (pre, post) = self.split_padding(w as usize - n, default);
                    self.fill(pre);
                    self.out.extend_from_slice(s.as_bytes());
                    self.fill(post);
                }
            }
            _ => self.out.extend_from_slice(s.as_bytes()),
        }
    }

    fn split_padding(&self, pad: usize, default: DefaultAlign) -> (usize, usize) {
        match self.spec.align {
            Some(Align::Left) => (0, pad),
            Some(Align::Right) => (pad, 0),
            Some(Align::Center) => (pad / 2, pad.div_ceil(2)),
            None => match default {
                DefaultAlign::Left => (0, pad),
                DefaultAlign::Right => (pad, 0),
            },
        }
    }

    fn fill(&mut self, n: usize) {
        let c = self.spec.fill;
        if c.is_ascii() {
            self.out.resize(self.out.len() + n, c as u8);
        } else {
            let mut b = [0u8; 4];
            let s = c.encode_utf8(&mut b);
            for _ in 0..n {
                self.out.extend_from_slice(s.as_bytes());
            }
        }
    }
}

/// Which of Rust's float formatting traits to use.
#[derive(Clone, Copy)]
enum Form {
    Display,
    Debug,
    /// `LowerExp` (`false`) or `UpperExp` (`true`).
    Exp(bool),
}

/// Writes Rust's text for number `x` (`{}`, `{:?}`, `{:e}`, with `+` and
/// precision).
fn write_float<T>(out: &mut Vec<u8>, x: &T, form: Form, plus: bool, prec: Option<usize>)
where
    T: std::fmt::Display + std::fmt::Debug + std::fmt::LowerExp + std::fmt::UpperExp,
{
    // Writing to a Vec cannot fail.
    let _ = match (form, prec, plus) {
        (Form::Exp(false), Some(p), false) => write!(out, "{:.*e}", p, x),
        (Form::Exp(false), Some(p), true) => write!(out, "{:+.*e}", p, x),
        (Form::Exp(false), None, false) => write!(out, "{:e}", x),
        (Form::Exp(false), None, true) => write!(out, "{:+e}", x),
        (Form::Exp(true), Some(p), false) => write!(out, "{:.*E}", p, x),
        (Form::Exp(true), Some(p), true) => write!(out, "{:+.*E}", p, x),
        (Form::Exp(true), None, false) => write!(out, "{:E}", x),
        (Form::Exp(true), None, true) => write!(out, "{:+E}", x),
        (_, Some(p), false) => write!(out, "{:.*}", p, x),
        (_, Some(p), true) => write!(out, "{:+.*}", p, x),
        (Form::Display, None, false) => write!(out, "{}", x),
        (Form::Display, None, true) => write!(out, "{:+}", x),
        (Form::Debug, None, false) => write!(out, "{:?}", x),
        (Form::Debug, None, true) => write!(out, "{:+?}", x),
    };
}

/// Appends `c` with the escapes of LANGUAGE.md §5: `\" \' \\ \n \r \t \0`
/// (a `'` only inside chars and a `"` only inside strings, as Rust).
fn escape_char(out: &mut Vec<u8>, c: char, in_char: bool) {
    let esc: &[u8] = match c {
        '"' if !in_char => b"\\\"",
        '\'' if in_char => b"\\'",
        '\\' => b"\\\\",
        '\n' => b"\\n",
        '\r' => b"\\r",
        '\t' => b"\\t",
        '\0' => b"\\0",
        _ => {
            let mut b = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            return;
        }
    };
    out.extend_from_slice(esc);
}

/// The name Rust's derived `Debug` prints for a struct: without generic
/// arguments (`Stack<i64>` prints as `Stack { … }`).
fn display_name(name: &str) -> &str {
    match name.find('<') {
        Some(i) => &name[..i],
        None => name,
    }
}

#[cfg(test)]
mod oracle;
#[cfg(test)]
mod tests;
