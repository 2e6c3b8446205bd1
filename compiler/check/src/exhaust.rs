//! Exhaustiveness of `match` (and refutability of `let` patterns) by
//! Maranget's usefulness algorithm ("Warnings for pattern matching", 2007):
//! a match is exhaustive when the all-wildcard row is not useful with
//! respect to the arms' patterns; when it is useful, the algorithm builds a
//! witness, a value no arm matches, which the message names.
//!
//! Constructors: `true`/`false`, enum variants, the single constructor of
//! tuples and structs, integer and char ranges (split at the boundaries the
//! arms mention, so that `0..=9 | 10..=255` covers a `u8`), and opaque
//! constructors for strings and floats, which never cover their type. The
//! algorithm is independent of the checker: types are described through
//! the [`Shapes`] trait.

use crate::types::Ty;

#[derive(Clone, Debug, PartialEq)]
pub enum Ctor {
    Bool(bool),
    Variant(u32),
    /// The only constructor of a tuple or struct.
    Single,
    /// An inclusive integer (or char code point) range.
    Range(i128, i128),
    /// A string or float literal: infinitely many values exist besides.
    Opaque,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Pat {
    Wild,
    Ctor(Ctor, Vec<Pat>),
    Or(Vec<Pat>),
}

/// What a type's values look like to the algorithm.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Bool,
    /// An enum with this many variants.
    Enum(u32),
    Single,
    /// Integers or chars within these bounds.
    Range(i128, i128),
    /// Strings, floats and everything else no finite set of patterns covers.
    Infinite,
}

pub trait Shapes {
    fn shape(&self, t: &Ty) -> Shape;
    /// The field types of constructor `c` of `t`.
    fn fields(&self, t: &Ty, c: &Ctor) -> Vec<Ty>;
    /// Renders a witness constructor applied to rendered arguments.
    fn show(&self, t: &Ty, c: &Ctor, args: &[String]) -> String;
}

/// Bound on the work of one check; beyond it the match is assumed
/// exhaustive (no false errors, at worst a missed one on absurd inputs).
const MAX_STEPS: u32 = 200_000;

struct Cx<'s> {
    shapes: &'s dyn Shapes,
    steps: u32,
}

/// Returns a witness (rendered) if `rows` do not cover type `ty`.
pub fn missing(shapes: &dyn Shapes, rows: &[Pat], ty: &Ty) -> Option<String> {
    let mut cx = Cx { shapes, steps: 0 };
    let matrix: Vec<Vec<Pat>> = rows.iter().map(|p| vec![p.clone()]).collect();
    let w = cx.useful(&matrix, &[ty.clone()])?;
    w.into_iter().next()
}

impl<'s> Cx<'s> {
    /// Whether a row of wildcards is useful after `m`; if so, one witness
    /// (rendered, one string per column).
    fn useful(&mut self, m: &[Vec<Pat>], tys: &[Ty]) -> Option<Vec<String>> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return None;
        }
        if tys.is_empty() {
            return if m.is_empty() { Some(vec![]) } else { None };
        }
        // Expand or-patterns in the first column.
        let mut rows: Vec<Vec<Pat>> = Vec::new();
        for r in m {
            expand_or(r, &mut rows);
        }
        let t = &tys[0];
        let shape = self.shapes.shape(t);
        let heads: Vec<&Pat> = rows.iter().map(|r| &r[0]).collect();
        let ctors: Vec<Ctor> = match &shape {
            Shape::Bool => vec![Ctor::Bool(false), Ctor::Bool(true)],
            Shape::Enum(n) => (0..*n).map(Ctor::Variant).collect(),
            Shape::Single => vec![Ctor::Single],
            Shape::Range(lo, hi) => split_ranges(*lo, *hi, &heads),
            Shape::Infinite => vec![],
        };
        if ctors.is_empty() {
            // Only the default matrix can tell.
            let d = default_matrix(&rows);
            let w = self.useful(&d, &tys[1..])?;
            let mut out = vec!["_".to_string()];
            out.extend(w);
            return Some(out);
        }
        // Constructors that no head mentions are covered only by wildcards:
        // one default check for all of them.
        let mentioned = |c: &Ctor| heads.iter().any(|h| matches!(h, Pat::Ctor(hc, _) if covers(hc, c)));
        let missing: Vec<&Ctor> = ctors.iter().filter(|c| !mentioned(c)).collect();
        if !missing.is_empty() {
            let d = default_matrix(&rows);
            if let Some(w) = self.useful(&d, &tys[1..]) {
                let c = missing[0];
                let n = self.shapes.fields(t, c).len();
                let all_missing = missing.len() == ctors.len();
                let head = if all_missing && matches!(shape, Shape::Range(..)) {
                    "_".to_string()
                } else {
                    self.shapes.show(t, c, &vec!["_".to_string(); n])
                };
                let mut out = vec![head];
                out.extend(w);
                return Some(out);
            }
        }
        for c in ctors.iter().filter(|c| mentioned(c)) {
            let ftys = self.shapes.fields(t, c);
            let n = ftys.len();
            let s = specialize(&rows, c, n);
            let mut sub_tys = ftys.clone();
            sub_tys.extend_from_slice(&tys[1..]);
            if let Some(w) = self.useful(&s, &sub_tys) {
                let head = self.shapes.show(t, c, &w[..n]);
                let mut out = vec![head];
                out.extend_from_slice(&w[n..]);
                return Some(out);
            }
        }
        None
    }
}

