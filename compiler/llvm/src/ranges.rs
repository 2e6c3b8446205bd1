//! Versioned regions: the bounds checks of `I64Vec` accesses in a loop's
//! body proven once per entry instead of at every access.
//!
//! Gossamer's integers wrap, so LLVM cannot conclude from `p + 60 < len`
//! that `p + 59 < len` (`p + 60` may have wrapped), and it keeps every
//! check of code like fasta's fill loop, which stores to `buf` at
//! `p + k * stride + j` for dozens of constants and small loop counters.
//! This analysis finds, in the body of a loop (or in a whole loop with
//! literal bounds), the `I64Vec::get`/`set` whose vector is a parameter the
//! function never reassigns and whose index is, on every path, an affine
//! form `base + k * j + c`: `base` an expression of the registers' values
//! at the region's entry (sums, differences and products, nothing that can
//! trap), `j` the counter of a loop with literal bounds inside the region
//! (or absent), `k` and `c` constants. For each vector and `base` the
//! offsets `k * j + c` span an interval `[lo, hi]`, and
//!
//! > `base + lo` and `base + hi` (wrapping) both below `len` (unsigned)
//!
//! implies that every `base + o` with `lo <= o <= hi` is: the first is
//! some `b` in `[0, len)`; with `lo` and `hi` at most 2^40 in magnitude
//! (so `hi - lo` at most 2^41) and `len` below 2^63, the true sum
//! `b + (hi - lo)` is below 2^64, so the second check sees it unwrapped
//! and it is below `len`, and the values in between are too.
//!
//! The test reads the vector's length on every entry, also on paths that
//! never reach an access: it tests the register for null first (a
//! register the function never wrote holds 0), so a vector that is not
//! there sends the region to the original code instead of faulting.
//!
//! The translator emits the region twice (`translate.rs`): at its entry a
//! block tests the intervals' ends and enters a copy whose covered accesses
//! have no check, or else the original, which checks every access as before
//! and so panics exactly where and how the program would have. Branches to
//! the entry from inside the region (a loop's back edge) come back through
//! the test, with the new values of the registers.

use crate::promote::{literal_loops, meet, successors, writes};
use gos_clif::analysis::{branch_target, inline_i64vec};
use gos_vm::bytecode::{Function, Instr};
use std::collections::HashMap;

/// An expression of register values at a region's entry (a difference is
/// a sum with a `Scale` by -1); nodes are
/// indices into [`Plan::exprs`] (hash-consed: equal expressions built in
/// different places get one index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    Reg(u16),
    Const(i64),
    Add(u32, u32),
    Mul(u32, u32),
    Scale(u32, i64),
}

/// The accesses of one vector at offsets `lo..=hi` from one base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The parameter register that holds the vector.
    pub vec: u16,
    /// The base (`None`: 0).
    pub base: Option<u32>,
    pub lo: i64,
    pub hi: i64,
}

/// One region to emit twice: instructions `start..=end`, entered at
/// `start` (the translator's test), whose accesses at `covered` need no
/// check once `groups` hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    pub groups: Vec<Group>,
    pub covered: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub exprs: Vec<Expr>,
    pub regions: Vec<Region>,
}

/// Largest region, in bytecode instructions, to emit twice.
pub const MAX_REGION: usize = 6000;
/// Largest magnitude of an offset, so that an interval's span stays far
/// below 2^63 (the argument in the module docs).
const MAX_OFFSET: i128 = 1 << 40;

/// What a register holds: unknown, or `base + k * j + c` (wrapping), `j`
/// the counter of the literal loop closed at instruction `var.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sym {
    Unknown,
    Aff { base: Option<u32>, var: Option<(u32, i64)>, c: i64 },
}

const fn konst(c: i64) -> Sym {
    Sym::Aff { base: None, var: None, c }
}

struct Exprs {
    list: Vec<Expr>,
    ids: HashMap<Expr, u32>,
}

