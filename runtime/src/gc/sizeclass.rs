//! Size classes: the slot sizes small objects are rounded up to, and how
//! many pages a span of each class has.
//!
//! Classes step by 8 bytes up to 128, then by an eighth of each power of
//! two (144, 160, … 256, 288, … 32768), so rounding wastes at most 12.5%
//! of an object. A class's span is the fewest pages (at most 16) whose tail
//! after the last whole slot is at most an eighth of the span. Objects over
//! [`MAX_SMALL`] bytes get a span of their own.

use super::pages::PAGE;

/// The largest small object, in bytes (size word and header included).
pub const MAX_SMALL: usize = 32 << 10;

const fn build_sizes() -> ([u32; 80], usize) {
    let mut sizes = [0u32; 80];
    let mut n = 0;
    let mut s = 16;
    while s <= 128 {
        sizes[n] = s;
        n += 1;
        s += 8;
    }
    let mut pow = 128;
    while pow < MAX_SMALL as u32 {
        let step = pow / 8;
        let mut k = 1;
        while k <= 8 {
            sizes[n] = pow + k * step;
            n += 1;
            k += 1;
        }
        pow *= 2;
    }
    (sizes, n)
}

const SIZES_N: ([u32; 80], usize) = build_sizes();
/// Number of size classes.
pub const NCLASSES: usize = SIZES_N.1;
const SIZES: [u32; 80] = SIZES_N.0;

const fn build_pages() -> [u8; 80] {
    let mut pages = [0u8; 80];
    let mut c = 0;
    while c < NCLASSES {
        let size = SIZES[c] as usize;
        let mut np = 1;
        while np < 16 {
            let bytes = np * PAGE;
            if bytes >= size && bytes % size <= bytes / 8 {
                break;
            }
            np += 1;
        }
        pages[c] = np as u8;
        c += 1;
    }
    pages
}
const PAGES: [u8; 80] = build_pages();

const fn build_lookup() -> [u8; MAX_SMALL / 8 + 1] {
    let mut t = [0u8; MAX_SMALL / 8 + 1];
    let mut c = 0;
    let mut w = 0;
    while w <= MAX_SMALL / 8 {
        while (SIZES[c] as usize) < w * 8 {
            c += 1;
        }
        t[w] = c as u8;
        w += 1;
    }
    t
}
/// `CLASS_OF[words]`: the class of an object of `words * 8` bytes.
static CLASS_OF: [u8; MAX_SMALL / 8 + 1] = build_lookup();

/// The class of a small object of `bytes` bytes (a multiple of 8, at most
/// [`MAX_SMALL`]).
#[inline(always)]
pub fn class_of(bytes: usize) -> usize {
    CLASS_OF[bytes >> 3] as usize
}

/// Slot bytes of class `c`.
#[inline(always)]
pub fn class_size(c: usize) -> usize {
    SIZES[c] as usize
}

/// Pages per span of class `c`.
#[inline(always)]
pub fn class_pages(c: usize) -> usize {
    PAGES[c] as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_size_with_bounded_waste() {
        assert_eq!(class_size(0), 16);
        assert_eq!(class_size(NCLASSES - 1), MAX_SMALL);
        for bytes in (16..=MAX_SMALL).step_by(8) {
            let c = class_of(bytes);
            let s = class_size(c);
            assert!(s >= bytes, "{bytes} in class of {s}");
            assert!(c == 0 || class_size(c - 1) < bytes, "{bytes}: a smaller class fits");
            assert!((s - bytes) * 8 <= s, "{bytes} wastes too much in {s}");
        }
        for c in 0..NCLASSES {
            let span = class_pages(c) * PAGE;
            assert!(span / class_size(c) >= 1);
            assert!(span % class_size(c) <= span / 8 || class_pages(c) == 16);
        }
    }
}