fn expand_or(r: &[Pat], out: &mut Vec<Vec<Pat>>) {
    match &r[0] {
        Pat::Or(alts) => {
            for a in alts {
                let mut nr = vec![a.clone()];
                nr.extend_from_slice(&r[1..]);
                expand_or(&nr, out);
            }
        }
        _ => out.push(r.to_vec()),
    }
}

/// Whether a head constructor matches every value of constructor `c`.
fn covers(head: &Ctor, c: &Ctor) -> bool {
    match (head, c) {
        (Ctor::Range(a, b), Ctor::Range(x, y)) => a <= x && y <= b,
        (Ctor::Opaque, _) | (_, Ctor::Opaque) => false,
        _ => head == c,
    }
}

fn specialize(rows: &[Vec<Pat>], c: &Ctor, n: usize) -> Vec<Vec<Pat>> {
    let mut out = Vec::new();
    for r in rows {
        match &r[0] {
            Pat::Wild => {
                let mut nr = vec![Pat::Wild; n];
                nr.extend_from_slice(&r[1..]);
                out.push(nr);
            }
            Pat::Ctor(hc, args) if covers(hc, c) => {
                let mut nr: Vec<Pat> = args.clone();
                nr.resize(n, Pat::Wild);
                nr.extend_from_slice(&r[1..]);
                out.push(nr);
            }
            _ => {}
        }
    }
    out
}

fn default_matrix(rows: &[Vec<Pat>]) -> Vec<Vec<Pat>> {
    rows.iter().filter(|r| matches!(r[0], Pat::Wild)).map(|r| r[1..].to_vec()).collect()
}

