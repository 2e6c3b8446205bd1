//! Monomorphic types as the compiler's IR names them and as the runtime
//! reads them (to format, compare, hash, copy, clone and trace values).
//! The compiler hands the runtime the program's whole table, `&[TypeKind]`
//! indexed by [`TypeId`]; see `gos-ir` for the value model.

use serde::{Deserialize, Serialize};

/// Index into the program's type table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TypeId(pub u32);

impl TypeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl std::fmt::Display for TypeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "t{}", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntTy {
    pub fn bits(self) -> u32 {
        match self {
            IntTy::I8 | IntTy::U8 => 8,
            IntTy::I16 | IntTy::U16 => 16,
            IntTy::I32 | IntTy::U32 => 32,
            IntTy::I64 | IntTy::U64 => 64,
        }
    }
    pub fn signed(self) -> bool {
        matches!(self, IntTy::I8 | IntTy::I16 | IntTy::I32 | IntTy::I64)
    }
    /// Normalises a raw 64-bit word to this type's canonical representation
    /// (sign- or zero-extension of the low `bits()` bits).
    pub fn normalize(self, v: u64) -> u64 {
        match self {
            IntTy::I8 => v as i8 as i64 as u64,
            IntTy::I16 => v as i16 as i64 as u64,
            IntTy::I32 => v as i32 as i64 as u64,
            IntTy::I64 | IntTy::U64 => v,
            IntTy::U8 => v as u8 as u64,
            IntTy::U16 => v as u16 as u64,
            IntTy::U32 => v as u32 as u64,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FloatTy {
    F32,
    F64,
}

/// A monomorphic type. `isize`/`usize` are `I64`/`U64`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TypeKind {
    Unit,
    Bool,
    Char,
    Int(IntTy),
    Float(FloatTy),
    /// Immutable UTF-8 text.
    Str,
    /// Growable vector (`Vec<T>`, `[T]`), a shared reference.
    Vec(TypeId),
    /// `[T; N]`: an aggregate of `N` words.
    Array(TypeId, u64),
    /// `(A, B, …)` with at least one element (`()` is `Unit`): an aggregate.
    Tuple(Vec<TypeId>),
    /// An aggregate; `name` is the display name with generic arguments as
    /// Rust's `{:?}` prints the type name (`Point`, `Pair`), `fields` in
    /// declaration order; tuple structs have fields named "0", "1", … and
    /// `tuple_like` set; unit structs have no fields.
    Struct { name: String, fields: Vec<(String, TypeId)>, tuple_like: bool },
    /// An immutable heap object `{tag, fields…}`.
    Enum { name: String, variants: Vec<Variant> },
    /// `Box<T>`: a one-word heap cell holding a `T` (for an aggregate `T`,
    /// a pointer to its own copy). Prints, compares and clones as its contents.
    Box(TypeId),
    /// A one-word mutable heap cell, used for variables that closures
    /// capture by reference or that `&mut` refers to. Not a source type.
    Cell(TypeId),
    /// `HashMap<K, V>`
    Map(TypeId, TypeId),
    /// `HashSet<T>`
    Set(TypeId),
    /// A closure or function pointer: a heap object `{func, captures…}`.
    /// Calling it passes the object itself as the hidden first argument.
    Func { params: Vec<TypeId>, ret: TypeId },
    /// `&T` / `&mut T` (see the module docs for its representation).
    Ref(TypeId),
    /// The type of expressions that never produce a value (`return`,
    /// `break`, `panic!`, a `loop` without `break`).
    Never,
    /// Runtime handle types, for the concurrency issue.
    Sender(TypeId),
    Receiver(TypeId),
    WaitGroup,
    Mutex,
    AtomicI64,
    I64Vec,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    /// Field names: `None` for tuple variants (`Circle(f64)`), `Some` for
    /// struct variants (`Rect { w, h }`).
    pub fields: Vec<(Option<String>, TypeId)>,
}

impl TypeKind {
    /// Aggregates have value semantics (copied by `Copy`).
    pub fn is_aggregate(&self) -> bool {
        matches!(self, TypeKind::Struct { .. } | TypeKind::Tuple(_) | TypeKind::Array(..))
    }
    /// Whether a word of this type is a pointer the collector must trace.
    pub fn is_pointer(&self) -> bool {
        !matches!(
            self,
            TypeKind::Unit | TypeKind::Bool | TypeKind::Char | TypeKind::Int(_) | TypeKind::Float(_) | TypeKind::Never
        )
    }
}

