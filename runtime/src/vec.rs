//! Growable vectors (`Vec<T>`, `[T]`): creation, growth and the operations
//! behind the `Vec*` intrinsics.
//!
//! Design: a vector object `[len, cap, buffer]` (see `object`) whose buffer
//! is a separate object of `cap` words, laid out `LAYOUT_PTRS` when the
//! element type is a pointer type and `LAYOUT_RAW` otherwise, so that the
//! collector traces exactly the words that hold pointers. Growth doubles
//! the capacity ([`MIN_CAPACITY`] at least), copying into a new buffer;
//! the vector object itself never moves, which is what lets every copy of a
//! vector handle (and every `&v[i]` reference, which names the vector and an
//! index) see pushes made through any other.
//!
//! Races: vectors are shared objects, and a push from two goroutines at
//! once without a lock is a data race that may lose an element, but every
//! operation here bounds its reads and writes by the buffer object's own
//! size (not by `len` or `cap`, which a racing goroutine may be changing),
//! so a race never corrupts memory (LANGUAGE.md §7).
//!
//! Element values are words; aggregate elements are pointers to objects
//! the vector owns. Operations that put existing elements into a second
//! container (`extend`, `slice`) copy aggregates so that no two places share
//! one, as the IR's value model requires; `push` receives a value the
//! compiler has already copied.

use crate::heap::{alloc, object_words, HEADER_WORDS, LAYOUT_PTRS, LAYOUT_RAW};
use crate::natives::Site;
use crate::object::*;
use gos_abi::{TypeId, TypeKind};

/// Capacity of the first buffer a push allocates: small enough that tiny
/// vectors waste little, large enough to skip the 1-2-4 reallocations.
pub const MIN_CAPACITY: usize = 4;

/// The element type of vector type `ty`.
#[inline]
pub fn elem_type(ty: TypeId) -> TypeId {
    match crate::kind(ty) {
        TypeKind::Vec(e) => *e,
        other => crate::panic::fatal(&format!("runtime: vector operation on a value of type {other:?}")),
    }
}

/// The buffer layout for elements of type `elem`.
#[inline]
fn buffer_layout(elem: TypeId) -> u32 {
    if crate::kind(elem).is_pointer() {
        LAYOUT_PTRS
    } else {
        LAYOUT_RAW
    }
}

/// A new empty vector of type `ty` with room for `cap` elements.
pub fn vec_new(ty: TypeId, cap: usize) -> u64 {
    let v = alloc(ty.0, 3);
    if cap > 0 {
        let buf = alloc(buffer_layout(elem_type(ty)), cap);
        // SAFETY: `v` has three words.
        unsafe {
            *v.add(HEADER_WORDS + VEC_CAP) = cap as u64;
            *v.add(HEADER_WORDS + VEC_BUF) = buf as u64;
        }
    }
    v as u64
}

/// A new vector of type `ty` holding `elems`.
pub fn vec_from(ty: TypeId, elems: &[u64]) -> u64 {
    let v = vec_new(ty, elems.len());
    // SAFETY: the buffer has room for `elems.len()` words.
    unsafe {
        if !elems.is_empty() {
            std::ptr::copy_nonoverlapping(elems.as_ptr(), field_ptr(field(v, VEC_BUF), 0), elems.len());
        }
        set_field(v, VEC_LEN, elems.len() as u64);
    }
    v
}

/// Makes room for at least `extra` more elements in `v`.
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_reserve(v: u64, extra: usize) {
    let len = field(v, VEC_LEN) as usize;
    let cap = field(v, VEC_CAP) as usize;
    let needed = len.checked_add(extra).unwrap_or_else(|| crate::panic::fatal("runtime: out of memory"));
    if needed <= cap {
        return;
    }
    let new_cap = needed.max(cap.saturating_mul(2)).max(MIN_CAPACITY);
    let old = field(v, VEC_BUF);
    let layout = if old != 0 { header_type(old) } else { buffer_layout(elem_type(TypeId(header_type(v)))) };
    let buf = alloc(layout, new_cap);
    // Copy no more than the old buffer holds, even if a racing push made
    // `len` and the buffer disagree: a data race may lose elements but must
    // never read or write outside an object.
    let keep = if old != 0 { len.min(object_words(old as *const u64)) } else { 0 };
    if keep > 0 {
        std::ptr::copy_nonoverlapping(field_ptr(old, 0), buf.add(HEADER_WORDS), keep);
    }
    // The buffer is published before the capacity, so a racing reader that
    // sees the new capacity also sees a buffer at least that large.
    set_field(v, VEC_BUF, buf as u64);
    set_field(v, VEC_CAP, new_cap as u64);
}

