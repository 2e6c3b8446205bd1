//! Promotion of a fixed array of structs to registers: the analysis that
//! decides when a function may keep the fields of `bodies[i]` in local
//! slots, which LLVM turns into registers once it has unrolled the loops.
//!
//! Why: a fixed array of structs is an object whose slots point at one
//! object per element. Nothing LLVM can see says that two slots hold two
//! different objects, so a store to `bodies[i].vx` may change
//! `bodies[j].vx` as far as LLVM knows, and every field is reloaded after
//! every store (n-body spent its time in store-to-load forwarding). The
//! language does say it: aggregates are values, the checker copies them
//! wherever Rust would, and no two places share an aggregate object
//! (`gos_ir`'s value model). So a function whose every field access goes
//! through the elements of one such array may read the elements' fields
//! into locals at entry, work on the locals, and write the fields it
//! changed back when it returns, as Rust's code does with a local array.
//!
//! The promotion is sound when nothing but the function itself can see the
//! fields while it runs, and nothing in it reaches them another way:
//! * the array is a parameter whose static type is `[S; N]` or a reference
//!   to one, `S` a struct or tuple of scalar fields (no pointer is cached:
//!   the collector needs no help), and `N` times the number of fields it
//!   uses is small;
//! * every `GetField`/`SetField` of the function addresses an element of
//!   that array (a register the analysis proves, on every path, to hold a
//!   pointer loaded by `ArrGet` from it), so no other pointer, which could
//!   be a reference to one of its elements passed in separately, is used
//!   for a field;
//! * the array and its elements do not escape: their registers are only
//!   moved, indexed and field-accessed; no `ArrSet` (which could replace an
//!   element object), no call of any kind (a callee, the runtime or a
//!   closure could read or write the fields), no `go`. Only pure runtime
//!   helpers (f64/f32 remainder, conversions, string bytes) and inline math
//!   stay allowed.
//! Another goroutine that reads the array while the function runs without
//! synchronising with it (the function cannot synchronise: it calls
//! nothing) is in a data race, whose value the language leaves unspecified,
//! as Go does. A panic ends the program (there is no `recover`, and
//! deferred calls do not run on panic), so only returns write back.

use gos_abi::{FloatTy, TypeKind};
use gos_clif::analysis::{branch_target, calls_out, is_inline_math};
use gos_vm::bytecode::{Function, Instr};
use gos_vm::operand::Operand;

/// The most words a promotion keeps in locals (elements times used
/// fields): beyond it, LLVM would spill them anyway.
const MAX_WORDS: u64 = 256;

/// Promoted functions of at most this many bytecode instructions are
/// always inlined into their callers (see the translator: the point is
/// that a caller's loop then keeps the fields in registers across calls).
pub const INLINE_INSTRS: usize = 400;

/// One field the function uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's index in the struct.
    pub idx: u16,
    /// Whether the field is an f64 (kept as `double`).
    pub f64: bool,
    /// Whether the function writes it (and so writes it back).
    pub written: bool,
}

/// A promotion the analysis found.
#[derive(Clone, Debug, PartialEq)]
pub struct Promotion {
    /// The parameter register holding the array.
    pub base: u16,
    /// The array's length.
    pub len: u64,
    /// The element type (a struct or tuple).
    pub elem: gos_abi::TypeId,
    /// The fields used, by ascending index.
    pub fields: Vec<Field>,
    /// For each instruction, whether it is an `ArrGet` of the array or a
    /// `Move` of an element pointer (whose element index the translator
    /// then tracks beside the register).
    pub tracks: Vec<bool>,
}

impl Promotion {
    /// What is promoted, for `gossamer build --release --verbose`: the
    /// parameter's position and type, and how many words live in locals.
    pub fn describe(&self, f: &Function, types: &[TypeKind]) -> String {
        let first = f.params as usize - f.param_types.len();
        let k = self.base as usize - first;
        let elem = match f.param_types.get(k).and_then(|t| types.get(t.index())) {
            Some(TypeKind::Ref(t)) => types.get(t.index()),
            other => other,
        };
        let name = match elem {
            Some(TypeKind::Array(e, _)) => match types.get(e.index()) {
                Some(TypeKind::Struct { name, .. }) => name.clone(),
                _ => "tuple".to_string(),
            },
            _ => "?".to_string(),
        };
        format!(
            "parameter {} ([{name}; {}]): {} field{} of each element in registers, {} written back",
            k + 1,
            self.len,
            self.fields.len(),
            if self.fields.len() == 1 { "" } else { "s" },
            self.fields.iter().filter(|f| f.written).count()
        )
    }