impl Exprs {
    fn id(&mut self, e: Expr) -> u32 {
        let e = match e {
            Expr::Add(a, b) if a > b => Expr::Add(b, a),
            Expr::Mul(a, b) if a > b => Expr::Mul(b, a),
            e => e,
        };
        if let Some(&i) = self.ids.get(&e) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(e);
        self.ids.insert(e, i);
        i
    }

    fn add_base(&mut self, a: Option<u32>, b: Option<u32>) -> Option<u32> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(self.id(Expr::Add(a, b))),
        }
    }

    fn scale_base(&mut self, a: Option<u32>, k: i64) -> Option<u32> {
        match a {
            _ if k == 0 => None,
            Some(a) if k != 1 => Some(self.id(Expr::Scale(a, k))),
            a => a,
        }
    }

    /// The whole value of `s` (which has no counter) as one expression.
    fn whole(&mut self, s: Sym) -> Option<u32> {
        let Sym::Aff { base, var: None, c } = s else { return None };
        Some(match (base, c) {
            (Some(b), 0) => b,
            (None, c) => self.id(Expr::Const(c)),
            (Some(b), c) => {
                let k = self.id(Expr::Const(c));
                self.id(Expr::Add(b, k))
            }
        })
    }

    fn add(&mut self, x: Sym, y: Sym) -> Sym {
        let (Sym::Aff { base: b1, var: v1, c: c1 }, Sym::Aff { base: b2, var: v2, c: c2 }) = (x, y) else { return Sym::Unknown };
        let var = match (v1, v2) {
            (None, v) | (v, None) => v,
            (Some((l1, k1)), Some((l2, k2))) if l1 == l2 => match k1.checked_add(k2) {
                Some(0) => None,
                Some(k) => Some((l1, k)),
                None => return Sym::Unknown,
            },
            _ => return Sym::Unknown,
        };
        Sym::Aff { base: self.add_base(b1, b2), var, c: c1.wrapping_add(c2) }
    }

    fn scale(&mut self, x: Sym, k: i64) -> Sym {
        let Sym::Aff { base, var, c } = x else { return Sym::Unknown };
        let var = match var {
            None => None,
            Some((l, kv)) => match kv.checked_mul(k) {
                Some(0) => None,
                Some(kv) => Some((l, kv)),
                None => return Sym::Unknown,
            },
        };
        Sym::Aff { base: self.scale_base(base, k), var, c: c.wrapping_mul(k) }
    }

    fn sub(&mut self, x: Sym, y: Sym) -> Sym {
        let neg = self.scale(y, -1);
        self.add(x, neg)
    }

    fn mul(&mut self, x: Sym, y: Sym) -> Sym {
        match (x, y) {
            (Sym::Aff { base: None, var: None, c }, other) | (other, Sym::Aff { base: None, var: None, c }) => self.scale(other, c),
            _ => match (self.whole(x), self.whole(y)) {
                (Some(a), Some(b)) => Sym::Aff { base: Some(self.id(Expr::Mul(a, b))), var: None, c: 0 },
                _ => Sym::Unknown,
            },
        }
    }
}

/// Where `ins` is an inline `I64Vec::get` or `set`: its vector and index
/// registers.
fn access(f: &Function, ins: &Instr) -> Option<(u16, u16)> {
    use gos_abi::Intrinsic as M;
    let Instr::Op { args, aux, .. } = *ins else { return None };
    match f.aux.get(aux.0 as usize).and_then(inline_i64vec) {
        Some(M::I64VecGet | M::I64VecSet) => Some((args.0, args.0 + 1)),
        _ => None,
    }
}

