//! The typed, tier-neutral intermediate representation.
//!
//! `gos-check` produces a [`Program`]: every generic function and type is
//! monomorphised, every trait call resolved to a concrete function, every
//! pattern compiled into tests and bindings, every loop reduced to [`ExprKind::Loop`],
//! every `defer`, `?`, `|>` and macro expanded. What remains is a small,
//! structured, fully typed expression language that each backend (bytecode
//! for the VM now, Cranelift and LLVM later) lowers without knowing anything
//! of the AST or of the checker.
//!
//! # Value model (shared by every tier)
//! Every value occupies one 64-bit word:
//! * scalars (`bool` as 0/1, integers sign- or zero-extended to 64 bits and
//!   re-normalised after every operation, `char` as its code point, `f64`
//!   bits, `f32` bits in the low 32 bits, `()` as 0);
//! * a pointer to a heap object for everything else.
//!
//! Aggregates ([`TypeKind::Struct`], [`TypeKind::Tuple`], [`TypeKind::Array`])
//! have *value* semantics but live in heap objects of one word per field: the
//! checker inserts [`ExprKind::Copy`] wherever Rust would copy a value out of
//! a place, so no two places ever share an aggregate object. Because of that
//! invariant a reference `&T`/`&mut T` to an aggregate is the object pointer
//! itself, and `*r = v` overwrites the object in place ([`Place::Deref`]).
//! A reference to a non-aggregate place is a small ref object naming a cell,
//! an aggregate field or a vector element (see [`ExprKind::MakeRef`]).
//!
//! Reference types (`String`, `Vec`, maps, sets, `Box`, closures) are shared
//! pointers. Enum values are immutable heap objects `{tag, fields…}`; the tag
//! is the variant's index in declaration order (prelude: `Option { None,
//! Some(T) }`, `Result { Ok(T), Err(E) }`).
//!
//! Locations: every expression carries the [`Loc`] of the source it came
//! from, which is what panics report; there are no spans here.

pub use gos_abi::{Align, FloatTy, FormatSpec, IntTy, Intrinsic, Sign, TypeId, TypeKind, Variant};

/// Source position, 1-based, of the expression a node came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
}

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}
id_type!(FuncId);
id_type!(LocalId);
id_type!(GlobalId);
id_type!(LoopId);

#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Unit,
    Bool(bool),
    /// The normalised 64-bit word of an integer of the expression's type.
    Int(i64),
    F64(f64),
    F32(f32),
    Char(char),
    /// A string literal; backends intern it.
    Str(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// Wrapping for integers, IEEE for floats, concatenation for `Str`.
    Add,
    Sub,
    Mul,
    /// Integer division by zero panics with
    /// `runtime error: integer divide by zero`; `MIN / -1` is `MIN`.
    Div,
    /// Integer remainder by zero panics likewise; `MIN % -1` is 0.
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    /// Shift counts are taken modulo the bit width of the left operand.
    Shl,
    /// Arithmetic for signed, logical for unsigned.
    Shr,
    /// Structural on every type (floats by IEEE `==`).
    Eq,
    Ne,
    /// Ordered comparisons on numbers, chars, bools, strings (byte order)
    /// and tuples of them (lexicographic).
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// Wrapping negation for integers, IEEE negation for floats.
    Neg,
    /// Logical not for `bool`, bitwise not for integers.
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// A place that can be read, written, or referred to.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    Local(LocalId),
    Global(GlobalId),
    /// Field `index` of the aggregate object `obj` evaluates to (struct
    /// field in declaration order, tuple element).
    Field { obj: Box<Expr>, index: u32 },
    /// Element of a fixed array; out of range panics with
    /// `runtime error: index out of range [i] with length n`.
    ArrayElem { arr: Box<Expr>, index: Box<Expr> },
    /// Element of a vector; bounds-checked like `ArrayElem`.
    VecElem { vec: Box<Expr>, index: Box<Expr> },
    /// The place a `Ref` points to. For an aggregate target, reading gives
    /// the object pointer and writing overwrites the object's words in
    /// place (a value copy of the new value).
    Deref(Box<Expr>),
    /// The contents of a `Cell` or `Box`.
    Cell(Box<Expr>),
}

