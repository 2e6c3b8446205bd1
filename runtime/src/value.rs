//! Generic operations on values, driven by the type table: value copy,
//! Rust's `clone`, structural equality, ordering, hashing and `*r = v`.
//!
//! Each walks the value's `TypeKind` recursively. Scalars are their word;
//! strings compare by bytes; aggregates field by field; enums by tag then
//! fields; vectors element-wise; maps and sets as Rust's `PartialEq` does
//! (same length, every entry found in the other); `Box<T>` and `Cell<T>`
//! as their contents. The hot cases (integer and string keys, scalar
//! vectors) have fast paths in the callers (`map`, `vec`); these functions
//! are the general fallback and the one definition of the semantics.
//!
//! Ordering ([`cmp`]) is total: floats by IEEE total order, so that sorting
//! never sees an inconsistent comparator. The language's `<` on floats is
//! IEEE's (`NaN < x` is false); [`partial_cmp`] gives that, `None` for
//! unordered, for comparisons of tuples holding floats.

use crate::map;
use crate::object::*;
use crate::strings::str_bytes;
use gos_abi::{FloatTy, TypeId, TypeKind};
use std::cmp::Ordering;

#[inline]
fn kind(ty: TypeId) -> &'static TypeKind {
    crate::kind(ty)
}

/// The number of words of an aggregate type's objects.
pub fn aggregate_words(k: &TypeKind) -> usize {
    match k {
        TypeKind::Struct { fields, .. } => fields.len(),
        TypeKind::Tuple(ts) => ts.len(),
        TypeKind::Array(_, n) => *n as usize,
        _ => 0,
    }
}

/// The type of word `i` of an aggregate.
#[inline]
pub fn aggregate_field_type(k: &TypeKind, i: usize) -> TypeId {
    match k {
        TypeKind::Struct { fields, .. } => fields[i].1,
        TypeKind::Tuple(ts) => ts[i],
        TypeKind::Array(t, _) => *t,
        _ => unreachable!("aggregate_field_type of a non-aggregate"),
    }
}

/// How [`copy`] copies values of one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyPlan {
    /// Not an aggregate: the value is its word.
    Share,
    /// An aggregate of this many words none of which is an aggregate: one
    /// allocation and a word copy.
    Flat(u32),
    /// An aggregate with aggregate fields: copied field by field.
    Deep,
}

/// The [`CopyPlan`] of every type of a program's type table.
pub fn copy_plans(types: &[TypeKind]) -> Vec<CopyPlan> {
    let is_aggregate = |t: TypeId| types.get(t.index()).is_some_and(|k| k.is_aggregate());
    types
        .iter()
        .map(|k| {
            if !k.is_aggregate() {
                return CopyPlan::Share;
            }
            let n = aggregate_words(k);
            let fields_flat = (0..n).all(|i| !is_aggregate(aggregate_field_type(k, i)));
            match u32::try_from(n) {
                Ok(n) if fields_flat => CopyPlan::Flat(n),
                _ => CopyPlan::Deep,
            }
        })
        .collect()
}

/// A value copy of `v`: a new object for an aggregate (nested aggregates
/// copied too, reference-typed fields shared); other values are returned
/// as they are.
///
/// # Safety
/// `v` must be a value of type `ty`.
pub unsafe fn copy(v: u64, ty: TypeId) -> u64 {
    match crate::program().copy_plans.get(ty.index()) {
        Some(CopyPlan::Share) => return v,
        Some(&CopyPlan::Flat(n)) if v != 0 => {
            let n = n as usize;
            // Every word is written at once, before anything else runs.
            let o = crate::heap::alloc_uninit(ty.0, n);
            std::ptr::copy_nonoverlapping(field_ptr(v, 0), o.add(crate::heap::HEADER_WORDS), n);
            return o as u64;
        }
        _ => {}
    }
    let k = kind(ty);
    if !k.is_aggregate() || v == 0 {
        return v;
    }
    let n = aggregate_words(k);
    let o = crate::heap::alloc(ty.0, n) as u64;
    for i in 0..n {
        let ft = aggregate_field_type(k, i);
        set_field(o, i, copy(field(v, i), ft));
    }
    o
}

