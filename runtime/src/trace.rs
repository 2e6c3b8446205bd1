//! Which words of a heap object are pointers: the one description of every
//! layout that the collector's mark phase walks.
//!
//! Design: the heap is traced precisely. An object's header names either a
//! type of the program's table or an internal layout (`heap::LAYOUT_*`),
//! and together with the hidden size word that says exactly which words
//! may point to other objects: aggregate and enum fields whose types are
//! pointer types, a vector's buffer, the elements of a `LAYOUT_PTRS`
//! buffer, a string's byte buffer, a map's entry and index arrays and the
//! key and value words of its entries, a reference's base. A pointer word
//! may be 0 (an empty vector's buffer, an empty string's buffer, a cleared
//! slot); callers skip it.
//!
//! The one imprecise case is a closure's captures, whose types the `Func`
//! type does not carry: they are reported as *candidate* pointers, which the
//! collector must check against its object map before following (it needs
//! that check anyway for the conservatively scanned stacks). Rejected:
//! per-closure layout descriptors, which would need a new ABI type for one
//! rare case.
//!
//! Invariant (checked by the tests): every word this module reports as a
//! pointer holds 0 or the address of a heap object, for every object the
//! runtime creates.

use crate::heap::*;
use crate::object::field;
use gos_abi::TypeKind;

/// How sure the tracer is that a reported word is a pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pointer {
    /// The layout says so: the word is 0 or an object's address.
    Exact,
    /// A closure capture of unknown type: follow it only if it is the
    /// address of an object.
    Candidate,
}

/// Which words of objects of one program type are pointers: built once
/// per type ([`describe`]) so that the collector's mark loop does one
/// table lookup per object instead of walking the type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Desc {
    /// No word is a pointer.
    NoScan,
    /// These words are pointers.
    Words(Box<[u32]>),
    /// An enum: per variant tag (word 0), the words that are pointers.
    Enum(Box<[Box<[u32]>]>),
    /// A closure: word 0 is the function, the rest are captures of unknown
    /// type (candidates).
    Func,
}

impl Desc {
    /// Whether objects of this type never hold pointers.
    pub fn is_noscan(&self) -> bool {
        match self {
            Desc::NoScan => true,
            Desc::Words(w) => w.is_empty(),
            Desc::Enum(vs) => vs.iter().all(|v| v.is_empty()),
            Desc::Func => false,
        }
    }
}

/// The pointer words of objects of type kind `k` (of the running program).
pub fn describe(k: &TypeKind) -> Desc {
    let is_ptr = |t: gos_abi::TypeId| crate::kind(t).is_pointer();
    match k {
        // Every element of an array has the element's type: one question,
        // not one per element (a [i64; 139968] took ~0.4 ms at start-up).
        TypeKind::Array(t, n) if is_ptr(*t) => Desc::Words((0..*n as u32).collect()),
        TypeKind::Array(..) => Desc::NoScan,
        TypeKind::Struct { .. } | TypeKind::Tuple(_) => Desc::Words(
            (0..crate::value::aggregate_words(k))
                .filter(|&i| is_ptr(crate::value::aggregate_field_type(k, i)))
                .map(|i| i as u32)
                .collect(),
        ),
        TypeKind::Enum { variants, .. } => Desc::Enum(
            variants
                .iter()
                .map(|v| v.fields.iter().enumerate().filter(|(_, (_, t))| is_ptr(*t)).map(|(i, _)| 1 + i as u32).collect())
                .collect(),
        ),
        TypeKind::Box(t) | TypeKind::Cell(t) if is_ptr(*t) => Desc::Words(Box::new([0])),
        TypeKind::Vec(_) => Desc::Words(Box::new([crate::object::VEC_BUF as u32])),
        // Entry array and index array (see `map`).
        TypeKind::Map(..) | TypeKind::Set(_) => Desc::Words(Box::new([3, 4])),
        TypeKind::Func { .. } => Desc::Func,
        // Scalars and `Str` never have objects of their table type; the
        // handle types' layouts belong to the concurrency runtime.
        _ => Desc::NoScan,
    }
}

/// Whether objects of internal layout `ty` hold no pointers.
pub fn layout_is_noscan(ty: u32) -> bool {
    match ty {
        LAYOUT_RAW | LAYOUT_STRBUF | LAYOUT_STR_INLINE | LAYOUT_HANDLE => true,
        t if t & !1 == LAYOUT_CHAN => t & 1 == 0,
        t if t & !3 == LAYOUT_MAP_ENTRIES => t & 3 == 0,
        _ => false,
    }
}