/// What `ins` leaves in the register it writes, given the state `st`
/// before it.
fn transfer(f: &Function, ex: &mut Exprs, st: &[Sym], ins: &Instr) -> Sym {
    let r = |x: gos_vm::bytecode::Reg| st.get(x.0 as usize).copied().unwrap_or(Sym::Unknown);
    let pool = |k: usize| f.consts.get(k).map(|&w| konst(w as i64)).unwrap_or(Sym::Unknown);
    match *ins {
        Instr::Move { src, .. } => r(src),
        Instr::LoadImm { imm, .. } => konst(imm.0 as i64),
        Instr::LoadK { k, .. } => pool(k.0 as usize),
        Instr::AddI64 { a, b, .. } => ex.add(r(a), r(b)),
        Instr::SubI64 { a, b, .. } => ex.sub(r(a), r(b)),
        Instr::MulI64 { a, b, .. } => ex.mul(r(a), r(b)),
        Instr::AddImmI64 { a, imm, .. } => ex.add(r(a), konst(imm.0 as i64)),
        Instr::AddI64K { a, k, .. } => {
            let c = pool(k.0 as usize);
            ex.add(r(a), c)
        }
        Instr::MulI64K { a, k, .. } => {
            let c = pool(k.0 as usize);
            ex.mul(r(a), c)
        }
        Instr::ShlImm { a, n, .. } if (n.0 as u32) < 62 => ex.scale(r(a), 1i64 << n.0),
        Instr::NegI64 { a, .. } => ex.scale(r(a), -1),
        _ => Sym::Unknown,
    }
}

/// The regions of `f` worth emitting twice (see the module docs), none
/// inside another. `float_regs` marks the registers that hold f64s.
pub fn plan(f: &Function, float_regs: &[bool]) -> Plan {
    let mut ex = Exprs { list: Vec::new(), ids: HashMap::new() };
    let mut regions = Vec::new();
    if !f.code.iter().any(|i| access(f, i).is_some()) {
        return Plan::default();
    }
    let loops = literal_loops(f);
    // Candidate regions: a loop's body from its back edge's target, and a
    // whole loop with literal bounds from the `LoadImm`s before its guard.
    let mut cands: Vec<(usize, usize)> = Vec::new();
    for (pc, ins) in f.code.iter().enumerate() {
        if let Some(t) = branch_target(ins).1.map(|t| t as usize) {
            if t <= pc && t > 0 {
                cands.push((t, pc));
            }
        }
        if let Some(lp) = loops[pc] {
            cands.push((lp.body - 3, pc));
        }
    }
    // Outermost first.
    cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    cands.dedup();
    let mut taken_to = 0usize;
    for (start, end) in cands {
        // A region starting at the function's first instruction would
        // share its block with the entry's poll: not taken.
        if start == 0 || start < taken_to || end - start + 1 > MAX_REGION {
            continue;
        }
        if let Some(r) = analyse(f, &loops, float_regs, &mut ex, start, end) {
            taken_to = end + 1;
            regions.push(r);
        }
    }
    Plan { exprs: ex.list, regions }
}

