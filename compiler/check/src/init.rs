//! Definite assignment of locals declared without a value (`let x;`,
//! `let x: T;`), as Rust's borrow checker does it (E0381, E0384). Such a
//! local may be read (as a value, through `&`, as a receiver, captured by a
//! closure, in a format string) only where it is assigned on every path
//! that reaches the read, and an immutable one may be assigned only where
//! no path has assigned it yet.
//!
//! The analysis runs with the checking of a body, which visits the code in
//! evaluation order: each frame carries an `InitState` (which deferred
//! locals may be unassigned, which may be assigned, whether the point is
//! reachable at all). Branches (`if`, `match` arms and guards, `select`
//! arms, the right of `&&`/`||`, an `assert!` message) start from the state
//! before them and are joined after. A `break` or `continue` sends its state
//! to its loop; code after `return`, `break`, `continue` or any expression
//! of type `!` is unreachable and joins as "everything assigned". After a
//! `loop` the state is the join of its `break`s; after `while` and `for`
//! it also includes the state where the condition is first tested, so an
//! assignment in their body never counts after them. Loops need no second
//! pass: a body only assigns the locals declared outside it, so the state at
//! its start is the state before it for reads; for the immutables assigned
//! in it, the state at the end of the body and its `continue`s (the back
//! edge) says whether a second iteration assigns them again.

use std::collections::HashSet;

use gos_syntax::ast::Span;

use crate::ctx::*;

/// What is known at a point of a body about its deferred (`let x;`) locals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InitState {
    /// No path reaches this point (after `return`, `break`, `panic!`…).
    pub dead: bool,
    /// Locals that are unassigned on some path to this point.
    pub unset: HashSet<u32>,
    /// Locals that are assigned on some path to this point.
    pub set: HashSet<u32>,
}

impl InitState {
    /// The state of an unreachable point: the identity of `join`.
    pub fn dead() -> Self {
        InitState { dead: true, ..Default::default() }
    }

    /// The state where paths with the states `self` and `o` meet.
    pub fn join(&mut self, o: &InitState) {
        if o.dead {
            return;
        }
        if self.dead {
            *self = o.clone();
            return;
        }
        self.unset.extend(o.unset.iter().copied());
        self.set.extend(o.set.iter().copied());
    }
}

impl<'a> Checker<'a> {
    /// The state at the current point of the current frame.
    pub fn init_now(&self) -> InitState {
        self.frame_ref().init.clone()
    }

    pub fn init_restore(&mut self, s: InitState) {
        self.frame().init = s;
    }

    /// Joins the state of another path into the current point.
    pub fn init_join(&mut self, s: &InitState) {
        self.frame().init.join(s);
    }

    /// The current point is unreachable (its expression has type `!`).
    pub fn init_diverge(&mut self) {
        if let Some(f) = self.cx.frames.last_mut() {
            f.init.dead = true;
        }
    }

    /// `let x;`: `x` is unassigned from here.
    pub fn init_declare(&mut self, l: u32) {
        let st = &mut self.frame().init;
        st.unset.insert(l);
        st.set.remove(&l);
    }

    /// A read of local `l` of frame `fi` (for a capture, a frame enclosing
    /// the current one): an error unless it is assigned on every path here.
    pub fn init_check_read(&mut self, fi: usize, l: u32, span: Span) {
        let f = &self.cx.frames[fi];
        if f.init.dead || !f.init.unset.contains(&l) {
            return;
        }
        let name = f.locals[l as usize].name.clone();
        let msg = if f.init.set.contains(&l) {
            format!("used binding `{}` is possibly-uninitialized: it is not assigned on every path to this use", name)
        } else {
            format!("used binding `{}` isn't initialized: it is declared without a value and not yet assigned", name)
        };
        self.err(span, msg);
        // One report per variable and path: count it as assigned from here.
        self.cx.frames[fi].init.unset.remove(&l);
    }

    /// `x = v` of a deferred local `l` of the current frame, after `v` is
    /// checked: an immutable one must not be assigned on any path yet.
    /// Returns whether no path has assigned it yet, so that a local in a
    /// cell (captured or borrowed mutably) makes its cell here.
    pub fn init_assign(&mut self, l: u32, span: Span) -> bool {
        let f = self.frame();
        let info = &f.locals[l as usize];
        let (mutable, cell, name) = (info.mutable, info.cell, info.name.clone());
        let maybe_set = !f.init.dead && f.init.set.contains(&l);
        let maybe_unset = f.init.unset.contains(&l);
        if !mutable || (cell && !maybe_set) {
            // A second iteration of an enclosing loop would assign it again
            // (or make its cell again) if the loop's back edge may have it
            // assigned (`pop_loop`).
            for lc in f.loops.iter_mut() {
                if (l as usize) < lc.outer_locals {
                    lc.first_sets.push((l, span));
                }
            }
        }
        if !mutable && maybe_set {
            self.err(span, format!("cannot assign twice to immutable variable `{}`", name));
        } else if cell && maybe_set && maybe_unset {
            self.err(span, cell_msg(&name));
        }
        let st = &mut self.frame().init;
        st.unset.remove(&l);
        st.set.insert(l);
        !maybe_set
    }

    /// Closes the innermost loop of the current frame once its body is
    /// checked (the current point is the end of the body), leaving the
    /// state after the loop. `exits_at_test`: a `while` or `for`, also left
    /// when its condition fails, first before any iteration.
    pub fn pop_loop(&mut self, exits_at_test: bool) -> Option<LoopCx> {
        let lc = self.frame().loops.pop()?;
        let mut back = self.init_now();
        back.join(&lc.at_continue);
        if !back.dead {
            for (l, sp) in &lc.first_sets {
                if (*l as usize) < lc.outer_locals && back.set.contains(l) {
                    let info = &self.frame_ref().locals[*l as usize];
                    let msg = if info.mutable { cell_msg(&info.name) } else { format!("cannot assign twice to immutable variable `{}`", info.name) };
                    self.err(*sp, msg);
                }
            }
        }
        let mut after = lc.at_break.clone();
        if exits_at_test {
            after.join(&lc.entry);
            after.join(&back);
        }
        self.init_restore(after);
        Some(lc)
    }
}

/// A `let mut x;` that a closure captures or `&mut` borrows lives in a cell,
/// made by its first assignment; an assignment that is the first on some
/// paths only cannot tell whether to make it.
fn cell_msg(name: &str) -> String {
    format!(
        "cannot assign to `{}` here: it may or may not be assigned already, and as a closure or `&mut` refers to it, its first assignment must be known; give `{}` a value where it is declared",
        name, name
    )
}
