//! The checker's state: the item tables built by `items.rs`, the program
//! being emitted, and the context of the function being checked (its
//! inference table, the frames of the closures nested in it, scopes and
//! loops). Also diagnostics: spans are turned into messages here, and an
//! error located in the prelude is reported as a compiler bug, because the
//! prelude is part of the compiler.

use std::collections::{HashMap, HashSet, VecDeque};

use gos_ir as ir;
use gos_syntax::ast::{self, Span};
use ir::{FuncId, LocalId, LoopId, TypeId};

use crate::init::InitState;
use crate::types::{Infer, Ty};
use crate::Diagnostic;

/// Which parsed file an item or span belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Src {
    #[default]
    User,
    Prelude,
}

impl Src {
    pub fn idx(self) -> usize {
        match self {
            Src::User => 0,
            Src::Prelude => 1,
        }
    }
}

#[derive(Clone, Debug)]
pub struct GenericDef {
    pub name: String,
    /// Trait indices; bounds naming standard traits (`Clone`, `Debug`, …)
    /// hold for every type and are dropped.
    pub bounds: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VKind {
    Named,
    Tuple,
    Unit,
}

#[derive(Clone, Debug)]
pub struct VariantDef {
    pub name: String,
    pub kind: VKind,
    /// Tuple fields are named "0", "1", …; types use `Ty::Param`.
    pub fields: Vec<(String, Ty)>,
}

#[derive(Clone, Debug)]
pub struct AdtDef {
    pub name: String,
    pub generics: Vec<GenericDef>,
    pub src: Src,
    pub is_enum: bool,
    /// A struct has exactly one, named like the struct.
    pub variants: Vec<VariantDef>,
}

pub struct FnDef<'a> {
    /// `push`, `main`.
    pub name: String,
    pub decl: &'a ast::FnDecl,
    pub src: Src,
    pub impl_: Option<usize>,
    /// Impl generics first, then the function's own.
    pub generics: Vec<GenericDef>,
    pub n_outer: usize,
    /// Including `self` first for methods.
    pub params: Vec<Ty>,
    pub ret: Ty,
    pub intrinsic: Option<ir::Intrinsic>,
    pub track_caller: bool,
    /// The `Self` type of methods (with the impl's `Param`s).
    pub self_ty: Option<Ty>,
}

pub struct TraitDef<'a> {
    pub name: String,
    pub methods: HashMap<String, &'a ast::FnDecl>,
    pub src: Src,
}

#[derive(Clone, Debug)]
pub struct ImplDef {
    pub generics: Vec<GenericDef>,
    pub trait_: Option<usize>,
    pub self_ty: Ty,
    pub methods: HashMap<String, usize>,
    pub consts: HashMap<String, usize>,
    /// Where the impl was written (diagnostics of its items).
    #[allow(dead_code)]
    pub src: Src,
}

/// A folded constant value.
#[derive(Clone, Debug, PartialEq)]
pub enum CVal {
    Int(i128),
    Float(f64),
    Bool(bool),
    Char(char),
    Str(String),
    Unit,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ConstState {
    Unresolved,
    InProgress,
    Folded(CVal),
    Global(ir::GlobalId),
    Failed,
}

pub struct ConstDef<'a> {
    pub name: String,
    pub decl: &'a ast::ConstDecl,
    pub src: Src,
    pub ty: Ty,
    pub state: ConstState,
    /// The `Self` of an associated const.
    pub self_ty: Option<Ty>,
}

