//! `HashMap<K, V>` and `HashSet<T>`: insertion-ordered open-addressing
//! hash tables with fixed hashing.
//!
//! Design (CPython's compact dict, also `indexmap`): entries live in an
//! array in insertion order, three words each, `[hash, key, value]` (sets
//! leave `value` 0); a separate power-of-two index array of `u32` slots
//! (0 = empty, else entry number + 1) is probed from the hash's low bits
//! by CPython's perturbed sequence ([`Probe`]). Integer keys (and bools,
//! chars) hash to themselves, as in CPython: consecutive keys, the common
//! case of ids and counters, then fill consecutive index slots, so a run of
//! inserts or lookups walks the index sequentially instead of missing the
//! cache once per key on a scattered slot (the bench/seeds hash-map tasks
//! spent 58% of `lookup` on that one load). The perturbation is the hash
//! after a full avalanche ([`crate::value::finish`]), so keys equal in their
//! low bits (multiples of a power of two) part at their second probe
//! instead of piling into one linear cluster, which is what makes identity
//! hashing safe with a power-of-two table; strings and other keys are
//! hashed with that avalanche from the start. Iteration walks the entry
//! array, so the order is insertion
//! order, the same on every run and every tier: hashing has no random seed
//! ([`crate::value::mix`], [`crate::value::finish`]). Removal turns the entry
//! into a tombstone (hash [`TOMBSTONE`], key and value cleared so the
//! collector can free them) and leaves its index slot in place, so probe
//! chains stay intact; when the entry array fills up, live entries are
//! compacted into a new array (same size if at most half are live, double
//! otherwise) and the index is rebuilt.
//!
//! Map object words: `[len, used, cap, entries, index, mask, class]` where `len`
//! counts live entries, `used` the entries written (live or tombstones),
//! `cap` the entry array's capacity, and `mask + 1` the index's slot count,
//! always `2 * cap`, which keeps the index at most half full and probes
//! short. `class` caches how keys are hashed and compared ([`KeyClass`]),
//! decided once from the key type when the map is made, so that an
//! operation reads one word instead of walking the type table twice. The
//! entry array's layout id (`LAYOUT_MAP_ENTRIES` plus two bits)
//! says whether key and value words are pointers, so the collector traces it
//! precisely; the index is `LAYOUT_RAW`.
//!
//! Keys are integers, bools, chars, strings and tuples of these (anything
//! [`crate::value::eq`] and [`crate::value::hash`] handle works); the common
//! word and string keys take fast paths. Rejected: Rust's `HashMap` behind
//! a pointer (random iteration order, values outside the collector's heap),
//! and Robin Hood or Swiss tables (their order is not insertion order, so
//! iteration would need a second structure anyway).

use crate::heap::{alloc, LAYOUT_MAP_ENTRIES, LAYOUT_RAW};
use crate::object::*;
use crate::strings::str_bytes;
use crate::value::{self, finish, hash_bytes};
use gos_abi::{TypeId, TypeKind};

const M_LEN: usize = 0;
const M_USED: usize = 1;
const M_CAP: usize = 2;
const M_ENTRIES: usize = 3;
const M_INDEX: usize = 4;
const M_MASK: usize = 5;
const M_CLASS: usize = 6;
/// Words of a map object.
const MAP_WORDS: usize = 7;
/// Words per entry.
const STRIDE: usize = 3;

/// The hash word of a removed entry; real hashes are never this value.
pub const TOMBSTONE: u64 = u64::MAX;

/// Entry capacity of the first allocation: four entries and an eight-slot
/// index cost 160 bytes, which small maps (the common case) never outgrow
/// far, while skipping the growth steps from one entry.
pub const MIN_CAPACITY: usize = 4;

/// How keys of a map's key type are hashed and compared.
#[derive(Clone, Copy)]
enum KeyClass {
    /// Integers, bools, chars, unit: the word itself.
    Word,
    /// Strings: their bytes.
    Str,
    /// Anything else: the generic, type-driven functions.
    Other(TypeId),
}

