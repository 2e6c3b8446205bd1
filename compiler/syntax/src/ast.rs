//! The abstract syntax tree produced by the parser.
//!
//! The AST is an exact, untyped picture of the source: every node carries the
//! byte span it came from so that the checker can point diagnostics at it.
//! Nothing here is resolved or typed; `gos-check` does that and lowers the
//! result to the tier-neutral IR of `gos-ir`. Sugar that changes evaluation
//! order or meaning (`|>`, `?`, `for`, `defer`, macros) is kept as written so
//! that the checker can give precise errors; the parser only expands pure
//! spelling sugar (struct-literal shorthand `P { x }` becomes `P { x: x }`
//! with `shorthand` set).

/// A half-open byte range `[lo, hi)` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub fn new(lo: usize, hi: usize) -> Span {
        Span { lo: lo as u32, hi: hi as u32 }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { lo: self.lo.min(other.lo), hi: self.hi.max(other.hi) }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole source file.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub items: Vec<Item>,
}

/// `#[name(...)]`: accepted everywhere an item may stand; only the name is
/// kept (the prelude uses `#[intrinsic]` and `#[track_caller]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub attrs: Vec<Attribute>,
    pub is_pub: bool,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Fn(FnDecl),
    Struct(StructDecl),
    Enum(EnumDecl),
    Trait(TraitDecl),
    Impl(ImplDecl),
    /// `const NAME: T = e` (`is_static` false) or `static NAME: T = e`.
    Const(ConstDecl),
    Use(UseDecl),
}