/// Builtin generic types usable as paths (`Vec::new`, `HashMap::new`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuiltinTy {
    Vec,
    Str,
    HashMap,
    HashSet,
    Box,
    WaitGroup,
    Mutex,
    AtomicI64,
    I64Vec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Def {
    Adt(u32),
    Fn(usize),
    Trait(usize),
    Const(usize),
    Variant(u32, u32),
    /// `math`, `os`, `time`, `io`, `runtime`, `sync`, `collections`.
    Module(&'static str),
    Builtin(BuiltinTy),
}

#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: String,
    /// The variable's type (for a cell, the type of its contents).
    pub ty: Ty,
    pub mutable: bool,
    pub cell: bool,
    /// Declared without an initialiser (`let x;`): reads and assignments
    /// are checked against `Frame::init` (see `init.rs`).
    pub deferred: bool,
    /// Holds a reference (`&T`/`&mut T`): may not be captured.
    pub is_ref: bool,
    /// The provisional type id of the IR local.
    pub slot: TypeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarRef {
    Local(u32),
    Capture(u32),
}

#[derive(Clone, Debug)]
pub struct Capture {
    pub outer: VarRef,
    pub info: LocalInfo,
}

#[derive(Clone, Debug)]
pub struct LoopCx {
    pub id: LoopId,
    pub label: Option<String>,
    pub break_ty: Ty,
    /// Only `loop` may break with a value.
    pub is_loop: bool,
    /// A `break` leaves it (otherwise a `loop` has type `!`).
    pub broke: bool,
    /// Definite assignment (`init.rs`): the state where the loop's
    /// condition is tested (for `while` and `for`), the joined states of
    /// its `break`s and of its `continue`s, the number of locals declared
    /// before it, and the assignments inside it of immutable deferred
    /// locals.
    pub entry: InitState,
    pub at_break: InitState,
    pub at_continue: InitState,
    pub outer_locals: usize,
    pub first_sets: Vec<(u32, Span)>,
}

/// One function body being lowered: the checked function itself, or a
/// closure or thunk inside it.
#[derive(Default)]
pub struct Frame {
    /// The IR function this frame becomes (for debugging dumps).
    #[allow(dead_code)]
    pub func: Option<FuncId>,
    pub name: String,
    pub locals: Vec<LocalInfo>,
    pub scopes: Vec<Vec<(String, u32)>>,
    pub loops: Vec<LoopCx>,
    pub ret: Ty,
    pub captures: Vec<Capture>,
    /// The local holding the pending `defer` closures, if the body defers.
    pub defers: Option<LocalId>,
    pub closures: u32,
    /// What is assigned at the current point (`init.rs`).
    pub init: InitState,
}

/// The state of the checked function instance.
#[derive(Default)]
pub struct FnCx {
    pub src: Src,
    pub inf: Infer,
    /// Provisional types of IR nodes: an IR `TypeId(i)` means `slots[i]`
    /// until the fix-up.
    pub slots: Vec<Ty>,
    /// Integer literals to range-check: slot, value, span.
    pub lit_ints: Vec<(u32, i128, Span)>,
    pub lit_floats: HashMap<u32, String>,
    pub frames: Vec<Frame>,
    /// Generic parameters of the instance, bound to concrete types.
    pub generics: Vec<(String, Ty)>,
    pub self_ty: Option<Ty>,
    /// Names of `mut` variables that closures capture or `&mut` refers to.
    pub cell_names: HashSet<String>,
    /// Finished closure bodies, fixed up with the function.
    pub done: Vec<(FuncId, ir::Function)>,
    pub next_loop: u32,
    /// Calls whose instance is chosen at the end (see `call.rs`).
    pub pendings: Vec<crate::call::Pending>,
}

pub struct Checker<'a> {
    pub file: String,
    texts: [&'a str; 2],
    line_starts: [Vec<u32>; 2],
    pub diags: Vec<Diagnostic>,
    seen: HashSet<(u32, u32, String)>,
    pub program: &'a ast::Program,
    pub prelude: &'a ast::Program,
    pub adts: Vec<AdtDef>,
    pub fns: Vec<FnDef<'a>>,
    pub traits: Vec<TraitDef<'a>>,
    pub impls: Vec<ImplDef>,
    pub consts: Vec<ConstDef<'a>>,
    pub scopes: [HashMap<String, Def>; 2],
    /// Names of methods taking `&mut self` (the pre-pass makes their
    /// non-aggregate receivers cells).
    pub mut_self_methods: HashSet<String>,
    pub tt: ir::TypeTable,
    pub ty_ids: HashMap<Ty, TypeId>,
    pub funcs: Vec<Option<ir::Function>>,
    pub instances: HashMap<(usize, Vec<Ty>), FuncId>,
    pub queue: VecDeque<(FuncId, usize, Vec<Ty>)>,
    pub globals: Vec<ir::Global>,
    /// Run-time initialisers of globals, in the order they were needed.
    pub init_funcs: Vec<FuncId>,
    pub cx: FnCx,
    pub main: Option<FuncId>,
    pub main_returns_result: bool,
    /// Instances of named functions used as values, by function id.
    pub thunks: HashMap<FuncId, FuncId>,
    /// The variable being looked up is the target of `x = v` (not a read).
    pub writing: bool,
    /// Thunks of functions used as values: (thunk, target, item).
    pub thunk_queue: Vec<(FuncId, FuncId, usize)>,
}

fn line_starts(s: &str) -> Vec<u32> {
    let mut v = vec![0];
    for (i, b) in s.bytes().enumerate() {
        if b == b'\n' {
            v.push(i as u32 + 1);
        }
    }
    v
}

impl<'a> Checker<'a> {
    pub fn new(file: &str, user: &'a str, prelude_text: &'a str, program: &'a ast::Program, prelude: &'a ast::Program) -> Self {
        Checker {
            file: file.to_string(),
            texts: [user, prelude_text],
            line_starts: [line_starts(user), line_starts(prelude_text)],
            diags: Vec::new(),
            seen: HashSet::new(),
            program,
            prelude,
            adts: Vec::new(),
            fns: Vec::new(),
            traits: Vec::new(),
            impls: Vec::new(),
            consts: Vec::new(),
            scopes: [HashMap::new(), HashMap::new()],
            mut_self_methods: HashSet::new(),
            tt: ir::TypeTable::default(),
            ty_ids: HashMap::new(),
            funcs: Vec::new(),
            instances: HashMap::new(),
            queue: VecDeque::new(),
            globals: Vec::new(),
            init_funcs: Vec::new(),
            cx: FnCx::default(),
            main: None,
            main_returns_result: false,
            thunks: HashMap::new(),
            writing: false,
            thunk_queue: Vec::new(),
        }
    }

    /// 1-based line and column of a byte offset in `src`.
    pub fn line_col(&self, src: Src, off: u32) -> (u32, u32) {
        let ls = &self.line_starts[src.idx()];
        let line = match ls.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let text = self.texts[src.idx()];
        let start = ls[line] as usize;
        let end = (off as usize).min(text.len());
        let col = text.get(start..end).map(|s| s.chars().count()).unwrap_or(end.saturating_sub(start));
        (line as u32 + 1, col as u32 + 1)
    }

    /// The source text of a span in the current function's file.
    pub fn span_text(&self, span: Span) -> String {
        self.texts[self.cx.src.idx()].get(span.lo as usize..span.hi as usize).unwrap_or("").to_string()
    }

    pub fn loc(&self, span: Span) -> ir::Loc {
        let (line, col) = self.line_col(self.cx.src, span.lo);
        ir::Loc { line, col }
    }

    /// Reports an error in the current function's source.
    pub fn err(&mut self, span: Span, msg: impl Into<String>) {
        let src = self.cx.src;
        self.err_in(src, span, msg, Vec::new());
    }


    pub fn err_in(&mut self, src: Src, span: Span, msg: impl Into<String>, notes: Vec<String>) {
        let msg = msg.into();
        let (span, msg) = match src {
            Src::User => (span, msg),
            Src::Prelude => {
                let (l, c) = self.line_col(Src::Prelude, span.lo);
                (Span::default(), format!("internal error in prelude: {} (prelude.gos:{}:{})", msg, l, c))
            }
        };
        // Generic bodies are checked once per instance; report each
        // mistake once.
        if self.seen.insert((span.lo, span.hi, msg.clone())) {
            self.diags.push(Diagnostic { span, message: msg, notes });
        }
    }


    // ---- provisional types ----

    /// A provisional IR type id for `t`.
    pub fn slot(&mut self, t: Ty) -> TypeId {
        self.cx.slots.push(t);
        TypeId(self.cx.slots.len() as u32 - 1)
    }

    /// The type of a provisional IR expression.
    pub fn ty_of(&self, e: &ir::Expr) -> Ty {
        self.cx.slots.get(e.ty.index()).cloned().unwrap_or(Ty::Error)
    }

    pub fn set_ty(&mut self, e: &ir::Expr, t: Ty) {
        if let Some(s) = self.cx.slots.get_mut(e.ty.index()) {
            *s = t;
        }
    }

    pub fn mk(&mut self, kind: ir::ExprKind, t: Ty, span: Span) -> ir::Expr {
        let ty = self.slot(t);
        ir::Expr { kind, ty, loc: self.loc(span) }
    }

    pub fn unit(&mut self, span: Span) -> ir::Expr {
        self.mk(ir::ExprKind::Const(ir::Const::Unit), Ty::Unit, span)
    }

    pub fn error_expr(&mut self, span: Span) -> ir::Expr {
        self.mk(ir::ExprKind::Const(ir::Const::Unit), Ty::Error, span)
    }

    pub fn shallow(&self, t: &Ty) -> Ty {
        self.cx.inf.shallow(t)
    }

    pub fn resolve(&self, t: &Ty) -> Ty {
        self.cx.inf.resolve(t)
    }

    pub fn render(&self, t: &Ty) -> String {
        let adts = &self.adts;
        crate::types::render(t, &self.cx.inf, &|i| adts.get(i as usize).map(|a| a.name.clone()).unwrap_or_default())
    }

    pub fn frame(&mut self) -> &mut Frame {
        self.cx.frames.last_mut().expect("a frame is open while checking a body")
    }

    pub fn frame_ref(&self) -> &Frame {
        self.cx.frames.last().expect("a frame is open while checking a body")
    }

    pub fn new_loop_id(&mut self) -> LoopId {
        self.cx.next_loop += 1;
        LoopId(self.cx.next_loop - 1)
    }

    /// Declares a local in the current frame (not yet in scope).
    pub fn new_local(&mut self, name: &str, ty: Ty, mutable: bool, cell: bool) -> u32 {
        let slot_ty = if cell { Ty::Cell(Box::new(ty.clone())) } else { ty.clone() };
        let slot = self.slot(slot_ty);
        let f = self.frame();
        f.locals.push(LocalInfo { name: name.to_string(), ty, mutable, cell, deferred: false, is_ref: false, slot });
        f.locals.len() as u32 - 1
    }

    pub fn bind_name(&mut self, name: &str, local: u32) {
        let f = self.frame();
        if f.scopes.is_empty() {
            f.scopes.push(Vec::new());
        }
        f.scopes.last_mut().unwrap().push((name.to_string(), local));
    }

    /// A compiler temporary holding `e`'s value; returns the write and the
    /// local.
    pub fn temp(&mut self, e: ir::Expr, name: &str) -> (ir::Expr, u32) {
        let t = self.ty_of(&e);
        let id = self.new_local(name, t, false, false);
        let loc = e.loc;
        let ty = self.slot(Ty::Unit);
        let w = ir::Expr { kind: ir::ExprKind::Write { place: ir::Place::Local(LocalId(id)), value: Box::new(e) }, ty, loc };
        (w, id)
    }

    pub fn read_local(&mut self, id: u32, span: Span) -> ir::Expr {
        let t = self.frame_ref().locals[id as usize].ty.clone();
        self.mk(ir::ExprKind::Read(ir::Place::Local(LocalId(id))), t, span)
    }

    /// Allocates a function id whose body comes later.
    pub fn reserve_func(&mut self) -> FuncId {
        self.funcs.push(None);
        FuncId(self.funcs.len() as u32 - 1)
    }


    pub fn lookup_global(&self, src: Src, name: &str) -> Option<Def> {
        match src {
            // The prelude's helpers, its modules and `HashMap`/`HashSet`
            // are not in the user's scope without a `use`.
            Src::User => self.scopes[0].get(name).copied().or_else(|| match self.scopes[1].get(name) {
                Some(Def::Builtin(BuiltinTy::HashMap | BuiltinTy::HashSet)) | Some(Def::Module(_)) => None,
                _ if name.contains("__") => None,
                d => d.copied(),
            }),
            Src::Prelude => self.scopes[1].get(name).copied(),
        }
    }

    pub fn prelude_adt(&self, name: &str) -> Option<u32> {
        match self.scopes[1].get(name) {
            Some(Def::Adt(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn prelude_fn(&self, name: &str) -> Option<usize> {
        match self.scopes[1].get(name) {
            Some(Def::Fn(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn option_ty(&self, t: Ty) -> Ty {
        Ty::Adt(self.prelude_adt("Option").unwrap_or(u32::MAX), vec![t])
    }

    pub fn result_ty(&self, t: Ty, e: Ty) -> Ty {
        Ty::Adt(self.prelude_adt("Result").unwrap_or(u32::MAX), vec![t, e])
    }

    pub fn is_adt(&self, t: &Ty, name: &str) -> Option<Vec<Ty>> {
        match self.shallow(t) {
            Ty::Adt(id, args) if self.prelude_adt(name) == Some(id) => Some(args),
            _ => None,
        }
    }
}
