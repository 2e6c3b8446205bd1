//! A compiled function and the tables its instructions index: the
//! auxiliary operations of `Instr::Op` ([`Aux`]), with their types and
//! counts, and the line table that maps instructions to source positions.

use serde::{Deserialize, Serialize};

use crate::bytecode::Instr;
use gos_abi::{FormatSpec, Intrinsic, TypeId};

/// The comparison a [`Aux::Compare`] computes through the runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpKind {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Where a panic inside an operation is reported: the source position of
/// the expression that the instruction came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
}

/// One piece of a [`Aux::Format`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FmtPart {
    Lit(String),
    /// The next argument register, formatted as type `ty` under `spec`.
    Arg { ty: TypeId, spec: FormatSpec },
}

/// An operation of [`Instr::Op`] (and the slow path of [`Instr::VecPush`]):
/// what it does, its arity `n` (it reads `r[args..args + n]`), and the
/// types it needs. Results go to `r[dst]` (`()` results store 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Aux {
    /// A fresh aggregate of type `ty` from `n` field words.
    NewAggregate { ty: TypeId, n: u16 },
    /// A fresh enum of type `ty`, variant `tag`, from `n` field words.
    NewEnum { ty: TypeId, tag: u32, n: u16 },
    /// A closure object of type `ty` for function `func` capturing `n` words.
    NewClosure { ty: TypeId, func: u32, n: u16 },
    /// `[r[args]; len]` for the array type `ty`: element `elem` copied for
    /// aggregates, cloned for reference types, repeated for scalars.
    ArrayRepeat { ty: TypeId, elem: TypeId, len: u32 },
    /// A value copy of the aggregate `r[args]` of type `ty`.
    Copy { ty: TypeId },
    /// Rust's `clone()` of `r[args]` of type `ty`.
    Clone { ty: TypeId },
    /// `r[args] <op> r[args + 1]` on values of type `ty` (strings,
    /// aggregates, enums, …) through the runtime.
    Compare { kind: CmpKind, ty: TypeId },
    /// String concatenation `r[args] + r[args + 1]`.
    Concat,
    /// Overwrites the aggregate `r[args]` of type `ty` with a copy of
    /// `r[args + 1]` (`*r = v` through a reference).
    AssignInPlace { ty: TypeId },
    /// A reference object `{kind, base: r[args], index: r[args + 1]}`
    /// (kind 0: word `index` of a cell or aggregate; 1: vector element).
    NewRef { kind: u8 },
    /// A reference to a fresh one-word object holding `r[args]`: `&x` of
    /// a variable that nothing can change while the reference lives (the
    /// checker puts variables that `&mut` refers to in cells). `pointer`
    /// says whether the word is a heap pointer, for the collector.
    SnapshotRef { pointer: bool },
    /// Reads the place a non-aggregate reference `r[args]` names.
    RefLoad,
    /// Writes `r[args + 1]` into the place the reference `r[args]` names.
    RefStore,
    /// A string from literal pieces and `n` argument registers.
    Format { parts: Vec<FmtPart>, n: u16 },
    /// A library operation through `gos_runtime::call_intrinsic`; `loc` is
    /// reported if it panics.
    Intrinsic { op: Intrinsic, arg_tys: Vec<TypeId>, ret: TypeId, loc: Loc },
}

impl Aux {
    /// How many argument registers the operation reads.
    pub fn arity(&self) -> usize {
        match self {
            Aux::NewAggregate { n, .. } | Aux::NewEnum { n, .. } | Aux::NewClosure { n, .. } | Aux::Format { n, .. } => {
                *n as usize
            }
            Aux::ArrayRepeat { .. } | Aux::Copy { .. } | Aux::Clone { .. } | Aux::RefLoad | Aux::SnapshotRef { .. } => 1,
            Aux::Compare { .. } | Aux::Concat | Aux::AssignInPlace { .. } | Aux::NewRef { .. } | Aux::RefStore => 2,
            Aux::Intrinsic { arg_tys, .. } => arg_tys.len(),
        }
    }

    /// The type ids the operation names (for validation).
    pub fn types(&self) -> Vec<TypeId> {
        match self {
            Aux::NewAggregate { ty, .. }
            | Aux::NewEnum { ty, .. }
            | Aux::NewClosure { ty, .. }
            | Aux::Copy { ty }
            | Aux::Clone { ty }
            | Aux::Compare { ty, .. }
            | Aux::AssignInPlace { ty } => vec![*ty],
            Aux::ArrayRepeat { ty, elem, .. } => vec![*ty, *elem],
            Aux::Format { parts, .. } => {
                parts.iter().filter_map(|p| if let FmtPart::Arg { ty, .. } = p { Some(*ty) } else { None }).collect()
            }
            Aux::Intrinsic { arg_tys, ret, .. } => arg_tys.iter().copied().chain(std::iter::once(*ret)).collect(),
            Aux::Concat | Aux::NewRef { .. } | Aux::RefLoad | Aux::RefStore | Aux::SnapshotRef { .. } => Vec::new(),
        }
    }
}

/// `&'static str` under another name, for [`Function::name`]: serde's
/// derive borrows every field spelled `&str` from its input, which cannot
/// give a `'static` string; through the alias the field is decoded by
/// `serial::leak_str` instead.
pub type StaticStr = &'static str;

/// One compiled function.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Function {
    /// The IR function's name (what panics report). A deserialised module
    /// leaks its names (once per run) so that the type stays `'static`.
    #[serde(deserialize_with = "crate::serial::leak_str")]
    pub name: StaticStr,
    /// Argument registers the caller fills: the parameters, plus the hidden
    /// closure object first for closure bodies.
    pub params: u32,
    /// Registers in a frame (at least `max(params, 1)`: register 0 receives
    /// the result).
    pub frame_size: u32,
    /// Not in the function's serde encoding: a program image stores every
    /// function's code as a byte string of its own, decoded only when it
    /// is to be interpreted (`serial.rs`).
    #[serde(skip)]
    pub code: Vec<Instr>,
    pub consts: Vec<u64>,
    pub aux: Vec<Aux>,
    /// `(first instruction, source position)`, sorted by instruction: the
    /// position of instruction `pc` is that of the last entry at or before it.
    pub lines: Vec<(u32, Loc)>,
    /// Panics inside report the caller's position instead.
    pub track_caller: bool,
    /// Where the function is declared.
    pub loc: Loc,
    /// The static types of the source parameters, which are the last
    /// `param_types.len()` of the `params` argument registers (a closure
    /// body's hidden closure object comes first and has none). Nothing
    /// checks values against them at run time: they are for compilers that
    /// specialise on a parameter's type (`gos-llvm`'s promotion of a fixed
    /// array of structs to registers). Empty when unknown.
    #[serde(default)]
    pub param_types: Vec<TypeId>,
}

impl Function {
    /// The source position of instruction `pc`.
    pub fn loc_at(&self, pc: usize) -> Loc {
        let i = self.lines.partition_point(|&(p, _)| p as usize <= pc);
        if i == 0 {
            self.loc
        } else {
            self.lines[i - 1].1
        }
    }
}
