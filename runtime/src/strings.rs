//! Immutable UTF-8 strings, with amortised O(n) building by repeated `+`.
//!
//! Design: a string is a small object `[buffer, offset, len]` (layout
//! `LAYOUT_STR`) that views bytes `offset..offset+len` of a shared byte
//! buffer `[cap, used, bytes…]` (layout `LAYOUT_STRBUF`). Views make
//! substrings (`trim`, `split`, `lines`, `substring`) zero-copy, and they
//! make Go's append trick possible for concatenation: `a + b` appends `b`
//! in place when `a` ends exactly at its buffer's `used` mark and the buffer
//! has room, claiming the bytes `used..used+len(b)` with an atomic
//! compare-and-swap on `used`; otherwise it copies both into a new buffer
//! with spare capacity ([`grow_capacity`]). So `s = s + t` in a loop appends
//! in place almost every time and costs O(total length) overall, instead of
//! the quadratic copying of a naive immutable string.
//!
//! Short strings made from scratch (`to_string`, formatting, `str_from`
//! of at most [`INLINE_MAX`] bytes) are one object instead of two: the
//! view's buffer word is 0 and the bytes follow the three view words in the
//! same object (`[0, 0, len, bytes…]`, layout `LAYOUT_STR_INLINE`, which
//! has no pointers). A string is inline exactly when its buffer is 0 and
//! its length is not; the length stays in word 2, where compiled code reads
//! it. Substrings of an inline string copy their (few) bytes into a new
//! inline string, and concatenation onto one copies into a fresh buffer
//! with spare room, after which appends are in place again. This halves
//! the objects, and the bytes, of the small strings programs make in bulk
//! (a map of ten thousand `i.to_string()` names: 48 bytes a name instead
//! of 96).
//!
//! Invariants: bytes below a buffer's `used` mark are never written again,
//! and every string views only bytes below `used` at the time it was made,
//! so strings are immutable even though buffers are shared; the CAS makes
//! two threads extending the same string claim disjoint regions (the loser
//! copies). A string's bytes are always valid UTF-8 because every producer
//! writes whole `str`s. The empty string may have buffer 0.
//!
//! Rejected: `Arc<str>` (no in-place append, a count on every copy), a rope
//! (every read pays for the tree; Gossamer reads strings far more than it
//! concatenates), and growing in place without the CAS (two goroutines
//! appending to one string would corrupt each other's results).

use crate::heap::{alloc, HEADER_WORDS, LAYOUT_STR, LAYOUT_STRBUF, LAYOUT_STR_INLINE};
use crate::object::field;
use std::sync::atomic::{AtomicU64, Ordering};

/// String object word: the byte buffer (0 for some empty strings).
const S_BUF: usize = 0;
/// String object word: byte offset of the view in the buffer's data.
const S_OFF: usize = 1;
/// String object word: byte length of the view.
pub const S_LEN: usize = 2;

/// Buffer word: capacity in bytes.
const B_CAP: usize = 0;
/// Buffer word: bytes in use (atomic; only ever grows).
const B_USED: usize = 1;
/// Buffer words before the data bytes.
const B_DATA_WORDS: usize = 2;

/// Smallest capacity of a buffer made by concatenation. Below it, doubling
/// would make many tiny reallocations while a string is being built up;
/// above it, the waste for one-off concatenations of short strings stays
/// bounded by this many bytes.
pub const MIN_CONCAT_CAPACITY: usize = 32;

/// Lengths beyond which concatenation grows buffers by 1.5× instead of 2×,
/// trading a few more copies for less slack on very large strings.
pub const LARGE_STRING: usize = 1 << 20;

/// The longest string made as one inline object. Trade-off: an inline
/// string saves a buffer object (two header words and the buffer's two
/// counters) but its substrings copy their bytes instead of sharing them;
/// up to 32 bytes that copy is no dearer than the view object it makes
/// anyway, so only short strings are inline and long texts stay shareable.
pub const INLINE_MAX: usize = 32;