/// The key and value types of a map or set type.
fn key_value_types(ty: TypeId) -> (TypeId, Option<TypeId>) {
    match crate::kind(ty) {
        TypeKind::Map(k, v) => (*k, Some(*v)),
        TypeKind::Set(k) => (*k, None),
        other => crate::panic::fatal(&format!("runtime: map operation on a value of type {other:?}")),
    }
}

/// The [`M_CLASS`] word of a map with word keys.
const CLASS_WORD: u64 = 1;
/// The [`M_CLASS`] word of a map with string keys.
const CLASS_STR: u64 = 2;
/// The [`M_CLASS`] word of a map with other keys (the key type is then
/// read from the map's type).
const CLASS_OTHER: u64 = 3;

/// The [`M_CLASS`] word for maps of key type `k`.
fn class_word(k: TypeId) -> u64 {
    match crate::kind(k) {
        TypeKind::Int(_) | TypeKind::Bool | TypeKind::Char | TypeKind::Unit => CLASS_WORD,
        TypeKind::Str => CLASS_STR,
        _ => CLASS_OTHER,
    }
}

/// How map `m` hashes and compares its keys, from its cached class word:
/// the common word and string keys cost one load and no type-table lookup.
#[inline(always)]
unsafe fn key_class(m: u64) -> KeyClass {
    match field(m, M_CLASS) {
        CLASS_WORD => KeyClass::Word,
        CLASS_STR => KeyClass::Str,
        _ => KeyClass::Other(key_value_types(TypeId(header_type(m))).0),
    }
}

#[inline]
unsafe fn key_hash(class: KeyClass, key: u64) -> u64 {
    let h = match class {
        // Identity: see the module docs and [`Probe`].
        KeyClass::Word => key,
        KeyClass::Str => finish(hash_bytes(str_bytes(key))),
        KeyClass::Other(t) => finish(value::hash(key, t)),
    };
    if h == TOMBSTONE {
        h - 1
    } else {
        h
    }
}

#[inline]
unsafe fn key_eq(class: KeyClass, a: u64, b: u64) -> bool {
    match class {
        KeyClass::Word => a == b,
        KeyClass::Str => a == b || str_bytes(a) == str_bytes(b),
        KeyClass::Other(t) => value::eq(a, b, t),
    }
}

/// Bits of the perturbation dropped at each further probe. CPython's
/// value: with 5, every bit of the (mixed) hash reaches the slot number
/// within 13 probes.
const PERTURB_SHIFT: u32 = 5;

/// The index slots a key with a given hash tries, in order: first the
/// hash's low bits, then `i = 5i + 1 + perturb` with `perturb` the mixed
/// hash shifted right by [`PERTURB_SHIFT`] more each time (CPython's dict,
/// except that CPython perturbs with the hash itself: mixing it first
/// parts integer keys that differ only in their high bits at once, where
/// CPython's sequence needs up to a dozen probes). Once `perturb` is 0 the
/// recurrence alone visits every slot of a power-of-two table, so a probe
/// always finds an empty slot (the index is at most half full). Every
/// operation and the rebuild use this one sequence; mixing is computed
/// while the first slot is loaded, so it costs the common first-probe hit
/// almost nothing.
struct Probe {
    i: usize,
    perturb: u64,
}

impl Probe {
    #[inline(always)]
    fn new(h: u64, mask: usize) -> Probe {
        Probe { i: h as usize & mask, perturb: finish(h) }
    }

    #[inline(always)]
    fn next(&mut self, mask: usize) {
        self.perturb >>= PERTURB_SHIFT;
        self.i = self.i.wrapping_mul(5).wrapping_add(1).wrapping_add(self.perturb as usize) & mask;
    }
}

/// A pointer to entry `e`'s first word.
#[inline(always)]
unsafe fn entry(m: u64, e: usize) -> *mut u64 {
    field_ptr(field(m, M_ENTRIES), e * STRIDE)
}

