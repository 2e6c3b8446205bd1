//! Definitions that the compiler and the runtime must agree on, and nothing
//! else: the format-spec language of `format!` (parsed by the checker,
//! applied by the runtime), and later the table of runtime functions that
//! generated code may call. This crate depends on nothing but serde's
//! derives (the types are part of a built executable's program image), so
//! that both sides can use it without the runtime knowing the compiler.

pub mod fmtspec;
pub use fmtspec::{parse_format_string, Align, ArgRef, FmtSegment, FormatSpec, FormatType, Sign};
pub mod intrinsics;
pub mod types;
pub use intrinsics::Intrinsic;
pub use types::{FloatTy, IntTy, TypeId, TypeKind, Variant};
pub mod runtime_abi;
pub use runtime_abi::RtFn;

/// The layout of an `I64Vec` object after its header (`LAYOUT_RAW`, made
/// by `gos_runtime::sync::i64vec_new`): the word index of its length,
/// which never changes, then of its first element, each element one
/// 64-bit word accessed atomically. The native backends load and store
/// elements inline at these offsets, so the runtime and the compilers take
/// them from here.
pub const I64VEC_LEN: usize = 0;
/// See [`I64VEC_LEN`].
pub const I64VEC_ELEMS: usize = 1;