/// `<T: Bound + Other, U>` on a function, struct, enum, trait or impl.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericParam {
    pub name: Ident,
    pub bounds: Vec<Path>,
    /// Closure-trait bounds, `F: Fn(i64) -> i64`, which are not paths:
    /// each is a `TypeExprKind::Closure`.
    pub fn_bounds: Vec<TypeExpr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelfKind {
    /// `self` or `mut self`
    Value { mutable: bool },
    /// `&self`
    Ref,
    /// `&mut self`
    RefMut,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelfParam {
    pub kind: SelfKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub pat: Pattern,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    pub generics: Vec<GenericParam>,
    pub self_param: Option<SelfParam>,
    pub params: Vec<Param>,
    pub ret: Option<TypeExpr>,
    /// `None` for a declaration without a body: a trait method without a
    /// default, or an `#[intrinsic]` in the prelude.
    pub body: Option<Block>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StructKind {
    /// `struct P { x: f64 }`
    Named(Vec<FieldDecl>),
    /// `struct Pair(i64, i64)`
    Tuple(Vec<TypeExpr>),
    /// `struct Unit` / `struct Unit;`
    Unit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructDecl {
    pub name: Ident,
    pub generics: Vec<GenericParam>,
    pub kind: StructKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VariantDecl {
    pub name: Ident,
    pub kind: StructKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    pub generics: Vec<GenericParam>,
    pub variants: Vec<VariantDecl>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TraitDecl {
    pub name: Ident,
    pub generics: Vec<GenericParam>,
    /// Methods, with or without default bodies.
    pub methods: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImplDecl {
    pub generics: Vec<GenericParam>,
    /// `impl Trait for Ty`: the trait.
    pub trait_: Option<Path>,
    pub self_ty: TypeExpr,
    /// Methods and associated consts.
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConstDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub value: Expr,
    pub is_static: bool,
    pub mutable: bool,
}

/// `use a::b::{c, d as e}` flattened to one entry per imported name.
#[derive(Clone, Debug, PartialEq)]
pub struct UseDecl {
    pub entries: Vec<UseEntry>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UseEntry {
    /// The full path, e.g. `["std", "sync", "channel"]`; a glob keeps `*`
    /// as its last segment.
    pub path: Vec<Ident>,
    /// `as name`
    pub alias: Option<Ident>,
    pub span: Span,
}

/// `a::b::<T>::c`: each segment may carry generic arguments (in types
/// written `Vec<T>`, in expressions only with a turbofish `Vec::<T>::new`).
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub segments: Vec<PathSegment>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PathSegment {
    pub ident: Ident,
    pub generics: Vec<TypeExpr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// `i64`, `Vec<T>`, `HashMap<K, V>`, `Self`, `Option<Box<Node>>`, `&str`
    /// is `Ref { inner: Path(str) }`.
    Path(Path),
    /// `&T` / `&mut T`
    Ref { mutable: bool, inner: Box<TypeExpr> },
    /// `[T]`
    Slice(Box<TypeExpr>),
    /// `[T; N]`
    Array(Box<TypeExpr>, Box<Expr>),
    /// `(A, B)`; `()` is the empty tuple.
    Tuple(Vec<TypeExpr>),
    /// `fn(A, B) -> R`
    FnPtr { params: Vec<TypeExpr>, ret: Option<Box<TypeExpr>> },
    /// `Fn(A) -> R`, `FnMut(..)`, `FnOnce(..)`, also `impl Fn(A) -> R` and
    /// `Box<dyn Fn(A) -> R>`'s inner part.
    Closure { params: Vec<TypeExpr>, ret: Option<Box<TypeExpr>> },
    /// `_`
    Infer,
    /// `!`
    Never,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// `_`
    Wild,
    /// `..` inside a tuple or tuple-struct pattern.
    Rest,
    /// `x`, `mut x`, `ref x`, `x @ sub`. A single identifier that names a
    /// unit variant or constant in scope (`None`) is resolved by the checker.
    Ident { name: Ident, mutable: bool, by_ref: bool, sub: Option<Box<Pattern>> },
    /// A literal, possibly negated: `1`, `-1`, `'a'`, `"s"`, `true`, `1.5`.
    Lit(Box<Expr>),
    /// `a..=b`, `a..b`, `a..` ; bounds are literal or path expressions.
    Range { lo: Option<Box<Expr>>, hi: Option<Box<Expr>>, inclusive: bool },
    /// `(a, b, ..)`
    Tuple(Vec<Pattern>),
    /// `Shape::Empty`, `None`, `MAX` (a path of two or more segments, or a
    /// single segment that the parser cannot tell from a binding is parsed
    /// as `Ident`).
    Path(Path),
    /// `Some(x)`, `Shape::Circle(r)`, `Pair(a, b)`
    TupleStruct { path: Path, elems: Vec<Pattern> },
    /// `P { x, y: 0, .. }`
    Struct { path: Path, fields: Vec<FieldPat>, rest: bool },
    /// `a | b`
    Or(Vec<Pattern>),
    /// `&p` (accepted; matches through a reference)
    Ref(Box<Pattern>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldPat {
    pub name: Ident,
    /// `None` for the shorthand `P { x }` (binds `x`).
    pub pat: Option<Pattern>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    /// The final expression without a semicolon, the block's value.
    pub tail: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Let { pat: Pattern, ty: Option<TypeExpr>, init: Option<Expr> },
    /// An expression statement; `semi` tells whether a `;` (written or
    /// inserted) followed it. Block-like expressions (`if`, `match`, loops,
    /// blocks) may stand without one.
    Expr { expr: Expr, semi: bool },
    /// A nested item (a function inside a function, say).
    Item(Box<Item>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `&&` (short-circuit)
    And,
    /// `||` (short-circuit)
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `!x`
    Not,
    /// `*x`
    Deref,
    /// `&x`
    Ref,
    /// `&mut x`
    RefMut,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// The value as written (without sign), its suffix if any (`i64`, `u8`,
    /// `usize`, ...). Values that do not fit in `u128` are a lexer error.
    Int { value: u128, suffix: Option<String> },
    /// The literal's text without `_` and suffix (`"2.5e-3"`), parsed by the
    /// checker once it knows whether it is `f32` or `f64`.
    Float { text: String, suffix: Option<String> },
    Bool(bool),
    Char(char),
    /// `b'a'`
    Byte(u8),
    /// Escapes already processed.
    Str(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arm {
    pub pat: Pattern,
    pub guard: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClosureParam {
    pub pat: Pattern,
    pub ty: Option<TypeExpr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
    /// Written as `P { x }`.
    pub shorthand: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SelectArmKind {
    /// `v = rx.recv() => body` (`binding` is the pattern left of `=`;
    /// `_ = rx.recv()` and plain `rx.recv()` are allowed: `binding` None).
    Recv { binding: Option<Pattern>, rx: Expr },
    /// `tx.send(v) => body`
    Send { tx: Expr, value: Expr },
    /// `default => body`
    Default,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SelectArm {
    pub kind: SelectArmKind,
    pub body: Expr,
    pub span: Span,
}

/// Macro invocations the language knows; anything else is a parse error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacroKind {
    Println,
    Print,
    Eprintln,
    Eprint,
    Format,
    Panic,
    /// `vec![a, b]` (args) or `vec![v; n]` (see `ExprKind::MacroCall::repeat`)
    Vec,
    Assert,
    AssertEq,
    AssertNe,
    Unreachable,
    Todo,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Lit(Lit),
    /// A variable, constant, function, unit struct, unit variant, or an
    /// associated item: `x`, `PI`, `math::PI`, `i64::MAX`, `Vec::new`,
    /// `Shape::Empty`, `channel::<i64>`.
    Path(Path),
    Unary { op: UnOp, expr: Box<Expr> },
    Binary { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `lhs = rhs`
    Assign { lhs: Box<Expr>, rhs: Box<Expr> },
    /// `lhs op= rhs` (op is arithmetic or bitwise)
    AssignOp { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `callee(args)`: functions, tuple-struct and variant constructors,
    /// closures, associated functions (`Point::new(1, 2)`).
    Call { callee: Box<Expr>, args: Vec<Expr> },
    /// `receiver.method::<T>(args)`
    MethodCall { receiver: Box<Expr>, method: Ident, turbofish: Vec<TypeExpr>, args: Vec<Expr> },
    /// `expr.name`
    Field { expr: Box<Expr>, name: Ident },
    /// `expr.0`
    TupleField { expr: Box<Expr>, index: u32, index_span: Span },
    /// `expr[index]`
    Index { expr: Box<Expr>, index: Box<Expr> },
    /// `P { x: 1, y, ..base }`, `Shape::Rect { w, h }`
    StructLit { path: Path, fields: Vec<FieldInit>, base: Option<Box<Expr>> },
    /// `(a, b)`; `()` is the empty tuple. `(a)` is just `a`, not a tuple.
    Tuple(Vec<Expr>),
    /// `[a, b, c]`
    Array(Vec<Expr>),
    /// `[value; count]`
    ArrayRepeat { value: Box<Expr>, count: Box<Expr> },
    /// `name!(args)`; `vec![v; n]` has `repeat` true and exactly two args.
    MacroCall { kind: MacroKind, args: Vec<Expr>, repeat: bool },
    Block(Block),
    If { cond: Box<Expr>, then: Block, else_: Option<Box<Expr>> },
    IfLet { pat: Pattern, expr: Box<Expr>, then: Block, else_: Option<Box<Expr>> },
    While { label: Option<Ident>, cond: Box<Expr>, body: Block },
    WhileLet { label: Option<Ident>, pat: Pattern, expr: Box<Expr>, body: Block },
    Loop { label: Option<Ident>, body: Block },
    For { label: Option<Ident>, pat: Pattern, iter: Box<Expr>, body: Block },
    Match { scrutinee: Box<Expr>, arms: Vec<Arm> },
    Closure { is_move: bool, params: Vec<ClosureParam>, ret: Option<TypeExpr>, body: Box<Expr> },
    Break { label: Option<Ident>, value: Option<Box<Expr>> },
    Continue { label: Option<Ident> },
    Return(Option<Box<Expr>>),
    /// `expr?`
    Try(Box<Expr>),
    /// `expr as T`
    Cast { expr: Box<Expr>, ty: TypeExpr },
    /// `lo..hi`, `lo..=hi`, `..hi`, `lo..`
    Range { lo: Option<Box<Expr>>, hi: Option<Box<Expr>>, inclusive: bool },
    /// `lhs |> rhs`: `rhs` is a call `f(a)` (meaning `f(a, lhs)`) or a
    /// callee `f` (meaning `f(lhs)`).
    Pipe { lhs: Box<Expr>, rhs: Box<Expr> },
    /// `go call` or `go { block }` (a block is kept as `Block`).
    Go(Box<Expr>),
    /// `defer call`
    Defer(Box<Expr>),
    Select(Vec<SelectArm>),
    /// Produced by the parser's error recovery; the checker skips it.
    Error,
}