/// Appends `x` to `v`.
///
/// # Safety
/// `v` must be a vector object.
#[inline]
pub unsafe fn vec_push(v: u64, x: u64) {
    let len = field(v, VEC_LEN);
    if len >= field(v, VEC_CAP) {
        vec_reserve(v, 1);
    }
    let buf = field(v, VEC_BUF);
    // The buffer's own size is the bound for the write (see `vec_reserve`):
    // under a data race `cap` may not describe `buf`.
    if buf == 0 || len as usize >= object_words(buf as *const u64) {
        return;
    }
    set_field(buf, len as usize, x);
    set_field(v, VEC_LEN, len + 1);
}

/// Removes and returns the last element, if any.
///
/// # Safety
/// `v` must be a vector object.
#[inline]
pub unsafe fn vec_pop(v: u64) -> Option<u64> {
    let len = field(v, VEC_LEN);
    if len == 0 {
        return None;
    }
    let buf = field(v, VEC_BUF);
    let x = field(buf, len as usize - 1);
    // Clearing the slot lets the collector free what it pointed to.
    set_field(buf, len as usize - 1, 0);
    set_field(v, VEC_LEN, len - 1);
    Some(x)
}

/// Inserts `x` at `i`, shifting later elements; `i > len` panics with
/// Rust's message.
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_insert(v: u64, i: i64, x: u64, site: &Site) {
    let len = field(v, VEC_LEN) as i64;
    if i < 0 || i > len {
        crate::panic_at(&format!("insertion index (is {i}) should be <= len (is {len})"), site);
    }
    vec_reserve(v, 1);
    let buf = field(v, VEC_BUF);
    if buf == 0 || len as usize >= object_words(buf as *const u64) {
        // Only a racing goroutine can get here (see the module docs).
        return;
    }
    let p = field_ptr(buf, 0);
    std::ptr::copy(p.add(i as usize), p.add(i as usize + 1), (len - i) as usize);
    *p.add(i as usize) = x;
    set_field(v, VEC_LEN, (len + 1) as u64);
}

/// Removes and returns element `i`, shifting later elements; out of range
/// panics with Rust's message.
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_remove(v: u64, i: i64, site: &Site) -> u64 {
    let xs = vec_slice_mut(v);
    let len = xs.len() as i64;
    if i < 0 || i >= len {
        crate::panic_at(&format!("removal index (is {i}) should be < len (is {len})"), site);
    }
    let x = xs[i as usize];
    xs.copy_within(i as usize + 1.., i as usize);
    xs[len as usize - 1] = 0;
    set_field(v, VEC_LEN, (len - 1) as u64);
    x
}

/// Shortens `v` to `n` elements (no effect if it is not longer).
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_truncate(v: u64, n: i64) {
    let xs = vec_slice_mut(v);
    let n = n.max(0) as usize;
    if n >= xs.len() {
        return;
    }
    // Clearing the dropped slots lets the collector free what they held.
    xs[n..].fill(0);
    set_field(v, VEC_LEN, n as u64);
}

/// A value-semantics copy of `x` if `elem` is an aggregate, else `x`.
#[inline]
unsafe fn copy_if_aggregate(x: u64, elem: TypeId) -> u64 {
    if crate::kind(elem).is_aggregate() {
        crate::value::copy(x, elem)
    } else {
        x
    }
}

/// Appends `other`'s elements to `v` (copies of aggregate elements). `v`
/// and `other` may be the same vector.
///
/// # Safety
/// Both must be vector objects of the same type.
pub unsafe fn vec_extend(v: u64, other: u64) {
    let n = vec_slice(other).len();
    if n == 0 {
        return;
    }
    let elem = elem_type(TypeId(header_type(v)));
    vec_reserve(v, n);
    let aggregate = crate::kind(elem).is_aggregate();
    for i in 0..n {
        // Re-read each time: when `v` is `other`, pushing may move its buffer.
        let Some(&x) = vec_slice(other).get(i) else { break };
        vec_push(v, if aggregate { crate::value::copy(x, elem) } else { x });
    }
}