/// Rust's `clone()`: deep for aggregates, vectors, maps, sets, boxes,
/// cells and enums holding any of those; strings (immutable), closures,
/// references and handles are shared.
///
/// # Safety
/// `v` must be a value of type `ty`.
pub unsafe fn clone(v: u64, ty: TypeId) -> u64 {
    if v == 0 {
        return v;
    }
    match kind(ty) {
        k @ (TypeKind::Struct { .. } | TypeKind::Tuple(_) | TypeKind::Array(..)) => {
            let n = aggregate_words(k);
            let o = crate::heap::alloc(ty.0, n) as u64;
            for i in 0..n {
                set_field(o, i, clone(field(v, i), aggregate_field_type(k, i)));
            }
            o
        }
        TypeKind::Vec(e) => {
            let e = *e;
            let xs = vec_slice(v);
            let out = crate::vec::vec_new(ty, xs.len());
            let deep = needs_deep_clone(e);
            let buf = field(out, VEC_BUF);
            for (i, &x) in xs.iter().enumerate() {
                set_field(buf, i, if deep { clone(x, e) } else { x });
            }
            set_field(out, VEC_LEN, xs.len() as u64);
            out
        }
        TypeKind::Box(t) | TypeKind::Cell(t) => new_cell(ty, clone(field(v, 0), *t)),
        TypeKind::Enum { variants, .. } => {
            let tag = enum_tag(v) as usize;
            let fields = &variants[tag].fields;
            if fields.iter().all(|(_, t)| !needs_deep_clone(*t)) {
                // Enums are immutable: sharing one whose fields need no deep
                // copy is indistinguishable from copying it.
                return v;
            }
            crate::gc::with_rooted_words(fields.len(), |vals| {
                for (i, (_, t)) in fields.iter().enumerate() {
                    vals[i] = clone(enum_field(v, i), *t);
                }
                new_enum(ty, tag as u64, vals)
            })
        }
        TypeKind::Map(..) | TypeKind::Set(_) => map::map_clone(v, ty),
        _ => v,
    }
}

/// Whether cloning a value of `ty` must allocate (it holds something
/// mutable), as opposed to returning the same word.
pub fn needs_deep_clone(ty: TypeId) -> bool {
    needs_deep_clone_within(ty, 8)
}

/// [`needs_deep_clone`] looking at most `depth` enum levels deep; beyond
/// that it answers `true`, which is always correct (only slower), and keeps
/// the walk finite for recursive enums.
fn needs_deep_clone_within(ty: TypeId, depth: u32) -> bool {
    match kind(ty) {
        TypeKind::Unit
        | TypeKind::Bool
        | TypeKind::Char
        | TypeKind::Int(_)
        | TypeKind::Float(_)
        | TypeKind::Str
        | TypeKind::Func { .. }
        | TypeKind::Ref(_)
        | TypeKind::Never
        | TypeKind::Sender(_)
        | TypeKind::Receiver(_)
        | TypeKind::WaitGroup
        | TypeKind::Mutex
        | TypeKind::AtomicI64
        | TypeKind::I64Vec => false,
        TypeKind::Enum { variants, .. } => {
            depth == 0 || variants.iter().any(|v| v.fields.iter().any(|(_, t)| needs_deep_clone_within(*t, depth - 1)))
        }
        _ => true,
    }
}

/// The float value of word `w` of float type `f`, widened to `f64`.
#[inline]
pub fn float_of(w: u64, f: FloatTy) -> f64 {
    match f {
        FloatTy::F64 => f64::from_bits(w),
        FloatTy::F32 => f32::from_bits(w as u32) as f64,
    }
}