    /// The position of field `idx` in [`Promotion::fields`].
    pub fn slot(&self, idx: u16) -> Option<usize> {
        self.fields.iter().position(|f| f.idx == idx)
    }
}

/// What a register holds at a point of the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
    /// Anything else (or different things on different paths).
    Other,
    /// The array.
    Base,
    /// A pointer to one of the array's elements.
    Elem,
}

/// The element type's fields when `ty` (a parameter's type) is a fixed
/// array of structs or tuples of scalars, or a reference to one:
/// `(length, field types)`.
fn array_of_scalar_structs(types: &[TypeKind], ty: gos_abi::TypeId) -> Option<(u64, gos_abi::TypeId, Vec<gos_abi::TypeId>)> {
    let mut t = types.get(ty.index())?;
    if let TypeKind::Ref(inner) = t {
        t = types.get(inner.index())?;
    }
    let TypeKind::Array(elem, len) = t else { return None };
    let fields: Vec<gos_abi::TypeId> = match types.get(elem.index())? {
        TypeKind::Struct { fields, .. } => fields.iter().map(|(_, t)| *t).collect(),
        TypeKind::Tuple(ts) => ts.clone(),
        _ => return None,
    };
    let scalar = |t: &gos_abi::TypeId| {
        matches!(types.get(t.index()), Some(TypeKind::Unit | TypeKind::Bool | TypeKind::Char | TypeKind::Int(_) | TypeKind::Float(_)))
    };
    (*len > 0 && !fields.is_empty() && fields.iter().all(scalar)).then_some((*len, *elem, fields))
}

/// The registers instruction `ins` reads (for an operation, the first of its
/// argument registers: only one-argument inline math gets this far).
fn reads(ins: &Instr) -> Vec<u16> {
    let mut out = Vec::new();
    match *ins {
        // An inline math operation reads its one argument register.
        Instr::Op { args, .. } => out.push(args.0),
        Instr::ForLoop { i, end, .. } => {
            out.push(i.0);
            out.push(end.0);
        }
        _ => ins.for_each_operand(&mut |name, op| {
            if let Operand::Reg(r) = op {
                if name != "dst" {
                    out.push(r);
                }
            }
        }),
    }
    out
}

/// The register instruction `ins` writes, if any: its `dst`, a loop's
/// counter, or a call's result (which lands in its `base`, the register of
/// its first argument).
pub(crate) fn writes(ins: &Instr) -> Option<u16> {
    match *ins {
        Instr::ForLoop { i, .. } => Some(i.0),
        Instr::Call { base, .. } | Instr::CallClosure { base, .. } => Some(base.0),
        _ => {
            let mut w = None;
            ins.for_each_operand(&mut |name, op| {
                if let Operand::Reg(r) = op {
                    if name == "dst" {
                        w = Some(r);
                    }
                }
            });
            w
        }
    }
}

/// Whether `ins` may appear in a promoted function at all (see the module
/// docs): no calls, no `go`, no `ArrSet`, and only pure runtime helpers.
fn allowed(f: &Function, ins: &Instr, types: &[TypeKind]) -> bool {
    match ins {
        Instr::ArrSet { .. } => false,
        Instr::Op { aux, .. } => f.aux.get(aux.0 as usize).is_some_and(|a| is_inline_math(a, types)),
        Instr::RemF64 { .. } | Instr::RemF32 { .. } | Instr::Convert { .. } | Instr::StrByte { .. } => true,
        other => !calls_out(other),
    }
}

/// The promotion of function `f`, if one of its parameters qualifies (see
/// the module docs). `types` is the program's type table.
pub fn find(f: &Function, types: &[TypeKind]) -> Option<Promotion> {
    if !f.code.iter().all(|i| allowed(f, i, types)) {
        return None;
    }
    let first = f.params as usize - f.param_types.len();
    for (k, &ty) in f.param_types.iter().enumerate() {
        let Some((len, elem, field_types)) = array_of_scalar_structs(types, ty) else { continue };
        if let Some(p) = analyse(f, (first + k) as u16, len, elem, &field_types, types) {
            return Some(p);
        }
    }
    None
}