/// Words of a string object before its inline bytes.
const S_WORDS: usize = 3;

/// The capacity of a new buffer that must hold `needed` bytes and is about
/// to be appended to (geometric, so that building a string by repeated
/// concatenation is amortised linear).
fn grow_capacity(needed: usize) -> usize {
    let grown = if needed < LARGE_STRING { needed.saturating_mul(2) } else { needed.saturating_add(needed / 2) };
    grown.max(MIN_CONCAT_CAPACITY)
}

/// A new buffer of `cap` bytes with `used` bytes in use.
fn new_buffer(cap: usize, used: usize) -> u64 {
    let words = B_DATA_WORDS + cap.div_ceil(8);
    let b = alloc(LAYOUT_STRBUF, words);
    // SAFETY: the buffer was just allocated with room for its two counters.
    unsafe {
        *b.add(HEADER_WORDS + B_CAP) = cap as u64;
        *b.add(HEADER_WORDS + B_USED) = used as u64;
    }
    b as u64
}

/// A pointer to the first data byte of buffer `b`.
#[inline(always)]
unsafe fn buffer_data(b: u64) -> *mut u8 {
    (b as *mut u64).add(HEADER_WORDS + B_DATA_WORDS) as *mut u8
}

#[inline(always)]
unsafe fn buffer_used(b: u64) -> &'static AtomicU64 {
    // SAFETY: the word is 8-byte aligned and lives as long as the heap.
    AtomicU64::from_ptr((b as *mut u64).add(HEADER_WORDS + B_USED))
}

/// A string object viewing `len` bytes at `off` of buffer `buf`.
#[inline]
fn new_view(buf: u64, off: usize, len: usize) -> u64 {
    // SAFETY: all three words are written below, before anything else runs.
    let s = unsafe { crate::heap::alloc_uninit(LAYOUT_STR, 3) };
    // SAFETY: the object was just allocated with three words.
    unsafe {
        *s.add(HEADER_WORDS + S_BUF) = buf;
        *s.add(HEADER_WORDS + S_OFF) = off as u64;
        *s.add(HEADER_WORDS + S_LEN) = len as u64;
    }
    s as u64
}

/// A new inline string of `bytes` (at most [`INLINE_MAX`] of them).
#[inline]
fn new_inline(bytes: &[u8]) -> u64 {
    debug_assert!(bytes.len() <= INLINE_MAX);
    let words = S_WORDS + bytes.len().div_ceil(8);
    // SAFETY: every word is written below (the view words, the last data
    // word cleared, then the bytes), before anything else runs.
    let s = unsafe { crate::heap::alloc_uninit(LAYOUT_STR_INLINE, words) };
    // SAFETY: the object was just allocated with room for the view words
    // and the bytes.
    unsafe {
        *s.add(HEADER_WORDS + S_BUF) = 0;
        *s.add(HEADER_WORDS + S_OFF) = 0;
        *s.add(HEADER_WORDS + S_LEN) = bytes.len() as u64;
        *s.add(HEADER_WORDS + words - 1) = 0;
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), s.add(HEADER_WORDS + S_WORDS) as *mut u8, bytes.len());
    }
    s as u64
}

/// A pointer to the first byte string `v` views (`v` non-empty).
#[inline(always)]
unsafe fn str_data(v: u64) -> *const u8 {
    let buf = field(v, S_BUF);
    if buf == 0 {
        (v as *const u64).add(HEADER_WORDS + S_WORDS) as *const u8
    } else {
        buffer_data(buf).add(field(v, S_OFF) as usize)
    }
}

/// A new string holding a copy of `s`.
pub fn str_from(s: &str) -> u64 {
    str_from_bytes_unchecked(s.as_bytes())
}

/// A new string holding a copy of `bytes`, which must be UTF-8 (callers
/// that have just written whole `str`s into a byte buffer, such as the
/// formatter, use this to skip a second validation).
///
/// # Safety
/// `bytes` must be valid UTF-8.
pub unsafe fn str_from_utf8_unchecked(bytes: &[u8]) -> u64 {
    str_from_bytes_unchecked(bytes)
}

