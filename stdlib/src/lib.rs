//! The standard library code written in Gossamer itself. It is parsed and
//! checked together with every program; the checker lowers only what the
//! program uses. Natives live in `gos-runtime`.

/// The prelude: `Option`, `Result`, the methods of builtin types that are
/// written in Gossamer, iterator adapters.
pub const PRELUDE: &str = include_str!("prelude.gos");