/// Structural equality (a derived `PartialEq`; floats by IEEE `==`).
///
/// # Safety
/// `a` and `b` must be values of type `ty`.
pub unsafe fn eq(a: u64, b: u64, ty: TypeId) -> bool {
    match kind(ty) {
        TypeKind::Unit | TypeKind::Never => true,
        TypeKind::Bool | TypeKind::Char | TypeKind::Int(_) => a == b,
        TypeKind::Float(f) => float_of(a, *f) == float_of(b, *f),
        TypeKind::Str => a == b || str_bytes(a) == str_bytes(b),
        k @ (TypeKind::Struct { .. } | TypeKind::Tuple(_) | TypeKind::Array(..)) => {
            a == b || (0..aggregate_words(k)).all(|i| eq(field(a, i), field(b, i), aggregate_field_type(k, i)))
        }
        TypeKind::Enum { variants, .. } => {
            if a == b {
                return true;
            }
            let tag = enum_tag(a);
            tag == enum_tag(b)
                && variants[tag as usize].fields.iter().enumerate().all(|(i, (_, t))| eq(enum_field(a, i), enum_field(b, i), *t))
        }
        TypeKind::Vec(e) => {
            let (xs, ys) = (vec_slice(a), vec_slice(b));
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(&x, &y)| eq(x, y, *e))
        }
        TypeKind::Box(t) | TypeKind::Cell(t) => eq(field(a, 0), field(b, 0), *t),
        TypeKind::Map(..) | TypeKind::Set(_) => map::map_eq(a, b, ty),
        _ => a == b,
    }
}

/// A total order: numbers numerically (floats by IEEE total order), bools
/// and chars by value, strings by bytes, aggregates, vectors and enums
/// lexicographically (enums by tag first), boxes by contents.
///
/// # Safety
/// `a` and `b` must be values of type `ty`.
pub unsafe fn cmp(a: u64, b: u64, ty: TypeId) -> Ordering {
    match kind(ty) {
        TypeKind::Int(it) if it.signed() => (a as i64).cmp(&(b as i64)),
        TypeKind::Int(_) | TypeKind::Bool | TypeKind::Char => a.cmp(&b),
        TypeKind::Float(FloatTy::F64) => f64::from_bits(a).total_cmp(&f64::from_bits(b)),
        TypeKind::Float(FloatTy::F32) => f32::from_bits(a as u32).total_cmp(&f32::from_bits(b as u32)),
        TypeKind::Str => str_bytes(a).cmp(str_bytes(b)),
        k @ (TypeKind::Struct { .. } | TypeKind::Tuple(_) | TypeKind::Array(..)) => {
            for i in 0..aggregate_words(k) {
                match cmp(field(a, i), field(b, i), aggregate_field_type(k, i)) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            Ordering::Equal
        }
        TypeKind::Enum { variants, .. } => {
            let (ta, tb) = (enum_tag(a), enum_tag(b));
            if ta != tb {
                return ta.cmp(&tb);
            }
            for (i, (_, t)) in variants[ta as usize].fields.iter().enumerate() {
                match cmp(enum_field(a, i), enum_field(b, i), *t) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            Ordering::Equal
        }
        TypeKind::Vec(e) => {
            let (xs, ys) = (vec_slice(a), vec_slice(b));
            for (&x, &y) in xs.iter().zip(ys) {
                match cmp(x, y, *e) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            xs.len().cmp(&ys.len())
        }
        TypeKind::Box(t) | TypeKind::Cell(t) => cmp(field(a, 0), field(b, 0), *t),
        _ => Ordering::Equal,
    }
}

/// Rust's `PartialOrd`: like [`cmp`] but floats compare as IEEE does, so a
/// NaN anywhere that decides the comparison gives `None`.
///
/// # Safety
/// `a` and `b` must be values of type `ty`.
pub unsafe fn partial_cmp(a: u64, b: u64, ty: TypeId) -> Option<Ordering> {
    match kind(ty) {
        TypeKind::Float(f) => float_of(a, *f).partial_cmp(&float_of(b, *f)),
        k @ (TypeKind::Struct { .. } | TypeKind::Tuple(_) | TypeKind::Array(..)) => {
            for i in 0..aggregate_words(k) {
                match partial_cmp(field(a, i), field(b, i), aggregate_field_type(k, i)) {
                    Some(Ordering::Equal) => {}
                    o => return o,
                }
            }
            Some(Ordering::Equal)
        }
        TypeKind::Enum { variants, .. } => {
            let (ta, tb) = (enum_tag(a), enum_tag(b));
            if ta != tb {
                return Some(ta.cmp(&tb));
            }
            for (i, (_, t)) in variants[ta as usize].fields.iter().enumerate() {
                match partial_cmp(enum_field(a, i), enum_field(b, i), *t) {
                    Some(Ordering::Equal) => {}
                    o => return o,
                }
            }
            Some(Ordering::Equal)
        }
        TypeKind::Vec(e) => {
            let (xs, ys) = (vec_slice(a), vec_slice(b));
            for (&x, &y) in xs.iter().zip(ys) {
                match partial_cmp(x, y, *e) {
                    Some(Ordering::Equal) => {}
                    o => return o,
                }
            }
            Some(xs.len().cmp(&ys.len()))
        }
        TypeKind::Box(t) | TypeKind::Cell(t) => partial_cmp(field(a, 0), field(b, 0), *t),
        _ => Some(cmp(a, b, ty)),
    }
}

/// Multiplier of the word mixer (from the 64-bit golden ratio, as in
/// Fibonacci hashing).
const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Mixes one word into a running hash (fixed, unseeded: iteration order of
/// maps must be the same on every run).
#[inline(always)]
pub fn mix(h: u64, w: u64) -> u64 {
    let m = ((h ^ w) as u128).wrapping_mul(K as u128);
    (m as u64) ^ ((m >> 64) as u64)
}

/// Final avalanche so that every input bit affects the low bits the map's
/// index uses (murmur3's `fmix64`).
#[inline(always)]
pub fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hash of a byte string, eight bytes at a time.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes(c.try_into().unwrap()));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(last) ^ 0xff);
    }
    h
}