/// The region `start..=end`, if some access in it is covered.
fn analyse(f: &Function, loops: &[Option<crate::promote::LiteralLoop>], float_regs: &[bool], ex: &mut Exprs, start: usize, end: usize) -> Option<Region> {
    if !f.code[start..=end].iter().any(|i| access(f, i).is_some()) {
        return None;
    }
    let frame = f.frame_size.max(1) as usize;
    let never_written = |r: u16| (r as u32) < f.params && !f.code.iter().any(|i| writes(i) == Some(r));
    // Counters of literal loops whose body is in the region: at the body's
    // start the counter is that loop's `j`.
    // Only where the loop's own guard and `ForLoop` are the only ways into
    // its body (checked here), and where the guard sees the literal bounds
    // in the counter and the bound (checked as the dataflow reaches it).
    let mut counter_at: HashMap<usize, (crate::promote::LiteralLoop, u32)> = HashMap::new();
    let mut range: HashMap<u32, (i64, i64)> = HashMap::new();
    for (pc, lp) in loops.iter().enumerate().take(end + 1).skip(start) {
        if let Some(lp) = lp {
            let others = (start..=end).any(|q| q != pc && branch_target(&f.code[q]).1.is_some_and(|t| t as usize == lp.body || t as usize == lp.body - 1));
            if lp.body > start && !others {
                counter_at.insert(lp.body, (*lp, pc as u32));
                range.insert(pc as u32, (lp.from, lp.to - 1));
            }
        }
    }
    let n = end - start + 1;
    let mut before: Vec<Option<Vec<Sym>>> = vec![None; n];
    let entry: Vec<Sym> = (0..frame)
        .map(|r| if float_regs.get(r).copied().unwrap_or(true) { Sym::Unknown } else { Sym::Aff { base: Some(ex.id(Expr::Reg(r as u16))), var: None, c: 0 } })
        .collect();
    before[0] = Some(entry);
    let mut work = vec![start];
    while let Some(pc) = work.pop() {
        let Some(mut st) = before[pc - start].clone() else { continue };
        if let Some(&(lp, l)) = counter_at.get(&pc) {
            let guard = before.get((pc - 1).wrapping_sub(start)).and_then(|g| g.as_ref());
            let literal = guard.is_some_and(|g| g.get(lp.counter as usize) == Some(&konst(lp.from)) && g.get(lp.bound as usize) == Some(&konst(lp.to)));
            st[lp.counter as usize] = if literal { Sym::Aff { base: None, var: Some((l, 1)), c: 0 } } else { Sym::Unknown };
        }
        let ins = &f.code[pc];
        match *ins {
            // A call's frame starts at `base`: the interpreter's callee
            // overwrites the registers from there on.
            Instr::Call { base, .. } | Instr::CallClosure { base, .. } => {
                for s in st.iter_mut().skip(base.0 as usize) {
                    *s = Sym::Unknown;
                }
            }
            _ => {
                if let Some(d) = writes(ins) {
                    let v = transfer(f, ex, &st, ins);
                    if let Some(slot) = st.get_mut(d as usize) {
                        *slot = v;
                    }
                }
            }
        }
        // Edges that leave the region, or come back to its entry (through
        // the test again), carry nothing.
        for s in successors(ins, pc).into_iter().filter(|&s| s > start && s <= end) {
            if meet(&mut before[s - start], &st, Sym::Unknown) && !work.contains(&s) {
                work.push(s);
            }
        }
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut covered = Vec::new();
    for pc in start..=end {
        let Some((v, i)) = access(f, &f.code[pc]) else { continue };
        let Some(st) = &before[pc - start] else { continue };
        let vec = match st.get(v as usize) {
            Some(Sym::Aff { base: Some(b), var: None, c: 0 }) => match ex.list[*b as usize] {
                Expr::Reg(r) if never_written(r) => r,
                _ => continue,
            },
            _ => continue,
        };
        let Some(Sym::Aff { base, var, c }) = st.get(i as usize).copied() else { continue };
        let (lo, hi) = match var {
            None => (c as i128, c as i128),
            Some((l, k)) => {
                let Some(&(a, b)) = range.get(&l) else { continue };
                let (x, y) = (c as i128 + k as i128 * a as i128, c as i128 + k as i128 * b as i128);
                (x.min(y), x.max(y))
            }
        };
        if lo.abs() > MAX_OFFSET || hi.abs() > MAX_OFFSET {
            continue;
        }
        let (lo, hi) = (lo as i64, hi as i64);
        match groups.iter_mut().find(|g| g.vec == vec && g.base == base) {
            Some(g) => {
                g.lo = g.lo.min(lo);
                g.hi = g.hi.max(hi);
            }
            None => groups.push(Group { vec, base, lo, hi }),
        }
        covered.push(pc);
    }
    (!covered.is_empty()).then_some(Region { start, end, groups, covered })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gos_vm::bytecode::{Aux, Loc, Reg};
    use gos_vm::operand::{AuxIdx, Imm16, Imm32, ShortTarget, Target};
    use Instr as I;

    /// A function of `params` parameters whose aux 0 is `I64Vec::set` and
    /// aux 1 `I64Vec::get`.
    fn func(params: u32, code: Vec<Instr>) -> Function {
        let rec = |op| Aux::Intrinsic { op, arg_tys: vec![], ret: gos_abi::TypeId(0), loc: Loc { line: 1, col: 1 } };
        Function {
            name: "t",
            params,
            frame_size: 16,
            code,
            consts: vec![],
            aux: vec![rec(gos_abi::Intrinsic::I64VecSet), rec(gos_abi::Intrinsic::I64VecGet)],
            lines: vec![],
            track_caller: false,
            loc: Loc { line: 1, col: 1 },
            param_types: vec![],
        }
    }

    fn li(d: u16, v: i32) -> Instr {
        I::LoadImm { dst: Reg(d), imm: Imm32(v) }
    }

    /// `buf.set(r8, r9)` with the vector in r7.
    fn set(vec_reg: u16) -> [Instr; 2] {
        [I::Move { dst: Reg(7), src: Reg(vec_reg) }, I::Op { dst: Reg(7), args: Reg(7), aux: AuxIdx(0) }]
    }

    /// `fn fill(buf: I64Vec, p: i64, stride: i64)`:
    /// `while p < 100 { for j in 0..7 { buf.set(p + 2 * stride + 16 + j, 0) }; buf.set(p + 3, 0); p += 61 }`
    fn fill() -> Vec<Instr> {
        let mut c = vec![
            /* 0 */ I::Nop {},
            /* 1 */ li(15, 100),
            /* 2 */ I::BrLeS { a: Reg(15), b: Reg(1), t: ShortTarget(25) },
            /* 3 */ li(4, 0),
            /* 4 */ li(5, 7),
            /* 5 */ I::BrLeS { a: Reg(5), b: Reg(4), t: ShortTarget(15) },
            /* 6 */ li(12, 2),
            /* 7 */ I::MulI64 { dst: Reg(11), a: Reg(12), b: Reg(2) },
            /* 8 */ I::AddI64 { dst: Reg(10), a: Reg(1), b: Reg(11) },
            /* 9 */ I::AddImmI64 { dst: Reg(9), a: Reg(10), imm: Imm16(16) },
            /* 10 */ I::AddI64 { dst: Reg(8), a: Reg(9), b: Reg(4) },
            /* 11 */ li(9, 0),
        ];
        c.extend(set(0)); // 12, 13
        c.push(/* 14 */ I::ForLoop { i: Reg(4), end: Reg(5), t: ShortTarget(6) });
        c.push(/* 15 */ I::AddImmI64 { dst: Reg(8), a: Reg(1), imm: Imm16(3) });
        c.push(/* 16 */ li(9, 0));
        c.extend(set(0)); // 17, 18
        c.push(/* 19 */ I::AddImmI64 { dst: Reg(1), a: Reg(1), imm: Imm16(61) });
        c.push(/* 20 */ I::Jump { t: Target(1) });
        c.extend([I::Nop {}, I::Nop {}, I::Nop {}, I::Nop {}, /* 25 */ I::Ret { src: Reg(0) }]);
        c
    }

    #[test]
    fn while_body_with_a_literal_loop_is_one_region() {
        let f = func(3, fill());
        let plan = plan(&f, &[false; 16]);
        assert_eq!(plan.regions.len(), 1, "{plan:?}");
        let r = &plan.regions[0];
        // The back edge 20 -> 1 closes the outermost loop: region 1..=20.
        assert_eq!((r.start, r.end), (1, 20));
        assert_eq!(r.covered, vec![13, 18]);
        // Two bases: p + 2 * stride (offsets 16..=22) and p (offset 3).
        assert_eq!(r.groups.len(), 2, "{:?}", r.groups);
        let g0 = &r.groups[0];
        assert_eq!((g0.vec, g0.lo, g0.hi), (0, 16, 22));
        let Expr::Add(a, b) = plan.exprs[g0.base.unwrap() as usize] else { panic!("{:?}", plan.exprs) };
        let parts = [plan.exprs[a as usize], plan.exprs[b as usize]];
        assert!(parts.contains(&Expr::Reg(1)), "{parts:?}");
        let g1 = &r.groups[1];
        assert_eq!((g1.lo, g1.hi), (3, 3));
        assert_eq!(plan.exprs[g1.base.unwrap() as usize], Expr::Reg(1));
    }

    #[test]
    fn a_reassigned_vector_or_an_unknown_index_is_not_covered() {
        // The vector register is written in the function: not covered.
        let mut code = fill();
        code[21] = I::Move { dst: Reg(0), src: Reg(3) };
        let f = func(3, code);
        assert!(plan(&f, &[false; 16]).regions.is_empty());
        // An index that depends on a value loaded in the loop (r8 = buf[p],
        // itself covered): the store at 18 is not covered.
        let mut code = fill();
        code[15] = I::Op { dst: Reg(8), args: Reg(0), aux: AuxIdx(1) };
        let f = func(3, code);
        let plan = plan(&f, &[false; 16]);
        assert_eq!(plan.regions[0].covered, vec![13, 15]);
    }

    #[test]
    fn a_value_from_another_path_is_unknown() {
        // 0: r8 = p; 1: if r2 < r3 goto 3; 2: r8 = p + 1; 3: set(r8); back edge.
        let mut code = vec![
            I::Move { dst: Reg(8), src: Reg(1) },
            I::BrLtS { a: Reg(2), b: Reg(3), t: ShortTarget(3) },
            I::AddImmI64 { dst: Reg(8), a: Reg(1), imm: Imm16(1) },
        ];
        code.extend(set(0));
        code.push(I::JumpIf { c: Reg(2), t: Target(1) });
        code.push(I::Ret { src: Reg(0) });
        let f = func(4, code);
        // The region from 1: r8 differs on the two paths into 3.
        assert!(plan(&f, &[false; 16]).regions.is_empty());
    }

    #[test]
    fn wide_offsets_are_not_covered() {
        let mut code = fill();
        // r11 = j * 2^30 * 2^30, and r8 = p + r11 + 16 + j.
        code[6] = li(12, 1 << 30);
        code[7] = I::MulI64 { dst: Reg(11), a: Reg(12), b: Reg(4) };
        code[8] = I::MulI64 { dst: Reg(10), a: Reg(11), b: Reg(12) };
        code[9] = I::AddI64 { dst: Reg(9), a: Reg(10), b: Reg(1) };
        let f = func(3, code);
        let plan = plan(&f, &[false; 16]);
        // j * 2^60 spans far more than 2^40: only the store at p + 3 is.
        assert_eq!(plan.regions[0].covered, vec![18]);
    }

    #[test]
    fn a_counter_is_only_trusted_from_its_own_guard() {
        // A branch back to the inner loop's guard (as if from elsewhere):
        // the counter may hold anything there, so the store at
        // p + 2 * stride + 16 + j is not covered; p + 3 still is.
        let mut code = fill();
        code[19] = I::JumpIf { c: Reg(2), t: Target(5) };
        let f = func(3, code);
        let plan = plan(&f, &[false; 16]);
        assert_eq!(plan.regions[0].covered, vec![18]);
    }

    #[test]
    fn no_region_starts_at_the_first_instruction() {
        // `for j in 0..4 { buf.set(p + j, 0) }` from instruction 0: the
        // whole loop would start at 0, so only its body is a region (the
        // counter is then a value at the body's entry).
        let mut code = vec![
            li(4, 0),
            li(5, 4),
            I::BrLeS { a: Reg(5), b: Reg(4), t: ShortTarget(9) },
            I::AddI64 { dst: Reg(8), a: Reg(1), b: Reg(4) },
            li(9, 0),
        ];
        code.extend(set(0));
        code.push(I::ForLoop { i: Reg(4), end: Reg(5), t: ShortTarget(3) });
        code.push(I::Ret { src: Reg(0) });
        code.push(I::Ret { src: Reg(0) });
        let f = func(2, code);
        let plan = plan(&f, &[false; 16]);
        assert_eq!(plan.regions.len(), 1, "{plan:?}");
        assert_eq!((plan.regions[0].start, plan.regions[0].end), (3, 7));
    }
}
