//! The layouts of heap objects (design/ARCHITECTURE.md) and their accessors.
//!
//! Every object is a header word followed by value words (see `heap`):
//! aggregates (structs, tuples, fixed arrays) have one word per field,
//! enums a tag then the variant's fields, boxes and cells one word,
//! closures the function then the captures, vectors `[len, cap, buffer]`
//! where the buffer is a separate object of `cap` words (so that growing
//! a vector never moves the vector object that every copy points to), and
//! references to non-aggregate places `[kind, base, index]`.
//!
//! Invariants: a vector's `len <= cap`, and its buffer (0 when `cap` is 0)
//! has at least `cap` words; element accesses are bounds-checked against
//! `len`, with Go's panic message. The accessors the VM calls on every
//! field or element access are `#[inline]` and check nothing beyond what
//! the language requires: validating a program's types is the compiler's
//! job, and a check here would be paid on every instruction.

pub use crate::heap::HEADER_WORDS;
use crate::heap::{alloc, LAYOUT_REF};
use crate::natives::Site;
use gos_abi::TypeId;

/// Word `i` after the header of `obj`.
///
/// # Safety
/// `obj` must be an object with more than `i` words.
#[inline(always)]
pub unsafe fn field(obj: u64, i: usize) -> u64 {
    *(obj as *const u64).add(HEADER_WORDS + i)
}

/// Sets word `i` after the header of `obj`.
///
/// # Safety
/// `obj` must be an object with more than `i` words.
#[inline(always)]
pub unsafe fn set_field(obj: u64, i: usize, v: u64) {
    *(obj as *mut u64).add(HEADER_WORDS + i) = v;
}

/// A pointer to word `i` after the header of `obj`.
///
/// # Safety
/// `obj` must be an object with at least `i` words.
#[inline(always)]
pub unsafe fn field_ptr(obj: u64, i: usize) -> *mut u64 {
    (obj as *mut u64).add(HEADER_WORDS + i)
}

/// The type id (or internal layout id) in `obj`'s header.
///
/// # Safety
/// `obj` must be a heap object.
#[inline(always)]
pub unsafe fn header_type(obj: u64) -> u32 {
    *(obj as *const u64) as u32
}

/// Vector object word: number of elements.
pub const VEC_LEN: usize = 0;
/// Vector object word: capacity of the buffer, in elements.
pub const VEC_CAP: usize = 1;
/// Vector object word: the buffer object (0 when the capacity is 0).
pub const VEC_BUF: usize = 2;

/// The length of vector `v`.
///
/// # Safety
/// `v` must be a vector object.
#[inline(always)]
pub unsafe fn vec_len(v: u64) -> i64 {
    field(v, VEC_LEN) as i64
}

/// Element `i` of vector `v`; out of range panics as Go does.
///
/// # Safety
/// `v` must be a vector object.
#[inline(always)]
pub unsafe fn vec_get(v: u64, i: i64, site: &Site) -> u64 {
    let len = field(v, VEC_LEN);
    if (i as u64) >= len {
        index_out_of_range(i, len as i64, site);
    }
    field(field(v, VEC_BUF), i as usize)
}

/// Sets element `i` of vector `v`; out of range panics as Go does.
///
/// # Safety
/// `v` must be a vector object.
#[inline(always)]
pub unsafe fn vec_set(v: u64, i: i64, x: u64, site: &Site) {
    let len = field(v, VEC_LEN);
    if (i as u64) >= len {
        index_out_of_range(i, len as i64, site);
    }
    set_field(field(v, VEC_BUF), i as usize, x);
}

/// The elements of vector `v` as a slice (valid until the vector next grows).
/// The length is bounded by the buffer object's own size, so that a vector
/// whose `len` a racing goroutine is changing still yields a slice inside
/// its buffer.
///
/// # Safety
/// `v` must be a vector object, and the slice must not outlive a push.
#[inline]
pub unsafe fn vec_slice<'a>(v: u64) -> &'a [u64] {
    let len = field(v, VEC_LEN) as usize;
    let buf = field(v, VEC_BUF);
    if len == 0 || buf == 0 {
        return &[];
    }
    let len = len.min(crate::heap::object_words(buf as *const u64));
    std::slice::from_raw_parts(field_ptr(buf, 0), len)
}