/// One piece of a formatted string.
#[derive(Clone, Debug, PartialEq)]
pub enum FmtPiece {
    Lit(String),
    /// A value formatted by its type (Display of scalars and strings, the
    /// Debug form of everything else) under `spec`.
    Arg { value: Expr, spec: FormatSpec },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: TypeId,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Const(Const),
    Read(Place),
    /// Store into a place; type `Unit`. Writing an aggregate into a field,
    /// element, local or global stores the pointer (the checker has already
    /// wrapped the value in `Copy` where needed); only `Place::Deref`
    /// overwrites in place.
    Write { place: Place, value: Box<Expr> },
    /// A reference to a place (type `Ref(T)`).
    MakeRef(Place),
    Unary { op: UnOp, arg: Box<Expr> },
    /// Operands have the same type (the type of `lhs`), except shifts,
    /// whose right operand may be any integer type.
    Binary { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// Short-circuit `&&` / `||` on bools.
    Logic { op: LogicOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// Numeric conversion with Rust's `as` rules (float→int saturates, NaN
    /// → 0), `char as u32`, `u8 as char`, `bool as i64`, `u32 as char` is
    /// not allowed in source (the checker rejects it).
    Cast { arg: Box<Expr> },
    /// Statements evaluated in order, then the tail (or `()`).
    Block { stmts: Vec<Expr>, tail: Option<Box<Expr>> },
    If { cond: Box<Expr>, then: Box<Expr>, else_: Option<Box<Expr>> },
    /// `loop { if let Some(c) = cond { if !c { break } } body; step }`;
    /// `continue` jumps to `step`. The value is that of the `Break` that
    /// left it (`()` if none carries one).
    Loop { id: LoopId, cond: Option<Box<Expr>>, body: Box<Expr>, step: Option<Box<Expr>> },
    Break { id: LoopId, value: Option<Box<Expr>> },
    Continue { id: LoopId },
    Return(Option<Box<Expr>>),
    /// Direct call of a known function.
    Call { func: FuncId, args: Vec<Expr> },
    /// Call of a closure value (`TypeKind::Func`); the callee object is
    /// passed as the hidden first argument.
    CallClosure { callee: Box<Expr>, args: Vec<Expr> },
    /// Allocates a closure object for `func` (whose `env` is `Some`) with
    /// the given captured words.
    MakeClosure { func: FuncId, captures: Vec<Expr> },
    /// Inside a closure body: captured word `index` of the closure object.
    Capture(u32),
    /// A fresh aggregate (struct, tuple, array) from its field values.
    Aggregate(Vec<Expr>),
    /// `[value; count]` for a fixed array (`count` from the type): every
    /// element a `Clone` of `value` for reference types, a `Copy` for
    /// aggregates.
    ArrayRepeat(Box<Expr>),
    /// A value copy of an aggregate: a new object; nested aggregates are
    /// copied too, reference-typed fields are shared.
    Copy(Box<Expr>),
    /// Rust's `clone()`: deep for vectors, maps, sets, boxes and
    /// aggregates; the same object for strings, closures and handles.
    Clone(Box<Expr>),
    /// A fresh enum value (`ty` is the enum).
    EnumNew { variant: u32, fields: Vec<Expr> },
    /// The tag of an enum value, as `i64`.
    EnumTag(Box<Expr>),
    /// Field `index` of variant `variant` (the caller has checked the tag).
    EnumField { value: Box<Expr>, variant: u32, index: u32 },
    /// Builds a `String` from pieces.
    Format(Vec<FmtPiece>),
    /// Runs `callee` (a closure of no parameters) on a new goroutine.
    Go(Box<Expr>),
    /// A library operation; the operand and result types are those of the
    /// argument expressions and of this expression.
    Intrinsic { op: Intrinsic, args: Vec<Expr> },
}

/// A local variable or parameter (or a compiler temporary).
#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    pub name: String,
    pub ty: TypeId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Unique, human-readable: `main`, `Stack<i64>::push`, `main::{closure#2}`.
    pub name: String,
    /// Parameter count: parameters are locals `0..params` in order. A
    /// closure body does not count its hidden closure-object argument.
    pub params: u32,
    pub locals: Vec<Local>,
    pub ret: TypeId,
    /// For closure bodies: the types of the captured words.
    pub env: Option<Vec<TypeId>>,
    pub body: Expr,
    pub loc: Loc,
    /// Panics inside report the caller's location (prelude functions like
    /// `Option::unwrap`).
    pub track_caller: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    pub name: String,
    pub ty: TypeId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The source file's name as given on the command line (for panics).
    pub file: String,
    /// Interned types: `types[id.0]`. No two entries are equal.
    pub types: Vec<TypeKind>,
    pub funcs: Vec<Function>,
    pub globals: Vec<Global>,
    /// Runs once before `main`, initialising the globals.
    pub init: Option<FuncId>,
    pub main: FuncId,
    /// `main` returns `Result<(), E>`: on `Err(e)` print `Error: {e:?}`, exit 1.
    pub main_returns_result: bool,
}

impl Program {
    pub fn ty(&self, id: TypeId) -> &TypeKind {
        &self.types[id.index()]
    }
    pub fn func(&self, id: FuncId) -> &Function {
        &self.funcs[id.index()]
    }
}

/// Interns types while building a program.
#[derive(Default, Debug, Clone)]
pub struct TypeTable {
    pub types: Vec<TypeKind>,
    map: std::collections::HashMap<TypeKind, TypeId>,
    nominal: std::collections::HashMap<String, TypeId>,
}

impl TypeTable {
    /// Interns a structural type. Structs and enums must go through
    /// [`TypeTable::declare_nominal`] so that recursive types work.
    pub fn intern(&mut self, k: TypeKind) -> TypeId {
        if let Some(&id) = self.map.get(&k) {
            return id;
        }
        let id = TypeId(self.types.len() as u32);
        self.types.push(k.clone());
        self.map.insert(k, id);
        id
    }
    pub fn get(&self, id: TypeId) -> &TypeKind {
        &self.types[id.index()]
    }
    /// Returns the id of the struct or enum instance named `name` (its
    /// monomorphised display name, unique per instance), and whether it was
    /// newly created; a new one holds `TypeKind::Never` until
    /// [`TypeTable::define`] fills it, so that its fields may refer to it.
    pub fn declare_nominal(&mut self, name: &str) -> (TypeId, bool) {
        if let Some(&id) = self.nominal.get(name) {
            return (id, false);
        }
        let id = TypeId(self.types.len() as u32);
        self.types.push(TypeKind::Never);
        self.nominal.insert(name.to_string(), id);
        (id, true)
    }
    /// Sets the definition of a nominal type declared earlier.
    pub fn define(&mut self, id: TypeId, k: TypeKind) {
        self.types[id.index()] = k;
    }
}


/// Generates the shared and the mutable child walk of [`Expr`] from one
/// definition, so that every pass that visits sub-expressions (the
/// checker's fix-up and pruning, the bytecode compiler's analyses) sees the
/// same children and a new `ExprKind` is added in one place.
macro_rules! child_walk {
    ($name:ident, $place:ident, $($mut_:ident)?) => {
        /// Calls `f` on each direct sub-expression (places included), in
        /// no particular order.
        pub fn $name<'e>(&'e $($mut_)? self, f: &mut dyn FnMut(&'e $($mut_)? Expr)) {
            fn $place<'e>(p: &'e $($mut_)? Place, f: &mut dyn FnMut(&'e $($mut_)? Expr)) {
                match p {
                    Place::Local(_) | Place::Global(_) => {}
                    Place::Field { obj, .. } => f(obj),
                    Place::ArrayElem { arr: a, index } | Place::VecElem { vec: a, index } => {
                        f(a);
                        f(index)
                    }
                    Place::Deref(x) | Place::Cell(x) => f(x),
                }
            }
            match & $($mut_)? self.kind {
                ExprKind::Const(_) | ExprKind::Continue { .. } | ExprKind::Capture(_) => {}
                ExprKind::Read(p) | ExprKind::MakeRef(p) => $place(p, f),
                ExprKind::Write { place: p, value } => {
                    f(value);
                    $place(p, f)
                }
                ExprKind::Unary { arg, .. } | ExprKind::Cast { arg } => f(arg),
                ExprKind::Binary { lhs, rhs, .. } | ExprKind::Logic { lhs, rhs, .. } => {
                    f(lhs);
                    f(rhs)
                }
                ExprKind::Block { stmts, tail } => {
                    for s in stmts {
                        f(s)
                    }
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
                ExprKind::Break { value: v, .. } | ExprKind::Return(v) => {
                    if let Some(v) = v {
                        f(v)
                    }
                }
                ExprKind::Call { args, .. }
                | ExprKind::MakeClosure { captures: args, .. }
                | ExprKind::Aggregate(args)
                | ExprKind::EnumNew { fields: args, .. }
                | ExprKind::Intrinsic { args, .. } => {
                    for a in args {
                        f(a)
                    }
                }
                ExprKind::CallClosure { callee, args } => {
                    f(callee);
                    for a in args {
                        f(a)
                    }
                }
                ExprKind::ArrayRepeat(x)
                | ExprKind::Copy(x)
                | ExprKind::Clone(x)
                | ExprKind::EnumTag(x)
                | ExprKind::Go(x)
                | ExprKind::EnumField { value: x, .. } => f(x),
                ExprKind::Format(pieces) => {
                    for p in pieces {
                        if let FmtPiece::Arg { value, .. } = p {
                            f(value)
                        }
                    }
                }
            }
        }
    };
}

impl Expr {
    child_walk!(for_each_child, place_children,);
    child_walk!(for_each_child_mut, place_children_mut, mut);
}
