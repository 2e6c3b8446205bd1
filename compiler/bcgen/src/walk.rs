//! Read-only walks over IR expressions that the lowering consults: whether
//! an expression may assign a local (to decide if an operand can be read in
//! place), whether it writes its destination only at the end, and a
//! bounded size (to decide whether a loop condition is worth duplicating).

use gos_ir::{self as ir, Expr, ExprKind, Place};

/// Whether lowering `e` into a register writes that register only with its
/// last instruction (so the register may be a local that `e` reads).
pub(crate) fn writes_dst_last(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::If { .. } | ExprKind::Block { .. } | ExprKind::Loop { .. } | ExprKind::Logic { .. } => false,
        // These may lower to their operand's code with the same destination.
        ExprKind::Copy(x)
        | ExprKind::Clone(x)
        | ExprKind::Read(Place::Deref(x))
        | ExprKind::MakeRef(Place::Deref(x)) => writes_dst_last(x),
        _ => true,
    }
}

/// Calls `f` on each direct sub-expression of `e` (places included).
pub(crate) fn for_each_child<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    fn place<'e>(p: &'e Place, f: &mut dyn FnMut(&'e Expr)) {
        match p {
            Place::Local(_) | Place::Global(_) => {}
            Place::Field { obj, .. } => f(obj),
            Place::ArrayElem { arr, index } => {
                f(arr);
                f(index)
            }
            Place::VecElem { vec, index } => {
                f(vec);
                f(index)
            }
            Place::Deref(x) | Place::Cell(x) => f(x),
        }
    }
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Continue { .. } | ExprKind::Capture(_) => {}
        ExprKind::Read(p) | ExprKind::MakeRef(p) => place(p, f),
        ExprKind::Write { place: p, value } => {
            f(value);
            place(p, f)
        }
        ExprKind::Unary { arg, .. } | ExprKind::Cast { arg } => f(arg),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Logic { lhs, rhs, .. } => {
            f(lhs);
            f(rhs)
        }
        ExprKind::Block { stmts, tail } => {
            stmts.iter().for_each(&mut *f);
            if let Some(t) = tail {
                f(t)
            }
        }
        ExprKind::If { cond, then, else_ } => {
            f(cond);
            f(then);
            if let Some(x) = else_ {
                f(x)
            }
        }
        ExprKind::Loop { cond, body, step, .. } => {
            if let Some(c) = cond {
                f(c)
            }
            f(body);
            if let Some(s) = step {
                f(s)
            }
        }
        ExprKind::Break { value, .. } => {
            if let Some(v) = value {
                f(v)
            }
        }
        ExprKind::Return(v) => {
            if let Some(v) = v {
                f(v)
            }
        }
        ExprKind::Call { args, .. }
        | ExprKind::MakeClosure { captures: args, .. }
        | ExprKind::Aggregate(args)
        | ExprKind::EnumNew { fields: args, .. }
        | ExprKind::Intrinsic { args, .. } => args.iter().for_each(f),
        ExprKind::CallClosure { callee, args } => {
            f(callee);
            args.iter().for_each(f)
        }
        ExprKind::ArrayRepeat(x)
        | ExprKind::Copy(x)
        | ExprKind::Clone(x)
        | ExprKind::EnumTag(x)
        | ExprKind::Go(x)
        | ExprKind::EnumField { value: x, .. } => f(x),
        ExprKind::Format(pieces) => {
            for p in pieces {
                if let ir::FmtPiece::Arg { value, .. } = p {
                    f(value)
                }
            }
        }
    }
}

/// Whether evaluating `e` may assign local `l`.
pub(crate) fn writes_local(e: &Expr, l: ir::LocalId) -> bool {
    if let ExprKind::Write { place: Place::Local(w), .. } = &e.kind {
        if *w == l {
            return true;
        }
    }
    let mut found = false;
    for_each_child(e, &mut |c| {
        if !found && writes_local(c, l) {
            found = true;
        }
    });
    found
}

/// The number of nodes of `e`, counting at most up to a small bound.
pub(crate) fn size(e: &Expr) -> usize {
    fn go(e: &Expr, n: &mut usize) {
        *n += 1;
        if *n > 64 {
            return;
        }
        for_each_child(e, &mut |c| go(c, n));
    }
    let mut n = 0;
    go(e, &mut n);
    n
}