/// The elements of vector `v` as a mutable slice (bounded as [`vec_slice`]).
///
/// # Safety
/// As [`vec_slice`], and no other slice of the same vector may be alive.
#[inline]
pub unsafe fn vec_slice_mut<'a>(v: u64) -> &'a mut [u64] {
    let len = field(v, VEC_LEN) as usize;
    let buf = field(v, VEC_BUF);
    if len == 0 || buf == 0 {
        return &mut [];
    }
    let len = len.min(crate::heap::object_words(buf as *const u64));
    std::slice::from_raw_parts_mut(field_ptr(buf, 0), len)
}

/// Reports an index outside `0..len` in Go's words.
#[cold]
#[inline(never)]
pub fn index_out_of_range(i: i64, len: i64, site: &Site) -> ! {
    if i < 0 {
        crate::panic_at(&format!("runtime error: index out of range [{i}]"), site)
    }
    crate::panic_at(&format!("runtime error: index out of range [{i}] with length {len}"), site)
}

/// A closure object of type `ty`: the function (VM index or code address)
/// then the captured words.
///
/// # Safety
/// `ty` must be a `Func` type of the running program.
pub unsafe fn new_closure(ty: TypeId, func: u64, captures: &[u64]) -> u64 {
    let o = alloc(ty.0, 1 + captures.len());
    *o.add(HEADER_WORDS) = func;
    std::ptr::copy_nonoverlapping(captures.as_ptr(), o.add(HEADER_WORDS + 1), captures.len());
    o as u64
}

/// An enum value of type `ty`: `tag` then the variant's fields.
///
/// # Safety
/// `ty` must be an enum type whose variant `tag` has `fields.len()` fields.
#[inline]
pub unsafe fn new_enum(ty: TypeId, tag: u64, fields: &[u64]) -> u64 {
    // Every word is written below, before anything else can run.
    let o = crate::heap::alloc_uninit(ty.0, 1 + fields.len());
    *o.add(HEADER_WORDS) = tag;
    std::ptr::copy_nonoverlapping(fields.as_ptr(), o.add(HEADER_WORDS + 1), fields.len());
    o as u64
}

/// The tag of enum value `e`.
///
/// # Safety
/// `e` must be an enum object.
#[inline(always)]
pub unsafe fn enum_tag(e: u64) -> u64 {
    field(e, 0)
}

/// Field `i` of the variant held by enum value `e`.
///
/// # Safety
/// `e` must be an enum object whose variant has more than `i` fields.
#[inline(always)]
pub unsafe fn enum_field(e: u64, i: usize) -> u64 {
    field(e, 1 + i)
}

/// A struct, tuple or fixed array of type `ty` from its field values.
///
/// # Safety
/// `ty` must be an aggregate type with `fields.len()` words.
#[inline]
pub unsafe fn new_aggregate(ty: TypeId, fields: &[u64]) -> u64 {
    // Every word is written below, before anything else can run.
    let o = crate::heap::alloc_uninit(ty.0, fields.len());
    std::ptr::copy_nonoverlapping(fields.as_ptr(), o.add(HEADER_WORDS), fields.len());
    o as u64
}

/// An aggregate of type `ty` whose `n` words are all `v` (`[v; n]` of an
/// element that copies as itself).
///
/// # Safety
/// `ty` must be an aggregate type of `n` words, and `v` a value every one
/// of its words may hold without a copy.
pub unsafe fn new_aggregate_repeat(ty: TypeId, v: u64, n: usize) -> u64 {
    if v == 0 {
        // Cleared by the allocator, which skips fresh pages (zero from the
        // kernel): `[0; N]` of a large N touches no page until it is used.
        return crate::heap::alloc(ty.0, n) as u64;
    }
    // Every word is written below, before anything else can run.
    let o = crate::heap::alloc_uninit(ty.0, n);
    std::slice::from_raw_parts_mut(o.add(HEADER_WORDS), n).fill(v);
    o as u64
}