#[inline(always)]
unsafe fn index_slots(m: u64) -> *mut u32 {
    field_ptr(field(m, M_INDEX), 0) as *mut u32
}

/// The most entries a map can have: entry numbers live in `u32` index
/// slots (with 0 meaning empty), and capacities are powers of two.
pub const MAX_ENTRIES: usize = 1 << 31;

/// A new empty map or set of type `ty` with room for `cap` entries before
/// it grows. Like Go's `make(map, hint)`, a hint too large to honour is
/// ignored rather than an error.
pub fn map_new(ty: TypeId, cap: usize) -> u64 {
    let m = alloc(ty.0, MAP_WORDS) as u64;
    // SAFETY: `m` is a fresh map object of `MAP_WORDS` words.
    unsafe { set_field(m, M_CLASS, class_word(key_value_types(ty).0)) };
    if cap > 0 && cap <= MAX_ENTRIES {
        // SAFETY: `m` is a fresh map object.
        unsafe { rebuild(m, cap.max(MIN_CAPACITY).next_power_of_two()) };
    }
    m
}

/// The number of entries of map or set `m`.
///
/// # Safety
/// `m` must be a map or set object.
#[inline]
pub unsafe fn map_len(m: u64) -> i64 {
    field(m, M_LEN) as i64
}

/// Moves the live entries of `m` into fresh arrays of `cap` entries (a power
/// of two) and rebuilds the index.
unsafe fn rebuild(m: u64, cap: usize) {
    if cap > MAX_ENTRIES {
        crate::panic::fatal("runtime: map has too many entries");
    }
    let (k, v) = key_value_types(TypeId(header_type(m)));
    let kp = crate::kind(k).is_pointer() as u32;
    let vp = v.map(|v| crate::kind(v).is_pointer()).unwrap_or(false) as u32;
    let entries = alloc(LAYOUT_MAP_ENTRIES | (kp << 1) | vp, cap.checked_mul(STRIDE).unwrap_or(usize::MAX / 2)) as u64;
    let slots = cap * 2;
    let index = alloc(LAYOUT_RAW, slots.div_ceil(2)) as u64;
    let islots = field_ptr(index, 0) as *mut u32;
    let mask = slots - 1;
    let used = field(m, M_USED) as usize;
    let mut n = 0usize;
    for e in 0..used {
        let src = entry(m, e);
        let h = *src;
        if h == TOMBSTONE {
            continue;
        }
        let dst = field_ptr(entries, n * STRIDE);
        std::ptr::copy_nonoverlapping(src, dst, STRIDE);
        let mut p = Probe::new(h, mask);
        while *islots.add(p.i) != 0 {
            p.next(mask);
        }
        *islots.add(p.i) = (n + 1) as u32;
        n += 1;
    }
    set_field(m, M_ENTRIES, entries);
    set_field(m, M_INDEX, index);
    set_field(m, M_MASK, mask as u64);
    set_field(m, M_CAP, cap as u64);
    set_field(m, M_USED, n as u64);
    set_field(m, M_LEN, n as u64);
}

/// The entry number holding `key` (with hash `h`), or `Err(slot)`: the
/// empty index slot where it would go.
#[inline]
unsafe fn find(m: u64, class: KeyClass, key: u64, h: u64) -> Result<usize, usize> {
    let mask = field(m, M_MASK) as usize;
    let slots = index_slots(m);
    // Loaded once: comparing keys never changes the map.
    let entries = field_ptr(field(m, M_ENTRIES), 0);
    let mut p = Probe::new(h, mask);
    loop {
        let s = *slots.add(p.i);
        if s == 0 {
            return Err(p.i);
        }
        let e = entries.add((s as usize - 1) * STRIDE);
        if *e == h && key_eq(class, *e.add(1), key) {
            return Ok(s as usize - 1);
        }
        p.next(mask);
    }
}

/// Looks `key` up, returning its entry number.
#[inline]
unsafe fn lookup(m: u64, key: u64) -> Option<usize> {
    if field(m, M_LEN) == 0 {
        return None;
    }
    let class = key_class(m);
    find(m, class, key, key_hash(class, key)).ok()
}