/// A new vector of `v`'s elements `a..b`; a bad range panics as Go's slice
/// expressions do.
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_slice_range(v: u64, a: i64, b: i64, site: &Site) -> u64 {
    let len = vec_len(v);
    check_slice_bounds(a, b, len, site);
    let ty = TypeId(header_type(v));
    let elem = elem_type(ty);
    let out = vec_new(ty, (b - a) as usize);
    for &x in vec_slice(v).get(a as usize..b as usize).unwrap_or(&[]) {
        vec_push(out, copy_if_aggregate(x, elem));
    }
    out
}

/// Checks `a..b` against a length in Go's words.
pub fn check_slice_bounds(a: i64, b: i64, len: i64, site: &Site) {
    if b < 0 || b > len {
        crate::panic_at(&format!("runtime error: slice bounds out of range [:{b}] with length {len}"), site);
    }
    if a < 0 || a > b {
        crate::panic_at(&format!("runtime error: slice bounds out of range [{a}:{b}]"), site);
    }
}

/// Swaps elements `i` and `j`; out of range panics as indexing does.
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_swap(v: u64, i: i64, j: i64, site: &Site) {
    let len = vec_len(v);
    for k in [i, j] {
        if k < 0 || k >= len {
            index_out_of_range(k, len, site);
        }
    }
    vec_slice_mut(v).swap(i as usize, j as usize);
}

/// Sorts `v` ascending, stably: integers numerically (signed or not by the
/// element type), floats by IEEE total order, strings by bytes, everything
/// else by [`crate::value::cmp`].
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_sort(v: u64) {
    let elem = elem_type(TypeId(header_type(v)));
    let xs = vec_slice_mut(v);
    match crate::kind(elem) {
        // Equal scalars are indistinguishable, so an unstable sort is as
        // good as a stable one here, and faster.
        TypeKind::Int(it) if it.signed() => xs.sort_unstable_by_key(|&x| x as i64),
        TypeKind::Int(_) | TypeKind::Bool | TypeKind::Char | TypeKind::Unit => xs.sort_unstable(),
        TypeKind::Float(gos_abi::FloatTy::F64) => xs.sort_by(|&a, &b| f64::from_bits(a).total_cmp(&f64::from_bits(b))),
        TypeKind::Float(gos_abi::FloatTy::F32) => xs.sort_by(|&a, &b| f32::from_bits(a as u32).total_cmp(&f32::from_bits(b as u32))),
        TypeKind::Str => xs.sort_by(|&a, &b| crate::strings::str_bytes(a).cmp(crate::strings::str_bytes(b))),
        _ => xs.sort_by(|&a, &b| crate::value::cmp(a, b, elem)),
    }
}

/// Reverses `v` in place.
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_reverse(v: u64) {
    vec_slice_mut(v).reverse();
}

/// Removes every element of `v` (keeping its capacity).
///
/// # Safety
/// `v` must be a vector object.
pub unsafe fn vec_clear(v: u64) {
    vec_truncate(v, 0);
}