/// A hash consistent with [`eq`]: equal values hash equally (floats by
/// bits, with `-0.0` folded into `0.0`). Not finished; callers apply
/// [`finish`] once.
///
/// # Safety
/// `v` must be a value of type `ty`.
pub unsafe fn hash(v: u64, ty: TypeId) -> u64 {
    match kind(ty) {
        TypeKind::Unit | TypeKind::Never => 0,
        TypeKind::Bool | TypeKind::Char | TypeKind::Int(_) => v,
        TypeKind::Float(f) => {
            let x = float_of(v, *f);
            if x == 0.0 {
                0
            } else {
                x.to_bits()
            }
        }
        TypeKind::Str => hash_bytes(str_bytes(v)),
        k @ (TypeKind::Struct { .. } | TypeKind::Tuple(_) | TypeKind::Array(..)) => {
            let mut h = 0x5151;
            for i in 0..aggregate_words(k) {
                h = mix(h, hash(field(v, i), aggregate_field_type(k, i)));
            }
            h
        }
        TypeKind::Enum { variants, .. } => {
            let tag = enum_tag(v);
            let mut h = mix(0xe, tag);
            for (i, (_, t)) in variants[tag as usize].fields.iter().enumerate() {
                h = mix(h, hash(enum_field(v, i), *t));
            }
            h
        }
        TypeKind::Vec(e) => vec_slice(v).iter().fold(mix(0x7, vec_len(v) as u64), |h, &x| mix(h, hash(x, *e))),
        TypeKind::Box(t) | TypeKind::Cell(t) => hash(field(v, 0), *t),
        _ => v,
    }
}