/// Inserts or replaces `key`; returns the previous value if the key was
/// present (the key object already in the map is kept, as Rust does).
///
/// # Safety
/// `m` must be a map or set object and `key`, `val` values of its types.
pub unsafe fn map_insert(m: u64, key: u64, val: u64) -> Option<u64> {
    let class = key_class(m);
    let h = key_hash(class, key);
    if field(m, M_CAP) == 0 {
        rebuild(m, MIN_CAPACITY);
    }
    let slot = match find(m, class, key, h) {
        Ok(e) => {
            let p = entry(m, e).add(2);
            let old = *p;
            *p = val;
            return Some(old);
        }
        Err(slot) => slot,
    };
    let used = field(m, M_USED) as usize;
    let cap = field(m, M_CAP) as usize;
    let slot = if used == cap {
        let len = field(m, M_LEN) as usize;
        rebuild(m, if len <= cap / 2 { cap } else { cap.saturating_mul(2) });
        find(m, class, key, h).expect_err("a key absent before a rebuild is absent after it")
    } else {
        slot
    };
    let used = field(m, M_USED) as usize;
    let e = entry(m, used);
    *e = h;
    *e.add(1) = key;
    *e.add(2) = val;
    *index_slots(m).add(slot) = (used + 1) as u32;
    set_field(m, M_USED, (used + 1) as u64);
    set_field(m, M_LEN, field(m, M_LEN) + 1);
    None
}

/// The value stored for `key`, if any.
///
/// # Safety
/// `m` must be a map object and `key` a value of its key type.
#[inline]
pub unsafe fn map_get(m: u64, key: u64) -> Option<u64> {
    lookup(m, key).map(|e| *entry(m, e).add(2))
}

/// Whether `key` is present.
///
/// # Safety
/// `m` must be a map or set object and `key` a value of its key type.
#[inline]
pub unsafe fn map_contains(m: u64, key: u64) -> bool {
    lookup(m, key).is_some()
}

/// Removes `key`, returning its value if it was present.
///
/// # Safety
/// `m` must be a map or set object and `key` a value of its key type.
pub unsafe fn map_remove(m: u64, key: u64) -> Option<u64> {
    let e = lookup(m, key)?;
    let p = entry(m, e);
    let old = *p.add(2);
    *p = TOMBSTONE;
    *p.add(1) = 0;
    *p.add(2) = 0;
    set_field(m, M_LEN, field(m, M_LEN) - 1);
    Some(old)
}

/// Removes every entry (keeping the allocated arrays).
///
/// # Safety
/// `m` must be a map or set object.
pub unsafe fn map_clear(m: u64) {
    let cap = field(m, M_CAP) as usize;
    if cap == 0 {
        return;
    }
    std::ptr::write_bytes(field_ptr(field(m, M_ENTRIES), 0), 0, cap * STRIDE);
    std::ptr::write_bytes(index_slots(m), 0, cap * 2);
    set_field(m, M_USED, 0);
    set_field(m, M_LEN, 0);
}

/// Calls `f(key, value)` for each live entry in iteration order.
///
/// # Safety
/// `m` must be a map or set object; `f` must not change `m`.
pub unsafe fn map_for_each(m: u64, mut f: impl FnMut(u64, u64)) {
    let used = field(m, M_USED) as usize;
    for e in 0..used {
        let p = entry(m, e);
        if *p != TOMBSTONE {
            f(*p.add(1), *p.add(2));
        }
    }
}

/// A vector (of type `vec_ty`) of the keys, in iteration order; aggregate
/// keys are copied.
///
/// # Safety
/// `m` must be a map or set object and `vec_ty` `Vec<K>`.
pub unsafe fn map_keys(m: u64, vec_ty: TypeId) -> u64 {
    collect(m, vec_ty, |k, _| k)
}