/// What each register holds before each instruction of `f` (`None` where
/// no path reaches), by a forward dataflow over the lattice {`other`, any
/// other value}: `start` at entry, `transfer` giving the value an
/// instruction writes (`other` when it says `None`), and a register that
/// holds different values on different paths holds `other`. The lattice has
/// height two and the frame is finite: the iteration ends.
fn states<V: Copy + Eq>(f: &Function, start: Vec<V>, other: V, transfer: impl Fn(&[V], &Instr) -> Option<V>) -> Vec<Option<Vec<V>>> {
    let n = f.code.len();
    let mut before: Vec<Option<Vec<V>>> = vec![None; n];
    if n == 0 {
        return before;
    }
    before[0] = Some(start);
    let mut work = vec![0usize];
    while let Some(pc) = work.pop() {
        let Some(mut st) = before[pc].clone() else { continue };
        let ins = &f.code[pc];
        if let Some(d) = writes(ins) {
            let v = transfer(&st, ins).unwrap_or(other);
            if let Some(slot) = st.get_mut(d as usize) {
                *slot = v;
            }
        }
        for s in successors(ins, pc).into_iter().filter(|&s| s < n) {
            if meet(&mut before[s], &st, other) && !work.contains(&s) {
                work.push(s);
            }
        }
    }
    before
}

/// The instructions that can run right after instruction `pc`, `ins`.
pub(crate) fn successors(ins: &Instr, pc: usize) -> Vec<usize> {
    let mut succ = Vec::new();
    if let Some(t) = branch_target(ins).1 {
        succ.push(t as usize);
    }
    if !matches!(ins, Instr::Jump { .. } | Instr::Ret { .. } | Instr::Unreachable {}) {
        succ.push(pc + 1);
    }
    succ
}

/// Joins the registers `st` flowing along an edge into the state `into`
/// (`None`: not reached yet) over a flat lattice whose top is `other`;
/// whether `into` changed.
pub(crate) fn meet<V: Copy + Eq>(into: &mut Option<Vec<V>>, st: &[V], other: V) -> bool {
    match into {
        slot @ None => {
            *slot = Some(st.to_vec());
            true
        }
        Some(old) => {
            let mut changed = false;
            for (o, &v) in old.iter_mut().zip(st) {
                if *o != v && *o != other {
                    *o = other;
                    changed = true;
                }
            }
            changed
        }
    }
}

/// For each instruction of `f`: whether it is a `GetField`/`SetField` of
/// word 0 of a cell (a variable that closures capture or `&mut` refers to,
/// made by the `CellNew` operation in this function, on every path). The
/// translator gives those words a type-based alias tag of their own (a
/// child of field 0's), so that a store to field 0 of a struct no longer
/// forces a reload of the cell that holds a variable.
pub fn cell_accesses(f: &Function) -> Vec<bool> {
    let makes_cell = |ins: &Instr| match ins {
        Instr::Op { aux, .. } => {
            matches!(f.aux.get(aux.0 as usize), Some(gos_vm::bytecode::Aux::Intrinsic { op: gos_abi::Intrinsic::CellNew, .. }))
        }
        _ => false,
    };
    let mut out = vec![false; f.code.len()];
    if !f.code.iter().any(makes_cell) {
        return out;
    }
    let frame = f.frame_size as usize;
    let st = states(f, vec![false; frame], false, |st, ins| match *ins {
        Instr::Move { src, .. } => st.get(src.0 as usize).copied(),
        _ => Some(makes_cell(ins)),
    });
    for (pc, ins) in f.code.iter().enumerate() {
        let Some(st) = &st[pc] else { continue };
        if let Instr::GetField { obj, idx, .. } | Instr::SetField { obj, idx, .. } = *ins {
            out[pc] = idx.0 == 0 && st.get(obj.0 as usize).copied().unwrap_or(false);
        }
    }
    out
}