/// `*r = v` for an aggregate: overwrites `dst`'s words in place with a value
/// copy of `src`'s (so the place keeps its identity and `src` stays
/// independent). `dst` and `src` may be the same object.
///
/// # Safety
/// `dst` and `src` must be aggregate objects of type `ty`.
pub unsafe fn assign_in_place(dst: u64, src: u64, ty: TypeId) {
    if dst == src {
        return;
    }
    let k = kind(ty);
    for i in 0..aggregate_words(k) {
        set_field(dst, i, copy(field(src, i), aggregate_field_type(k, i)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::vec::{vec_from, vec_push};

    #[test]
    fn copy_is_deep_for_nested_aggregates_only() {
        setup();
        unsafe {
            let inner = new_aggregate(T_POINT, &[1, 2]);
            let v = vec_from(T_VEC_I64, &[5]);
            let outer = new_aggregate(T_LINE, &[inner, v]);
            let c = copy(outer, T_LINE);
            assert_ne!(c, outer);
            assert_ne!(field(c, 0), inner, "nested aggregate copied");
            assert_eq!(field(c, 1), v, "vector shared");
            set_field(field(c, 0), 0, 99);
            assert_eq!(field(inner, 0), 1);
            assert!(eq(new_aggregate(T_POINT, &[1, 2]), inner, T_POINT));
        }
    }

    #[test]
    fn copy_plans_follow_the_fields() {
        setup();
        let plans = &crate::program().copy_plans;
        assert_eq!(plans[T_I64.index()], CopyPlan::Share);
        assert_eq!(plans[T_VEC_I64.index()], CopyPlan::Share);
        assert_eq!(plans[T_POINT.index()], CopyPlan::Flat(2));
        assert_eq!(plans[T_LINE.index()], CopyPlan::Deep);
        unsafe {
            // A flat copy is a new object with the same words.
            let p = new_aggregate(T_POINT, &[3, 4]);
            let c = copy(p, T_POINT);
            assert_ne!(c, p);
            assert_eq!((field(c, 0), field(c, 1)), (3, 4));
            assert_eq!(crate::heap::object_words(c as *const u64), 2);
            assert_eq!(crate::heap::type_of(c as *const u64), T_POINT.0);
        }
    }

    #[test]
    fn clone_is_deep_for_vectors_and_boxes() {
        setup();
        unsafe {
            let v = vec_from(T_VEC_I64, &[5]);
            let outer = new_aggregate(T_LINE, &[new_aggregate(T_POINT, &[1, 2]), v]);
            let c = clone(outer, T_LINE);
            assert_ne!(field(c, 1), v);
            vec_push(v, 6);
            assert_eq!(vec_len(field(c, 1)), 1);
            let b = new_cell(T_BOX_I64, 3);
            let bc = clone(b, T_BOX_I64);
            assert_ne!(b, bc);
            assert!(eq(b, bc, T_BOX_I64));
            let s = crate::str_from("x");
            assert_eq!(clone(s, T_STR), s);
        }
    }

    #[test]
    fn eq_and_cmp_are_structural() {
        setup();
        unsafe {
            let a = crate::str_from("abc");
            let b = crate::str_from("abd");
            assert!(!eq(a, b, T_STR));
            assert!(eq(a, crate::str_from("abc"), T_STR));
            assert_eq!(cmp(a, b, T_STR), Ordering::Less);
            let t1 = new_aggregate(T_TUP_I64_STR, &[1, b]);
            let t2 = new_aggregate(T_TUP_I64_STR, &[1, a]);
            assert_eq!(cmp(t1, t2, T_TUP_I64_STR), Ordering::Greater);
            assert_eq!(cmp((-1i64) as u64, 1, T_I64), Ordering::Less);
            let none = new_enum(T_OPT_I64, 0, &[]);
            let some = new_enum(T_OPT_I64, 1, &[0]);
            assert!(!eq(none, some, T_OPT_I64));
            assert!(eq(some, new_enum(T_OPT_I64, 1, &[0]), T_OPT_I64));
            assert_eq!(cmp(none, some, T_OPT_I64), Ordering::Less);
            let nan = f64::NAN.to_bits();
            assert!(!eq(nan, nan, T_F64));
            assert!(eq(0.0f64.to_bits(), (-0.0f64).to_bits(), T_F64));
            assert_eq!(hash(0.0f64.to_bits(), T_F64), hash((-0.0f64).to_bits(), T_F64));
            assert_eq!(partial_cmp(nan, 0, T_F64), None);
            let v1 = vec_from(T_VEC_I64, &[1, 2]);
            let v2 = vec_from(T_VEC_I64, &[1, 2, 0]);
            assert_eq!(cmp(v1, v2, T_VEC_I64), Ordering::Less);
            assert!(!eq(v1, v2, T_VEC_I64));
        }
    }

    #[test]
    fn hash_agrees_with_eq() {
        setup();
        unsafe {
            let a = new_aggregate(T_TUP_I64_STR, &[7, crate::str_from("key")]);
            let b = new_aggregate(T_TUP_I64_STR, &[7, crate::str_from("key")]);
            assert_eq!(hash(a, T_TUP_I64_STR), hash(b, T_TUP_I64_STR));
            assert_ne!(hash_bytes(b"ab"), hash_bytes(b"ba"));
            assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        }
    }

    #[test]
    fn assign_in_place_keeps_identity() {
        setup();
        unsafe {
            let dst = new_aggregate(T_POINT, &[1, 2]);
            let src = new_aggregate(T_POINT, &[3, 4]);
            assign_in_place(dst, src, T_POINT);
            assert_eq!((field(dst, 0), field(dst, 1)), (3, 4));
            set_field(src, 0, 0);
            assert_eq!(field(dst, 0), 3);
        }
    }
}