/// A vector (of type `vec_ty`) of the values, in iteration order; aggregate
/// values are copied.
///
/// # Safety
/// `m` must be a map object and `vec_ty` `Vec<V>`.
pub unsafe fn map_values(m: u64, vec_ty: TypeId) -> u64 {
    collect(m, vec_ty, |_, v| v)
}

/// A vector (of type `vec_ty`, `Vec<(K, V)>`) of `(key, value)` tuples in
/// iteration order; aggregate keys and values are copied.
///
/// # Safety
/// `m` must be a map object and `vec_ty` `Vec<(K, V)>`.
pub unsafe fn map_entries(m: u64, vec_ty: TypeId) -> u64 {
    let tuple_ty = crate::vec::elem_type(vec_ty);
    let (kt, vt) = match crate::kind(tuple_ty) {
        TypeKind::Tuple(ts) if ts.len() == 2 => (ts[0], ts[1]),
        other => crate::panic::fatal(&format!("runtime: map entries as {other:?}")),
    };
    let out = crate::vec::vec_new(vec_ty, map_len(m) as usize);
    map_for_each(m, |k, v| {
        let t = new_aggregate(tuple_ty, &[value::copy(k, kt), value::copy(v, vt)]);
        crate::vec::vec_push(out, t);
    });
    out
}

unsafe fn collect(m: u64, vec_ty: TypeId, pick: impl Fn(u64, u64) -> u64) -> u64 {
    let elem = crate::vec::elem_type(vec_ty);
    let out = crate::vec::vec_new(vec_ty, map_len(m) as usize);
    map_for_each(m, |k, v| crate::vec::vec_push(out, value::copy(pick(k, v), elem)));
    out
}

/// Rust's `clone()` of a map or set: a new table with cloned keys and
/// values, in the same order.
///
/// # Safety
/// `m` must be a map or set object of type `ty`.
pub unsafe fn map_clone(m: u64, ty: TypeId) -> u64 {
    let (kt, vt) = key_value_types(ty);
    let out = map_new(ty, map_len(m) as usize);
    map_for_each(m, |k, v| {
        map_insert(out, value::clone(k, kt), vt.map(|vt| value::clone(v, vt)).unwrap_or(0));
    });
    out
}

/// Rust's `==` on maps and sets: the same size, and every entry of `a` is in
/// `b` with an equal value (order does not matter).
///
/// # Safety
/// `a` and `b` must be map or set objects of type `ty`.
pub unsafe fn map_eq(a: u64, b: u64, ty: TypeId) -> bool {
    if a == b {
        return true;
    }
    if map_len(a) != map_len(b) {
        return false;
    }
    let (_, vt) = key_value_types(ty);
    let mut same = true;
    map_for_each(a, |k, v| {
        if same {
            same = match (map_get(b, k), vt) {
                (Some(w), Some(vt)) => value::eq(v, w, vt),
                (Some(_), None) => true,
                (None, _) => false,
            };
        }
    });
    same
}