/// For each instruction of `f` that indexes a fixed array (`ArrGet`,
/// `ArrSet`): the array's length when its static type is known, that is
/// when the register holds, on every path, a parameter of type `[T; N]` (or
/// a reference to one), the contents of a `Box<[T; N]>` parameter (its
/// field 0), or an array this function made (`[v; N]`, a literal, a copy).
/// The length of an array object never changes and is the one its type
/// says (a box's contents can be replaced, but only by another `[T; N]`),
/// so compiled code may use the constant instead of reading it from the
/// run's table: LLVM then sees `table[c]` with `c < 139968` as in bounds
/// and drops the check, as rustc does.
pub fn static_lengths(f: &Function, types: &[TypeKind]) -> Vec<Option<u64>> {
    // A register's state: 0 (nothing known), N (an array of length N) or
    // N | BOXED (a box holding one).
    const BOXED: u64 = 1 << 63;
    let array_len = |t: gos_abi::TypeId| -> Option<u64> {
        let mut k = types.get(t.index())?;
        if let TypeKind::Ref(inner) = k {
            k = types.get(inner.index())?;
        }
        match k {
            // (No array that long can exist; the guard keeps the tag bit
            // free.)
            TypeKind::Array(_, n) if *n < BOXED => Some(*n),
            _ => None,
        }
    };
    let boxed_len = |t: gos_abi::TypeId| -> Option<u64> {
        match types.get(t.index())? {
            TypeKind::Box(inner) => match types.get(inner.index())? {
                TypeKind::Array(_, n) if *n > 0 && *n < BOXED => Some(n | BOXED),
                _ => None,
            },
            _ => None,
        }
    };
    let mut out = vec![None; f.code.len()];
    let indexes = |i: &Instr| matches!(i, Instr::ArrGet { .. } | Instr::ArrSet { .. });
    if !f.code.iter().any(indexes) {
        return out;
    }
    let frame = f.frame_size as usize;
    // (`[T; 0]` gets no help: every index is out of range anyway.)
    let mut start = vec![0u64; frame];
    let first = (f.params as usize).saturating_sub(f.param_types.len());
    for (k, &t) in f.param_types.iter().enumerate() {
        if let (Some(slot), Some(n)) = (start.get_mut(first + k), array_len(t).or_else(|| boxed_len(t))) {
            *slot = n;
        }
    }
    let st = states(f, start, 0, |st, ins| match *ins {
        Instr::Move { src, .. } => st.get(src.0 as usize).copied(),
        Instr::GetField { obj, idx, .. } if idx.0 == 0 => st.get(obj.0 as usize).filter(|&&n| n & BOXED != 0).map(|&n| n & !BOXED),
        Instr::Op { aux, .. } => match f.aux.get(aux.0 as usize)? {
            gos_vm::bytecode::Aux::NewAggregate { ty, .. }
            | gos_vm::bytecode::Aux::ArrayRepeat { ty, .. }
            | gos_vm::bytecode::Aux::Copy { ty }
            | gos_vm::bytecode::Aux::Clone { ty } => array_len(*ty),
            _ => None,
        },
        _ => None,
    });
    for (pc, ins) in f.code.iter().enumerate() {
        let Some(st) = &st[pc] else { continue };
        if let Instr::ArrGet { arr, .. } | Instr::ArrSet { arr, .. } = *ins {
            out[pc] = st.get(arr.0 as usize).copied().filter(|&n| n > 0 && n & BOXED == 0);
        }
    }
    out
}

/// Most iterations of a loop [`small_fixed_loops`] asks LLVM to unroll
/// fully, and most bytecode instructions in its body.
pub const UNROLL_MAX_TRIPS: i64 = 8;
pub const UNROLL_MAX_BODY: usize = 200;

