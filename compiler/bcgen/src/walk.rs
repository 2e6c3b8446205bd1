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
    e.for_each_child(f)
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