/// Calls `f` with each word of object `obj` that may point to another
/// object (0 words included), and whether the layout is sure of it;
/// `descs` describes the program's types (see [`describe`]).
///
/// # Safety
/// `obj` must be an object made by [`alloc`] of the program `descs`
/// describes.
#[inline(always)]
pub unsafe fn scan_object(obj: u64, descs: &[Desc], mut f: impl FnMut(u64, Pointer)) {
    let o = obj as *const u64;
    let ty = type_of(o);
    let mut exact = |w: u64| f(w, Pointer::Exact);
    if is_internal_layout(ty) {
        let words = object_words(o);
        match ty {
            LAYOUT_RAW | LAYOUT_STRBUF | LAYOUT_STR_INLINE => {}
            LAYOUT_PTRS => (0..words).for_each(|i| exact(field(obj, i))),
            LAYOUT_HANDLE => {}
            t if t & !1 == LAYOUT_CHAN => {
                if t & 1 != 0 {
                    (2..words).for_each(|i| exact(field(obj, i)));
                }
            }
            LAYOUT_STR => exact(field(obj, 0)),
            LAYOUT_REF => exact(field(obj, 1)),
            t if t & !3 == LAYOUT_MAP_ENTRIES => {
                let (keys, values) = (t & 2 != 0, t & 1 != 0);
                for e in 0..words / 3 {
                    if keys {
                        exact(field(obj, 3 * e + 1));
                    }
                    if values {
                        exact(field(obj, 3 * e + 2));
                    }
                }
            }
            other => crate::panic::fatal(&format!("runtime: object with unknown layout {other:#x}")),
        }
        return;
    }
    match descs.get(ty as usize) {
        Some(Desc::NoScan) => {}
        Some(Desc::Words(ws)) => ws.iter().for_each(|&i| exact(field(obj, i as usize))),
        Some(Desc::Enum(vs)) => {
            if let Some(v) = vs.get(field(obj, 0) as usize) {
                v.iter().for_each(|&i| exact(field(obj, i as usize)));
            }
        }
        Some(Desc::Func) => (1..object_words(o)).for_each(|i| f(field(obj, i), Pointer::Candidate)),
        None => crate::panic::fatal(&format!("runtime: object of type {ty}, which the program does not have")),
    }
}

/// [`scan_object`] for the running program, describing its types afresh
/// (for tests and tools; the collector keeps the descriptions).
///
/// # Safety
/// `obj` must be an object made by [`alloc`] of the running program.
pub unsafe fn for_each_pointer(obj: u64, f: impl FnMut(u64, Pointer)) {
    let descs: Vec<Desc> = crate::types().iter().map(describe).collect();
    scan_object(obj, &descs, f)
}

/// Calls `f` with each object the runtime itself keeps alive (the shared
/// `None` of each Option type): roots for the collector, besides globals
/// and stacks.
pub fn for_each_runtime_root(mut f: impl FnMut(u64)) {
    for slot in &crate::program().unit_variants {
        let v = slot.load(std::sync::atomic::Ordering::Acquire);
        if v != 0 {
            f(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{map_insert, map_new};
    use crate::object::*;
    use crate::testutil::*;
    use crate::vec::{vec_from, vec_push};
    use std::collections::HashSet;

    /// Every object reachable from `root` through exact pointers.
    fn reachable(root: u64) -> HashSet<u64> {
        let mut seen = HashSet::new();
        let mut stack = vec![root];
        while let Some(o) = stack.pop() {
            if o == 0 || !seen.insert(o) {
                continue;
            }
            unsafe { for_each_pointer(o, |w, _| stack.push(w)) };
        }
        seen
    }

    #[test]
    fn traces_every_layout_to_its_children() {
        setup();
        unsafe {
            // Longer than an inline string, so that it views a buffer.
            let s1 = crate::str_from(&"key".repeat(20));
            let s2 = crate::str_concat(crate::str_from("a"), crate::str_from("b"));
            let short = crate::str_from("k");
            let v = vec_from(T_VEC_STR, &[s1]);
            vec_push(v, s2);
            vec_push(v, short);
            let m = map_new(T_MAP_STR_I64, 0);
            map_insert(m, s1, 5);
            let p = new_aggregate(T_POINT, &[1, 2]);
            let line = new_aggregate(T_LINE, &[p, vec_from(T_VEC_I64, &[7])]);
            let some = new_enum(T_OPT_STR, 1, &[s2]);
            let tuple = new_aggregate(T_TUP_I64_STR, &[3, s1]);
            let r = new_ref(REF_VEC_ELEM, v, 0);
            let root = vec_from(T_VEC_STR, &[]);
            // A vector of pointers holding everything, as an untyped root.
            let holder = alloc(LAYOUT_PTRS, 7) as u64;
            for (i, o) in [v, m, line, some, tuple, r, root].into_iter().enumerate() {
                set_field(holder, i, o);
            }
            let all = reachable(holder);
            for o in [v, m, p, line, some, tuple, r, s1, s2, short, field(v, VEC_BUF), field(s1, 0), field(s2, 0)] {
                assert!(all.contains(&o), "object {o:#x} not reached");
            }
            // Exactly the objects made here: every reported word was 0 or
            // an object (checked by the walk reading each header), and a
            // point's integer fields were not followed.
            assert!(!all.contains(&1) && !all.contains(&2));
            for &o in &all {
                assert!(crate::heap::object_words(o as *const u64) < 1 << 20);
            }
        }
    }

    #[test]
    fn shared_nones_are_runtime_roots() {
        setup();
        let n = crate::natives::none(T_OPT_STR);
        let mut roots = Vec::new();
        for_each_runtime_root(|r| roots.push(r));
        assert!(roots.contains(&n));
    }

    #[test]
    fn closure_captures_are_candidates() {
        setup();
        let s = crate::str_from("captured");
        let c = unsafe { new_closure(T_FUNC, 12, &[s, 42]) };
        let mut got = Vec::new();
        unsafe { for_each_pointer(c, |w, how| got.push((w, how))) };
        assert_eq!(got, [(s, Pointer::Candidate), (42, Pointer::Candidate)]);
    }
}