/// For each instruction: whether it is the `ForLoop` of a loop to unroll
/// fully: an innermost loop with a literal trip count of 2 to
/// [`UNROLL_MAX_TRIPS`] (`for x in a..b` with literal bounds, a `for` over
/// a small fixed array), whose body of at most [`UNROLL_MAX_BODY`] instructions writes
/// neither the counter nor the bound and contains no loop. LLVM's own
/// threshold leaves such a loop rolled once its body is large (fasta's
/// seven words of four chains), and then pays a counter, an address
/// computed per iteration and spilled base pointers where the unrolled
/// code has constant offsets (`gcc -O3`'s complete unrolling takes that
/// loop too). The shape is the one bcgen emits: `LoadImm` of the counter
/// and the bound right before the guard `BrLeS bound, counter, exit`, the
/// body, then the `ForLoop`.
pub fn small_fixed_loops(f: &Function) -> Vec<bool> {
    let mut out = vec![false; f.code.len()];
    for (pc, lp) in literal_loops(f).into_iter().enumerate() {
        let Some(lp) = lp else { continue };
        if pc - lp.body > UNROLL_MAX_BODY || !(2..=UNROLL_MAX_TRIPS).contains(&(lp.to - lp.from)) {
            continue;
        }
        // Innermost loops only: the hint on nested loops multiplies their
        // copies (three nested 0..8 loops of 30 statements took LLVM six
        // minutes), and an outer loop is LLVM's to unroll by its own
        // threshold once the inner one is straight code.
        let t = lp.body;
        let nested = f.code[t..pc].iter().enumerate().any(|(k, x)| branch_target(x).1.is_some_and(|to| to as usize <= t + k));
        if nested {
            continue;
        }
        out[pc] = true;
    }
    out
}

/// A loop with literal bounds, in the shape bcgen emits for `for x in a..b`:
/// `LoadImm` of the counter and the bound right before the guard
/// `BrLeS bound, counter, exit`, the body (from `body`), then the
/// `ForLoop`; the body writes neither the counter nor the bound, so the
/// counter runs through `from..to` (at least once: `from < to`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiteralLoop {
    /// The body's first instruction (the `ForLoop`'s target).
    pub body: usize,
    pub counter: u16,
    pub bound: u16,
    pub from: i64,
    pub to: i64,
}

/// For each instruction: the loop it closes, if it is the `ForLoop` of a
/// [`LiteralLoop`].
pub fn literal_loops(f: &Function) -> Vec<Option<LiteralLoop>> {
    let mut out = vec![None; f.code.len()];
    for (pc, ins) in f.code.iter().enumerate() {
        let Instr::ForLoop { i, end, t } = *ins else { continue };
        let t = t.0 as usize;
        if t < 3 || t > pc {
            continue;
        }
        match f.code[t - 1] {
            Instr::BrLeS { a, b, t: exit } if a == end && b == i && exit.0 as usize == pc + 1 => {}
            _ => continue,
        }
        let (mut from, mut to) = (None, None);
        for ins in &f.code[t - 3..t - 1] {
            if let Instr::LoadImm { dst, imm } = *ins {
                if dst == i {
                    from = Some(imm.0 as i64);
                } else if dst == end {
                    to = Some(imm.0 as i64);
                }
            }
        }
        let (Some(from), Some(to)) = (from, to) else { continue };
        if from >= to || i == end {
            continue;
        }
        if f.code[t..pc].iter().any(|x| writes(x).is_some_and(|d| d == i.0 || d == end.0)) {
            continue;
        }
        out[pc] = Some(LiteralLoop { body: t, counter: i.0, bound: end.0, from, to });
    }
    out
}