/// A new string of the concatenation of `parts`, in one buffer.
pub fn str_from_parts(parts: &[&str]) -> u64 {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len == 0 {
        return new_view(0, 0, 0);
    }
    let buf = new_buffer(len, len);
    let mut at = 0;
    for p in parts {
        // SAFETY: the buffer has room for `len` bytes.
        unsafe { std::ptr::copy_nonoverlapping(p.as_ptr(), buffer_data(buf).add(at), p.len()) };
        at += p.len();
    }
    new_view(buf, 0, len)
}

/// A new string from bytes the caller guarantees are UTF-8.
fn str_from_bytes_unchecked(bytes: &[u8]) -> u64 {
    if bytes.is_empty() {
        return new_view(0, 0, 0);
    }
    if bytes.len() <= INLINE_MAX {
        return new_inline(bytes);
    }
    let buf = new_buffer(bytes.len(), bytes.len());
    // SAFETY: the buffer has room for `bytes.len()` bytes.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer_data(buf), bytes.len()) };
    new_view(buf, 0, bytes.len())
}

/// Largest scratch buffer kept between calls of [`str_build`]: enough for
/// every ordinary line or word, so that building those never calls the
/// system allocator, while one huge result does not pin its memory forever.
pub const SCRATCH_KEEP: usize = 64 * 1024;

thread_local! {
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A new string built by `f` in a reusable per-thread buffer, then copied
/// into the heap once: natives whose result length is not known in advance
/// (`replace`, `to_uppercase`, joining chars) allocate nothing but the
/// result.
pub fn str_build(f: impl FnOnce(&mut String)) -> u64 {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            s.clear();
            f(&mut s);
            let r = str_from(&s);
            if s.capacity() > SCRATCH_KEEP {
                *s = String::new();
            }
            r
        }
        // Re-entered (`f` built another string): use a fresh buffer.
        Err(_) => {
            let mut s = String::new();
            f(&mut s);
            str_from(&s)
        }
    })
}

/// A new string from a Rust `String` (copied into the heap).
pub fn str_from_string(s: String) -> u64 {
    str_from(&s)
}

/// The text of string `v`.
///
/// # Safety
/// `v` must be a string object. The result lives as long as the object.
#[inline]
pub unsafe fn str_as_str<'a>(v: u64) -> &'a str {
    std::str::from_utf8_unchecked(str_bytes(v))
}

/// The bytes of string `v`.
///
/// # Safety
/// As [`str_as_str`].
#[inline]
pub unsafe fn str_bytes<'a>(v: u64) -> &'a [u8] {
    let len = field(v, S_LEN) as usize;
    if len == 0 {
        return &[];
    }
    std::slice::from_raw_parts(str_data(v), len)
}

/// The length of string `v` in bytes.
///
/// # Safety
/// `v` must be a string object.
#[inline(always)]
pub unsafe fn str_len(v: u64) -> usize {
    field(v, S_LEN) as usize
}

/// The string of bytes `start..start+len` of `v`, sharing its buffer. The
/// caller has checked that the range is inside `v` and on char boundaries.
///
/// # Safety
/// `v` must be a string object and the range valid as described.
pub unsafe fn str_substring_unchecked(v: u64, start: usize, len: usize) -> u64 {
    if start == 0 && len == str_len(v) {
        return v;
    }
    if len == 0 {
        return new_view(0, 0, 0);
    }
    let buf = field(v, S_BUF);
    if buf == 0 {
        // An inline string's bytes cannot be shared by another object.
        return new_inline(&str_bytes(v)[start..start + len]);
    }
    new_view(buf, field(v, S_OFF) as usize + start, len)
}

/// A view of `part`, which must be a subslice of the text of string `v`.
///
/// # Safety
/// `v` must be a string object and `part` must point into its bytes.
pub unsafe fn str_subslice(v: u64, part: &str) -> u64 {
    let base = str_bytes(v).as_ptr() as usize;
    let start = if part.is_empty() { 0 } else { part.as_ptr() as usize - base };
    str_substring_unchecked(v, start, part.len())
}