/// Splits `[lo, hi]` at every boundary of the ranges in `heads`, so that
/// each piece is either inside or outside every head range.
fn split_ranges(lo: i128, hi: i128, heads: &[&Pat]) -> Vec<Ctor> {
    let mut cuts: Vec<i128> = vec![lo, hi + 1];
    for h in heads {
        if let Pat::Ctor(Ctor::Range(a, b), _) = h {
            if *a > lo && *a <= hi {
                cuts.push(*a);
            }
            if *b >= lo && *b < hi {
                cuts.push(*b + 1);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2).map(|w| Ctor::Range(w[0], w[1] - 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::IntK;

    /// Adt 0 = Option-like enum { None, Some(bool) }; Adt 1 = enum with
    /// three unit variants.
    struct Fake;
    impl Shapes for Fake {
        fn shape(&self, t: &Ty) -> Shape {
            match t {
                Ty::Bool => Shape::Bool,
                Ty::Adt(0, _) => Shape::Enum(2),
                Ty::Adt(1, _) => Shape::Enum(3),
                Ty::Tuple(_) => Shape::Single,
                Ty::Int(k) => {
                    let (a, b) = k.range();
                    Shape::Range(a, b)
                }
                _ => Shape::Infinite,
            }
        }
        fn fields(&self, t: &Ty, c: &Ctor) -> Vec<Ty> {
            match (t, c) {
                (Ty::Adt(0, _), Ctor::Variant(1)) => vec![Ty::Bool],
                (Ty::Tuple(ts), Ctor::Single) => ts.clone(),
                _ => vec![],
            }
        }
        fn show(&self, t: &Ty, c: &Ctor, args: &[String]) -> String {
            match (t, c) {
                (Ty::Adt(0, _), Ctor::Variant(0)) => "None".into(),
                (Ty::Adt(0, _), Ctor::Variant(1)) => format!("Some({})", args[0]),
                (Ty::Adt(1, _), Ctor::Variant(v)) => ["A", "B", "C"][*v as usize].into(),
                (_, Ctor::Bool(b)) => b.to_string(),
                (_, Ctor::Single) => format!("({})", args.join(", ")),
                (_, Ctor::Range(a, b)) if a == b => a.to_string(),
                (_, Ctor::Range(a, b)) => format!("{}..={}", a, b),
                _ => "_".into(),
            }
        }
    }

    fn v(i: u32, args: Vec<Pat>) -> Pat {
        Pat::Ctor(Ctor::Variant(i), args)
    }
    fn b(x: bool) -> Pat {
        Pat::Ctor(Ctor::Bool(x), vec![])
    }

    #[test]
    fn missing_none_is_named() {
        let opt = Ty::Adt(0, vec![]);
        let rows = vec![v(1, vec![Pat::Wild])];
        assert_eq!(missing(&Fake, &rows, &opt), Some("None".into()));
        let rows = vec![v(1, vec![Pat::Wild]), v(0, vec![])];
        assert_eq!(missing(&Fake, &rows, &opt), None);
    }

    #[test]
    fn nested_witness() {
        let opt = Ty::Adt(0, vec![]);
        let rows = vec![v(0, vec![]), v(1, vec![b(true)])];
        assert_eq!(missing(&Fake, &rows, &opt), Some("Some(false)".into()));
    }

    #[test]
    fn tuples_of_bools() {
        let t = Ty::Tuple(vec![Ty::Bool, Ty::Bool]);
        let tup = |x, y| Pat::Ctor(Ctor::Single, vec![b(x), b(y)]);
        let rows = vec![tup(true, true), tup(false, false), Pat::Ctor(Ctor::Single, vec![b(true), Pat::Wild])];
        assert_eq!(missing(&Fake, &rows, &t), Some("(false, true)".into()));
    }

    #[test]
    fn or_patterns_cover() {
        let e = Ty::Adt(1, vec![]);
        let rows = vec![Pat::Or(vec![v(0, vec![]), v(2, vec![])]), v(1, vec![])];
        assert_eq!(missing(&Fake, &rows, &e), None);
        let rows = vec![Pat::Or(vec![v(0, vec![]), v(2, vec![])])];
        assert_eq!(missing(&Fake, &rows, &e), Some("B".into()));
    }

    #[test]
    fn integer_ranges_split() {
        let t = Ty::Int(IntK::U8);
        let r = |a, b| Pat::Ctor(Ctor::Range(a, b), vec![]);
        assert_eq!(missing(&Fake, &[r(0, 9), r(10, 255)], &t), None);
        assert_eq!(missing(&Fake, &[r(0, 9), r(11, 255)], &t), Some("10".into()));
        let i = Ty::Int(IntK::I64);
        assert_eq!(missing(&Fake, &[r(1, 1)], &i).is_some(), true);
        assert_eq!(missing(&Fake, &[r(1, 1), Pat::Wild], &i), None);
    }

    #[test]
    fn strings_need_a_wildcard() {
        let rows = vec![Pat::Ctor(Ctor::Opaque, vec![])];
        assert_eq!(missing(&Fake, &rows, &Ty::Str), Some("_".into()));
        assert_eq!(missing(&Fake, &[Pat::Ctor(Ctor::Opaque, vec![]), Pat::Wild], &Ty::Str), None);
    }

    #[test]
    fn empty_match_on_bool_is_missing() {
        assert!(missing(&Fake, &[], &Ty::Bool).is_some());
    }
}