/// The dataflow proof for one candidate parameter `base`: what each
/// register holds at each instruction, then the checks of the module docs.
fn analyse(f: &Function, base: u16, len: u64, elem: gos_abi::TypeId, field_types: &[gos_abi::TypeId], types: &[TypeKind]) -> Option<Promotion> {
    let n = f.code.len();
    let frame = f.frame_size as usize;
    let mut start = vec![Val::Other; frame];
    *start.get_mut(base as usize)? = Val::Base;
    let before = states(f, start, Val::Other, |st, ins| match *ins {
        Instr::Move { src, .. } => st.get(src.0 as usize).copied(),
        Instr::ArrGet { arr, .. } if st.get(arr.0 as usize) == Some(&Val::Base) => Some(Val::Elem),
        _ => None,
    });
    // The checks, at every reachable instruction.
    let mut used: Vec<Option<bool>> = vec![None; field_types.len()];
    let mut tracks = vec![false; n];
    for (pc, ins) in f.code.iter().enumerate() {
        let Some(st) = &before[pc] else { continue };
        let at = |r: u16| st.get(r as usize).copied().unwrap_or(Val::Other);
        match *ins {
            Instr::Move { src, .. } => tracks[pc] = at(src.0) == Val::Elem,
            Instr::ArrGet { arr, i, .. } => {
                match at(arr.0) {
                    Val::Base => tracks[pc] = true,
                    Val::Elem => return None,
                    Val::Other => {}
                }
                if at(i.0) != Val::Other {
                    return None;
                }
            }
            Instr::GetField { obj, idx, .. } | Instr::SetField { obj, idx, .. } => {
                if at(obj.0) != Val::Elem {
                    return None;
                }
                let u = used.get_mut(idx.0 as usize)?;
                let written = matches!(ins, Instr::SetField { .. });
                *u = Some(u.unwrap_or(false) || written);
                if let Instr::SetField { src, .. } = *ins {
                    if at(src.0) != Val::Other {
                        return None;
                    }
                }
            }
            _ => {
                if reads(ins).into_iter().any(|r| at(r) != Val::Other) {
                    return None;
                }
            }
        }
    }
    let fields: Vec<Field> = used
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            u.map(|written| Field {
                idx: i as u16,
                f64: matches!(types.get(field_types[i].index()), Some(TypeKind::Float(FloatTy::F64))),
                written,
            })
        })
        .collect();
    if fields.is_empty() || !fields.iter().any(|f| f.written) || len * fields.len() as u64 > MAX_WORDS {
        return None;
    }
    Some(Promotion { base, len, elem, fields, tracks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gos_abi::TypeId;
    use gos_vm::bytecode::{Loc, Reg, ShortTarget, Small};

    /// Types: 0 f64, 1 Body {x, v: f64}, 2 [Body; 3], 3 &mut [Body; 3],
    /// 4 i64, 5 [i64; 3].
    fn types() -> Vec<TypeKind> {
        vec![
            TypeKind::Float(FloatTy::F64),
            TypeKind::Struct { name: "Body".into(), fields: vec![("x".into(), TypeId(0)), ("v".into(), TypeId(0))], tuple_like: false },
            TypeKind::Array(TypeId(1), 3),
            TypeKind::Ref(TypeId(2)),
            TypeKind::Int(gos_abi::IntTy::I64),
            TypeKind::Array(TypeId(4), 3),
            TypeKind::Box(TypeId(5)),
        ]
    }

    fn func(param_types: Vec<TypeId>, code: Vec<Instr>) -> Function {
        Function {
            name: "t",
            params: param_types.len() as u32,
            frame_size: 8,
            code,
            consts: vec![],
            aux: vec![],
            lines: vec![],
            track_caller: false,
            loc: Loc { line: 1, col: 1 },
            param_types,
        }
    }

    /// `for i in 0..3 { b[i].x += b[i].v }` over registers: r0 the array,
    /// r1 i, r2 the end, r3..r6 temporaries.
    fn kernel() -> Vec<Instr> {
        use Instr as I;
        vec![
            I::LoadImm { dst: Reg(1), imm: gos_vm::operand::Imm32(0) },
            I::LoadImm { dst: Reg(2), imm: gos_vm::operand::Imm32(3) },
            I::Move { dst: Reg(3), src: Reg(0) },
            I::ArrGet { dst: Reg(4), arr: Reg(3), i: Reg(1) },
            I::GetField { dst: Reg(5), obj: Reg(4), idx: Small(0) },
            I::GetField { dst: Reg(6), obj: Reg(4), idx: Small(1) },
            I::AddF64 { dst: Reg(5), a: Reg(5), b: Reg(6) },
            I::SetField { obj: Reg(4), idx: Small(0), src: Reg(5) },
            I::ForLoop { i: Reg(1), end: Reg(2), t: ShortTarget(2) },
            I::Ret { src: Reg(7) },
        ]
    }

    #[test]
    fn promotes_an_array_of_structs_parameter() {
        let p = find(&func(vec![TypeId(3)], kernel()), &types()).expect("promoted");
        assert_eq!(p.base, 0);
        assert_eq!(p.len, 3);
        assert_eq!(p.elem, TypeId(1));
        assert_eq!(p.fields, vec![Field { idx: 0, f64: true, written: true }, Field { idx: 1, f64: true, written: false }]);
        assert!(p.tracks[3] && !p.tracks[2] && !p.tracks[4]);
    }

    #[test]
    fn needs_a_known_array_of_structs_type() {
        assert_eq!(find(&func(vec![], kernel()), &types()), None);
        assert_eq!(find(&func(vec![TypeId(5)], kernel()), &types()), None);
    }

    #[test]
    fn refuses_calls_escapes_and_other_field_accesses() {
        use Instr as I;
        // A call anywhere.
        let mut code = kernel();
        code.insert(7, I::Call { base: Reg(6), f: gos_vm::operand::FuncIdx(0) });
        assert_eq!(find(&func(vec![TypeId(3)], code), &types()), None);
        // An element stored into another element's field (an escape).
        let mut code = kernel();
        code[7] = I::SetField { obj: Reg(4), idx: Small(0), src: Reg(4) };
        assert_eq!(find(&func(vec![TypeId(3)], code), &types()), None);
        // A field of something that is not an element (it could be an
        // element reached through another reference).
        let mut code = kernel();
        code[5] = I::GetField { dst: Reg(6), obj: Reg(7), idx: Small(1) };
        assert_eq!(find(&func(vec![TypeId(3), TypeId(3)], code), &types()), None);
        // An element slot overwritten.
        let mut code = kernel();
        code[7] = I::ArrSet { arr: Reg(3), i: Reg(1), src: Reg(5) };
        assert_eq!(find(&func(vec![TypeId(3)], code), &types()), None);
        // The array returned.
        let mut code = kernel();
        code[9] = I::Ret { src: Reg(0) };
        assert_eq!(find(&func(vec![TypeId(3)], code), &types()), None);
    }

    #[test]
    fn knows_the_lengths_of_arrays_of_known_type() {
        use Instr as I;
        // r0: [i64; 3] parameter; r1: an i64 parameter; r2 copies r0, then
        // is overwritten by a sum; r3 is a fresh [v; 3].
        let mut f = func(vec![TypeId(5), TypeId(4)], vec![
            I::Move { dst: Reg(2), src: Reg(0) },
            I::ArrGet { dst: Reg(4), arr: Reg(2), i: Reg(1) },
            I::AddI64 { dst: Reg(2), a: Reg(1), b: Reg(1) },
            I::ArrGet { dst: Reg(4), arr: Reg(2), i: Reg(1) },
            I::Op { dst: Reg(3), args: Reg(1), aux: gos_vm::operand::AuxIdx(0) },
            I::ArrSet { arr: Reg(3), i: Reg(1), src: Reg(4) },
            I::ArrGet { dst: Reg(4), arr: Reg(1), i: Reg(1) },
            I::Ret { src: Reg(4) },
        ]);
        f.aux = vec![gos_vm::bytecode::Aux::ArrayRepeat { ty: TypeId(5), elem: TypeId(4), len: 3 }];
        assert_eq!(static_lengths(&f, &types()), vec![None, Some(3), None, None, None, Some(3), None, None]);
    }

    #[test]
    fn finds_small_loops_with_literal_bounds() {
        use Instr as I;
        use gos_vm::operand::{Imm32, ShortTarget};
        // for j in 0..7 { r5 = r5 + j }, then the same with 0..9 (too many
        // iterations), then 0..3 writing its bound in the body.
        let lit = |dst: u16, v: i32| I::LoadImm { dst: Reg(dst), imm: Imm32(v) };
        let f = func(vec![], vec![
            lit(2, 0),
            lit(3, 7),
            I::BrLeS { a: Reg(3), b: Reg(2), t: ShortTarget(5) },
            I::AddI64 { dst: Reg(5), a: Reg(5), b: Reg(2) },
            I::ForLoop { i: Reg(2), end: Reg(3), t: ShortTarget(3) },
            lit(2, 0),
            lit(3, 9),
            I::BrLeS { a: Reg(3), b: Reg(2), t: ShortTarget(10) },
            I::AddI64 { dst: Reg(5), a: Reg(5), b: Reg(2) },
            I::ForLoop { i: Reg(2), end: Reg(3), t: ShortTarget(8) },
            lit(2, 0),
            lit(3, 3),
            I::BrLeS { a: Reg(3), b: Reg(2), t: ShortTarget(15) },
            I::AddI64 { dst: Reg(3), a: Reg(5), b: Reg(2) },
            I::ForLoop { i: Reg(2), end: Reg(3), t: ShortTarget(13) },
            I::Ret { src: Reg(5) },
        ]);
        let want: Vec<bool> = (0..16).map(|pc| pc == 4).collect();
        assert_eq!(small_fixed_loops(&f), want);
        // for i in 0..4 { for j in 0..4 { s += j } }: the inner loop only.
        let f = func(vec![], vec![
            lit(2, 0),
            lit(3, 4),
            I::BrLeS { a: Reg(3), b: Reg(2), t: ShortTarget(10) },
            lit(6, 0),
            lit(7, 4),
            I::BrLeS { a: Reg(7), b: Reg(6), t: ShortTarget(8) },
            I::AddI64 { dst: Reg(5), a: Reg(5), b: Reg(6) },
            I::ForLoop { i: Reg(6), end: Reg(7), t: ShortTarget(6) },
            I::AddI64 { dst: Reg(5), a: Reg(5), b: Reg(2) },
            I::ForLoop { i: Reg(2), end: Reg(3), t: ShortTarget(3) },
            I::Ret { src: Reg(5) },
        ]);
        let want: Vec<bool> = (0..11).map(|pc| pc == 7).collect();
        assert_eq!(small_fixed_loops(&f), want);
    }

    #[test]
    fn knows_the_length_of_a_boxed_array_parameter() {
        use Instr as I;
        // r0: Box<[i64; 3]>; r1: i64. The box itself is not an array; its
        // field 0 is, and a copy of that register too.
        let f = func(vec![TypeId(6), TypeId(4)], vec![
            I::GetField { dst: Reg(2), obj: Reg(0), idx: Small(0) },
            I::ArrGet { dst: Reg(4), arr: Reg(2), i: Reg(1) },
            I::Move { dst: Reg(3), src: Reg(2) },
            I::ArrSet { arr: Reg(3), i: Reg(1), src: Reg(4) },
            I::ArrGet { dst: Reg(4), arr: Reg(0), i: Reg(1) },
            I::GetField { dst: Reg(2), obj: Reg(1), idx: Small(0) },
            I::ArrGet { dst: Reg(4), arr: Reg(2), i: Reg(1) },
            I::Ret { src: Reg(4) },
        ]);
        assert_eq!(static_lengths(&f, &types()), vec![None, Some(3), None, Some(3), None, None, None, None]);
    }

    #[test]
    fn finds_the_words_of_cells_made_here() {
        use Instr as I;
        let mut f = func(vec![], vec![
            I::Op { dst: Reg(1), args: Reg(0), aux: gos_vm::operand::AuxIdx(0) },
            I::Move { dst: Reg(2), src: Reg(1) },
            I::GetField { dst: Reg(3), obj: Reg(2), idx: Small(0) },
            I::SetField { obj: Reg(1), idx: Small(0), src: Reg(3) },
            I::GetField { dst: Reg(3), obj: Reg(4), idx: Small(0) },
            I::Move { dst: Reg(2), src: Reg(4) },
            I::GetField { dst: Reg(3), obj: Reg(2), idx: Small(0) },
            I::Ret { src: Reg(3) },
        ]);
        f.aux = vec![gos_vm::bytecode::Aux::Intrinsic {
            op: gos_abi::Intrinsic::CellNew,
            arg_tys: vec![TypeId(0)],
            ret: TypeId(0),
            loc: Loc { line: 1, col: 1 },
        }];
        assert_eq!(cell_accesses(&f), vec![false, false, true, true, false, false, false, false]);
    }

    #[test]
    fn a_register_that_is_an_element_on_one_path_only_is_not_one() {
        use Instr as I;
        // r4 is an element pointer if the branch at 3 is not taken, and
        // r0's copy r3 otherwise... then a field of r4 is read.
        let code = vec![
            I::LoadImm { dst: Reg(1), imm: gos_vm::operand::Imm32(0) },
            I::Move { dst: Reg(4), src: Reg(7) },
            I::BrEqImm { a: Reg(1), imm: gos_vm::operand::Imm16(1), t: ShortTarget(4) },
            I::ArrGet { dst: Reg(4), arr: Reg(0), i: Reg(1) },
            I::GetField { dst: Reg(5), obj: Reg(4), idx: Small(0) },
            I::SetField { obj: Reg(4), idx: Small(0), src: Reg(5) },
            I::Ret { src: Reg(5) },
        ];
        assert_eq!(find(&func(vec![TypeId(3)], code), &types()), None);
    }
}