/// The entry count a map object's header says is allocated (for tests and
/// the collector's statistics).
///
/// # Safety
/// `m` must be a map or set object.
pub unsafe fn map_capacity(m: u64) -> usize {
    field(m, M_CAP) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::{str_as_str, str_from};

    #[test]
    fn insert_get_replace_remove_with_int_keys() {
        setup();
        unsafe {
            let m = map_new(T_MAP_I64_I64, 0);
            assert_eq!(map_get(m, 1), None);
            for i in 0..1000u64 {
                assert_eq!(map_insert(m, i * 7, i), None);
            }
            assert_eq!(map_len(m), 1000);
            for i in 0..1000u64 {
                assert_eq!(map_get(m, i * 7), Some(i));
            }
            assert_eq!(map_get(m, 1), None);
            assert_eq!(map_insert(m, 7, 100), Some(1));
            assert_eq!(map_remove(m, 7), Some(100));
            assert_eq!(map_remove(m, 7), None);
            assert!(!map_contains(m, 7));
            assert_eq!(map_len(m), 999);
        }
    }

    #[test]
    fn iteration_is_insertion_order_across_removals_and_growth() {
        setup();
        unsafe {
            let m = map_new(T_MAP_I64_I64, 0);
            let mut model: Vec<(u64, u64)> = Vec::new();
            // A deterministic pseudo-random workload checked against a model.
            let mut x = 12345u64;
            for step in 0..20_000u64 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let k = (x >> 33) % 500;
                if x.is_multiple_of(3) {
                    let got = map_remove(m, k);
                    let pos = model.iter().position(|e| e.0 == k);
                    assert_eq!(got, pos.map(|p| model.remove(p).1));
                } else {
                    let got = map_insert(m, k, step);
                    match model.iter_mut().find(|e| e.0 == k) {
                        Some(e) => {
                            assert_eq!(got, Some(e.1));
                            e.1 = step;
                        }
                        None => {
                            assert_eq!(got, None);
                            model.push((k, step));
                        }
                    }
                }
            }
            let mut seen = Vec::new();
            map_for_each(m, |k, v| seen.push((k, v)));
            assert_eq!(seen, model);
            assert!(map_capacity(m) <= 1024, "tombstones are compacted, capacity {}", map_capacity(m));
        }
    }

    #[test]
    fn string_and_tuple_keys_compare_by_value() {
        setup();
        unsafe {
            let m = map_new(T_MAP_STR_I64, 4);
            map_insert(m, str_from("apple"), 1);
            map_insert(m, str_from("banana"), 2);
            assert_eq!(map_get(m, str_from("apple")), Some(1));
            assert_eq!(map_insert(m, str_from("banana"), 3), Some(2));
            let keys = map_keys(m, T_VEC_STR);
            let ks: Vec<&str> = vec_slice(keys).iter().map(|&k| str_as_str(k)).collect();
            assert_eq!(ks, ["apple", "banana"]);
            let t = map_new(T_MAP_TUP_I64, 0);
            map_insert(t, new_aggregate(T_TUP_I64_STR, &[1, str_from("a")]), 10);
            assert_eq!(map_get(t, new_aggregate(T_TUP_I64_STR, &[1, str_from("a")])), Some(10));
            assert_eq!(map_get(t, new_aggregate(T_TUP_I64_STR, &[1, str_from("b")])), None);
        }
    }

    #[test]
    fn entries_clone_eq_clear() {
        setup();
        unsafe {
            let m = map_new(T_MAP_STR_I64, 0);
            map_insert(m, str_from("x"), 1);
            map_insert(m, str_from("y"), 2);
            let es = map_entries(m, T_VEC_TUP_STR_I64);
            assert_eq!(vec_len(es), 2);
            assert_eq!(str_as_str(field(vec_get(es, 1, &SITE), 0)), "y");
            let c = map_clone(m, T_MAP_STR_I64);
            assert!(map_eq(m, c, T_MAP_STR_I64));
            map_insert(c, str_from("y"), 5);
            assert!(!map_eq(m, c, T_MAP_STR_I64));
            // Same contents in another order are equal.
            let d = map_new(T_MAP_STR_I64, 0);
            map_insert(d, str_from("y"), 2);
            map_insert(d, str_from("x"), 1);
            assert!(map_eq(m, d, T_MAP_STR_I64));
            map_clear(m);
            assert_eq!(map_len(m), 0);
            assert_eq!(map_get(m, str_from("x")), None);
            map_insert(m, str_from("z"), 3);
            assert_eq!(map_get(m, str_from("z")), Some(3));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Random inserts and removals of short string keys behave like an
        /// insertion-ordered model, including iteration order.
        #[test]
        fn string_keys_match_an_ordered_model(ops in proptest::collection::vec((0u8..3, "[a-d]{0,3}", 0u64..100), 0..300)) {
            setup();
            unsafe {
                let m = map_new(T_MAP_STR_I64, 0);
                let mut model: Vec<(String, u64)> = Vec::new();
                for (op, k, v) in ops {
                    let key = str_from(&k);
                    if op == 0 {
                        let pos = model.iter().position(|e| e.0 == k);
                        proptest::prop_assert_eq!(map_remove(m, key), pos.map(|p| model.remove(p).1));
                    } else {
                        let old = map_insert(m, key, v);
                        match model.iter_mut().find(|e| e.0 == k) {
                            Some(e) => {
                                proptest::prop_assert_eq!(old, Some(e.1));
                                e.1 = v;
                            }
                            None => {
                                proptest::prop_assert_eq!(old, None);
                                model.push((k.clone(), v));
                            }
                        }
                    }
                    proptest::prop_assert_eq!(map_len(m) as usize, model.len());
                }
                let mut seen = Vec::new();
                map_for_each(m, |k, v| seen.push((str_as_str(k).to_string(), v)));
                proptest::prop_assert_eq!(seen, model.clone());
                for (k, v) in &model {
                    proptest::prop_assert_eq!(map_get(m, str_from(k)), Some(*v));
                }
            }
        }
    }

    #[test]
    fn key_class_is_decided_once_from_the_key_type() {
        setup();
        unsafe {
            assert_eq!(field(map_new(T_MAP_I64_I64, 0), M_CLASS), CLASS_WORD);
            assert_eq!(field(map_new(T_SET_I64, 0), M_CLASS), CLASS_WORD);
            assert_eq!(field(map_new(T_MAP_STR_I64, 0), M_CLASS), CLASS_STR);
            assert_eq!(field(map_new(T_MAP_TUP_I64, 0), M_CLASS), CLASS_OTHER);
            // A clone is made by `map_new`, so it carries the class too.
            let m = map_new(T_MAP_STR_I64, 0);
            map_insert(m, str_from("k"), 1);
            let c = map_clone(m, T_MAP_STR_I64);
            assert_eq!(field(c, M_CLASS), CLASS_STR);
            assert_eq!(map_get(c, str_from("k")), Some(1));
        }
    }

    #[test]
    fn the_probe_sequence_reaches_every_slot() {
        for h in [0u64, 1, 0xdead_beef, u64::MAX - 1, 1 << 63] {
            let mask = 1023usize;
            let mut seen = vec![false; mask + 1];
            let mut p = Probe::new(h, mask);
            for _ in 0..64 * (mask + 1) {
                seen[p.i] = true;
                p.next(mask);
            }
            assert!(seen.iter().all(|&s| s), "hash {h:#x} misses slots");
        }
    }

    #[test]
    fn integer_keys_equal_in_their_low_bits_stay_cheap() {
        setup();
        unsafe {
            // Keys equal in their low `shift` bits land on few first slots
            // (one, from 14 bits on); the perturbation must part them.
            // Counted in probes per lookup; 4,096 distinct keys each time.
            for shift in [0u32, 10, 20, 40, 48] {
                let m = map_new(T_MAP_I64_I64, 0);
                let keys: Vec<u64> = (0..4096u64).map(|k| (k << shift) | 7).collect();
                for &k in &keys {
                    map_insert(m, k, k);
                }
                let mask = field(m, M_MASK) as usize;
                let slots = index_slots(m);
                let mut probes = 0usize;
                for &k in &keys {
                    assert_eq!(map_get(m, k), Some(k));
                    let mut p = Probe::new(key_hash(KeyClass::Word, k), mask);
                    loop {
                        probes += 1;
                        let s = *slots.add(p.i);
                        if s != 0 && *entry(m, s as usize - 1).add(1) == k {
                            break;
                        }
                        p.next(mask);
                    }
                }
                let avg = probes as f64 / keys.len() as f64;
                assert!(avg < 2.5, "keys k << {shift}: {avg:.1} probes a lookup");
                assert_eq!(map_get(m, 8), None);
            }
        }
    }

    #[test]
    fn sets_hold_keys_only() {
        setup();
        unsafe {
            let s = map_new(T_SET_I64, 0);
            assert!(map_insert(s, 5, 0).is_none());
            assert!(map_insert(s, 5, 0).is_some());
            assert!(map_contains(s, 5));
            assert_eq!(map_len(s), 1);
        }
    }
}