/// A vector of type `ty` of `n` clones of `x` (`vec![x; n]`); a negative
/// `n` panics as Go's `make` does.
///
/// # Safety
/// `x` must be a value of `ty`'s element type.
pub unsafe fn vec_repeat(ty: TypeId, x: u64, n: i64, site: &Site) -> u64 {
    if !(0..=1 << 45).contains(&n) {
        crate::panic_at("runtime error: makeslice: len out of range", site);
    }
    let elem = elem_type(ty);
    let v = vec_new(ty, n as usize);
    let buf = field(v, VEC_BUF);
    if crate::kind(elem).is_pointer() && !matches!(crate::kind(elem), TypeKind::Str) {
        for i in 0..n as usize {
            set_field(buf, i, crate::value::clone(x, elem));
        }
    } else if n > 0 {
        std::slice::from_raw_parts_mut(field_ptr(buf, 0), n as usize).fill(x);
    }
    set_field(v, VEC_LEN, n as u64);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    fn ints(v: u64) -> Vec<i64> {
        unsafe { vec_slice(v).iter().map(|&x| x as i64).collect() }
    }

    #[test]
    fn push_pop_grow() {
        setup();
        let v = vec_new(T_VEC_I64, 0);
        unsafe {
            for i in 0..100 {
                vec_push(v, i);
            }
            assert_eq!(vec_len(v), 100);
            assert_eq!(vec_get(v, 99, &SITE), 99);
            assert_eq!(vec_pop(v), Some(99));
            assert_eq!(vec_len(v), 99);
            vec_clear(v);
            assert_eq!(vec_pop(v), None);
        }
    }

    #[test]
    fn insert_remove_swap_reverse_truncate() {
        setup();
        let v = vec_from(T_VEC_I64, &[1, 2, 3]);
        unsafe {
            vec_insert(v, 0, 0, &SITE);
            vec_insert(v, 4, 4, &SITE);
            assert_eq!(ints(v), [0, 1, 2, 3, 4]);
            assert_eq!(vec_remove(v, 2, &SITE), 2);
            assert_eq!(ints(v), [0, 1, 3, 4]);
            vec_swap(v, 0, 3, &SITE);
            assert_eq!(ints(v), [4, 1, 3, 0]);
            vec_reverse(v);
            assert_eq!(ints(v), [0, 3, 1, 4]);
            vec_truncate(v, 2);
            assert_eq!(ints(v), [0, 3]);
            vec_extend(v, v);
            assert_eq!(ints(v), [0, 3, 0, 3]);
            let s = vec_slice_range(v, 1, 3, &SITE);
            assert_eq!(ints(s), [3, 0]);
        }
    }

    #[test]
    #[should_panic(expected = "runtime error: index out of range [3] with length 3")]
    fn get_out_of_range_panics_like_go() {
        setup();
        let v = vec_from(T_VEC_I64, &[1, 2, 3]);
        unsafe { vec_get(v, 3, &SITE) };
    }

    #[test]
    #[should_panic(expected = "runtime error: index out of range [-1]")]
    fn negative_index_panics_like_go() {
        setup();
        let v = vec_from(T_VEC_I64, &[1]);
        unsafe { vec_set(v, -1, 0, &SITE) };
    }

    #[test]
    #[should_panic(expected = "removal index (is 5) should be < len (is 1)")]
    fn remove_out_of_range_panics_like_rust() {
        setup();
        let v = vec_from(T_VEC_I64, &[1]);
        unsafe { vec_remove(v, 5, &SITE) };
    }

    #[test]
    #[should_panic(expected = "runtime error: slice bounds out of range [:5] with length 3")]
    fn slice_out_of_range_panics_like_go() {
        setup();
        let v = vec_from(T_VEC_I64, &[1, 2, 3]);
        unsafe { vec_slice_range(v, 0, 5, &SITE) };
    }

    #[test]
    fn sort_orders_by_element_type() {
        setup();
        unsafe {
            let v = vec_from(T_VEC_I64, &[3, (-1i64) as u64, 2]);
            vec_sort(v);
            assert_eq!(ints(v), [-1, 2, 3]);
            let fs: Vec<u64> = [2.5f64, -0.0, f64::NAN, -1.0, 0.0].iter().map(|f| f.to_bits()).collect();
            let v = vec_from(T_VEC_F64, &fs);
            vec_sort(v);
            let got: Vec<String> = vec_slice(v).iter().map(|&x| format!("{:?}", f64::from_bits(x))).collect();
            assert_eq!(got, ["-1.0", "-0.0", "0.0", "2.5", "NaN"]);
            let v = vec_from(T_VEC_STR, &[crate::str_from("b"), crate::str_from("B"), crate::str_from("a")]);
            vec_sort(v);
            let got: Vec<&str> = vec_slice(v).iter().map(|&x| crate::str_as_str(x)).collect();
            assert_eq!(got, ["B", "a", "b"]);
        }
    }

    #[test]
    fn racing_pushes_never_corrupt_memory() {
        setup();
        let v = vec_new(T_VEC_I64, 0);
        let handles: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || unsafe {
                    for i in 0..20_000u64 {
                        vec_push(v, t * 100_000 + i);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        unsafe {
            let len = vec_len(v) as usize;
            assert!(len <= 80_000);
            assert!(len <= object_words(field(v, VEC_BUF) as *const u64));
        }
    }

    #[test]
    fn repeat_clones_reference_elements() {
        setup();
        unsafe {
            let inner = vec_from(T_VEC_I64, &[1]);
            let vv = vec_repeat(T_VEC_VEC_I64, inner, 3, &SITE);
            assert_eq!(vec_len(vv), 3);
            vec_push(vec_get(vv, 0, &SITE), 2);
            assert_eq!(vec_len(vec_get(vv, 1, &SITE)), 1);
            assert_eq!(vec_len(inner), 1);
            let zeros = vec_repeat(T_VEC_I64, 0, 5, &SITE);
            assert_eq!(ints(zeros), [0; 5]);
        }
    }
}