/// A one-word `Box<T>` or `Cell<T>` of type `ty` holding `v`.
///
/// # Safety
/// `ty` must be a `Box` or `Cell` type.
#[inline]
pub unsafe fn new_cell(ty: TypeId, v: u64) -> u64 {
    let o = alloc(ty.0, 1);
    *o.add(HEADER_WORDS) = v;
    o as u64
}

/// Reference kind: word `index` of the object `base` (a cell, box or
/// aggregate field).
pub const REF_WORD: u64 = 0;
/// Reference kind: element `index` of the vector `base`, bounds-checked at
/// each access, so that the reference always sees the vector's current
/// storage.
pub const REF_VEC_ELEM: u64 = 1;

/// A reference object to a non-aggregate place (see [`REF_WORD`] and
/// [`REF_VEC_ELEM`]). References to aggregates are the object itself and
/// never come here.
///
/// # Safety
/// `base` must be an object that has word `index` (kind 0) or a vector
/// (kind 1).
pub unsafe fn new_ref(kind: u64, base: u64, index: u64) -> u64 {
    let o = alloc(LAYOUT_REF, 3);
    *o.add(HEADER_WORDS) = kind;
    *o.add(HEADER_WORDS + 1) = base;
    *o.add(HEADER_WORDS + 2) = index;
    o as u64
}

/// Reads the place reference `r` names.
///
/// # Safety
/// `r` must be a reference object made by [`new_ref`].
#[inline]
pub unsafe fn ref_load(r: u64, site: &Site) -> u64 {
    let base = field(r, 1);
    let index = field(r, 2);
    if field(r, 0) == REF_VEC_ELEM {
        vec_get(base, index as i64, site)
    } else {
        field(base, index as usize)
    }
}

/// Writes `v` into the place reference `r` names.
///
/// # Safety
/// `r` must be a reference object made by [`new_ref`].
#[inline]
pub unsafe fn ref_store(r: u64, v: u64, site: &Site) {
    let base = field(r, 1);
    let index = field(r, 2);
    if field(r, 0) == REF_VEC_ELEM {
        vec_set(base, index as i64, v, site)
    } else {
        set_field(base, index as usize, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn aggregates_enums_closures_store_their_words() {
        setup();
        unsafe {
            let p = new_aggregate(T_POINT, &[1, (-2i64) as u64]);
            assert_eq!(header_type(p), T_POINT.0);
            assert_eq!(field(p, 0), 1);
            assert_eq!(field(p, 1) as i64, -2);
            set_field(p, 0, 9);
            assert_eq!(field(p, 0), 9);
            let e = new_enum(T_OPT_I64, 1, &[42]);
            assert_eq!(enum_tag(e), 1);
            assert_eq!(enum_field(e, 0), 42);
            let c = new_closure(T_I64, 17, &[3, 4]);
            assert_eq!((field(c, 0), field(c, 1), field(c, 2)), (17, 3, 4));
        }
    }

    #[test]
    fn refs_read_and_write_cells_and_vector_elements() {
        setup();
        unsafe {
            let cell = new_cell(T_BOX_I64, 5);
            let r = new_ref(REF_WORD, cell, 0);
            assert_eq!(ref_load(r, &SITE), 5);
            ref_store(r, 6, &SITE);
            assert_eq!(field(cell, 0), 6);
            let v = crate::vec::vec_from(T_VEC_I64, &[10, 20, 30]);
            let r = new_ref(REF_VEC_ELEM, v, 2);
            assert_eq!(ref_load(r, &SITE), 30);
            ref_store(r, 31, &SITE);
            assert_eq!(vec_get(v, 2, &SITE), 31);
            assert_eq!(vec_len(v), 3);
        }
    }
}