/// `a + b`: appends in place when `a` ends its buffer's used bytes and the
/// buffer has room, else copies into a buffer with spare capacity.
///
/// # Safety
/// `a` and `b` must be string objects.
pub unsafe fn str_concat(a: u64, b: u64) -> u64 {
    let blen = str_len(b);
    if blen == 0 {
        return a;
    }
    let alen = str_len(a);
    if alen == 0 {
        return b;
    }
    let abuf = field(a, S_BUF);
    let aoff = field(a, S_OFF) as usize;
    let end = aoff + alen;
    let bbytes = str_bytes(b);
    // An inline `a` has no buffer to append to: it is copied below.
    if abuf != 0 && field(abuf, B_CAP) as usize - end >= blen {
        let used = buffer_used(abuf);
        if used.compare_exchange(end as u64, (end + blen) as u64, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
            // The bytes end..end+blen are ours alone now. `b` may view the
            // same buffer, but only bytes below `end`, so the copy does not
            // overlap.
            std::ptr::copy_nonoverlapping(bbytes.as_ptr(), buffer_data(abuf).add(end), blen);
            return new_view(abuf, aoff, alen + blen);
        }
    }
    let total = alen.checked_add(blen).unwrap_or_else(|| crate::panic::fatal("runtime: out of memory"));
    let buf = new_buffer(grow_capacity(total), total);
    let data = buffer_data(buf);
    std::ptr::copy_nonoverlapping(str_bytes(a).as_ptr(), data, alen);
    std::ptr::copy_nonoverlapping(bbytes.as_ptr(), data.add(alen), blen);
    new_view(buf, 0, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_and_as_str_round_trip() {
        for s in ["", "a", "héllo wörld", "日本語", &"x".repeat(1000)] {
            let v = str_from(s);
            unsafe {
                assert_eq!(str_as_str(v), s);
                assert_eq!(str_len(v), s.len());
            }
        }
    }

    #[test]
    fn concat_appends_in_place_when_at_the_end() {
        unsafe {
            let mut s = str_from("");
            let t = str_from("ab");
            let mut expect = String::new();
            let mut buffers = 0;
            let mut last = 0;
            for _ in 0..10_000 {
                s = str_concat(s, t);
                expect.push_str("ab");
                if field(s, S_BUF) != last {
                    last = field(s, S_BUF);
                    buffers += 1;
                }
            }
            assert_eq!(str_as_str(s), expect);
            // Amortised linear: a new buffer only when the capacity doubles.
            assert!(buffers <= 12, "{buffers} buffers for 10000 appends");
        }
    }

    #[test]
    fn concat_never_changes_existing_strings() {
        unsafe {
            let base = str_concat(str_from("hello"), str_from(", "));
            let a = str_concat(base, str_from("world"));
            let b = str_concat(base, str_from("there"));
            assert_eq!(str_as_str(base), "hello, ");
            assert_eq!(str_as_str(a), "hello, world");
            assert_eq!(str_as_str(b), "hello, there");
            let twice = str_concat(a, a);
            assert_eq!(str_as_str(twice), "hello, worldhello, world");
            assert_eq!(str_as_str(a), "hello, world");
        }
    }

    #[test]
    fn concurrent_appends_to_one_string_do_not_corrupt() {
        let base = unsafe { str_concat(str_from("base"), str_from("-")) };
        let handles: Vec<_> = (0..4u8)
            .map(|t| {
                std::thread::spawn(move || unsafe {
                    let piece = str_from(&((b'a' + t) as char).to_string().repeat(3));
                    for _ in 0..200 {
                        let r = str_concat(base, piece);
                        let expect = format!("base-{}", ((b'a' + t) as char).to_string().repeat(3));
                        assert_eq!(str_as_str(r), expect);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }

    proptest::proptest! {
        /// Views of views, and concatenations of views, read exactly the
        /// bytes Rust's slicing and `+` give.
        #[test]
        fn views_and_concats_match_rust(s in "\\PC{0,20}", t in "\\PC{0,8}", cuts in proptest::collection::vec(0usize..64, 4)) {
            let boundaries: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
            let pick = |c: usize| boundaries[c % boundaries.len()];
            let (a, b) = { let (x, y) = (pick(cuts[0]), pick(cuts[1])); (x.min(y), x.max(y)) };
            unsafe {
                let v = str_from(&s);
                let sub = str_substring_unchecked(v, a, b - a);
                proptest::prop_assert_eq!(str_as_str(sub), &s[a..b]);
                let sub_text = &s[a..b];
                let inner_bounds: Vec<usize> = (0..=sub_text.len()).filter(|&i| sub_text.is_char_boundary(i)).collect();
                let (c, d) = {
                    let (x, y) = (inner_bounds[cuts[2] % inner_bounds.len()], inner_bounds[cuts[3] % inner_bounds.len()]);
                    (x.min(y), x.max(y))
                };
                let subsub = str_substring_unchecked(sub, c, d - c);
                proptest::prop_assert_eq!(str_as_str(subsub), &sub_text[c..d]);
                let cat = str_concat(subsub, str_from(&t));
                proptest::prop_assert_eq!(str_as_str(cat), format!("{}{}", &sub_text[c..d], t));
                let cat2 = str_concat(cat, sub);
                proptest::prop_assert_eq!(str_as_str(cat2), format!("{}{}{}", &sub_text[c..d], t, sub_text));
                // Nothing earlier changed.
                proptest::prop_assert_eq!(str_as_str(v), s.as_str());
                proptest::prop_assert_eq!(str_as_str(sub), sub_text);
            }
        }
    }

    #[test]
    fn short_strings_are_one_object_and_behave_like_views() {
        unsafe {
            let short = str_from("12345");
            assert_eq!(field(short, S_BUF), 0, "a short string is inline");
            assert_eq!(crate::heap::object_words(short as *const u64), S_WORDS + 1);
            assert_eq!(str_as_str(short), "12345");
            let long = str_from(&"y".repeat(INLINE_MAX + 1));
            assert_ne!(field(long, S_BUF), 0, "a long string views a buffer");
            let edge = str_from(&"z".repeat(INLINE_MAX));
            assert_eq!((field(edge, S_BUF), str_len(edge)), (0, INLINE_MAX));
            assert_eq!(str_as_str(edge), "z".repeat(INLINE_MAX));
            // Substrings copy out of an inline string; the whole is itself.
            let mid = str_substring_unchecked(short, 1, 3);
            assert_eq!(str_as_str(mid), "234");
            assert_eq!(str_substring_unchecked(short, 0, 5), short);
            assert_eq!(str_len(str_substring_unchecked(short, 2, 0)), 0);
            // Concatenation onto an inline string copies into a buffer with
            // room, and appends after that are in place.
            let ab = str_concat(short, str_from("6"));
            assert_eq!(str_as_str(ab), "123456");
            let buf = field(ab, S_BUF);
            assert_ne!(buf, 0);
            let abc = str_concat(ab, str_from("7"));
            assert_eq!((field(abc, S_BUF), str_as_str(abc)), (buf, "1234567"));
            assert_eq!(str_as_str(short), "12345");
        }
    }

    #[test]
    fn substrings_share_and_concat_after_them() {
        unsafe {
            let s = str_from("hello world");
            let w = str_substring_unchecked(s, 6, 5);
            assert_eq!(str_as_str(w), "world");
            let h = str_substring_unchecked(s, 0, 5);
            let hx = str_concat(h, str_from("!"));
            assert_eq!(str_as_str(hx), "hello!");
            assert_eq!(str_as_str(s), "hello world");
            let sub = str_subslice(s, &str_as_str(s)[2..4]);
            assert_eq!(str_as_str(sub), "ll");
        }
    }
}
