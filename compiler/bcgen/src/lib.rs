//! IR → bytecode: lowers a checked `gos_ir::Program` to a `gos_vm::Module`.
//!
//! Each IR function becomes one VM function whose frame holds, in order:
//! the hidden closure object (closure bodies only), the IR locals (parameters
//! first, so the caller's argument registers are the callee's parameters),
//! then temporaries allocated with a stack discipline while expressions are
//! lowered. The lowering is a single recursive pass over the structured IR
//! (`expr.rs` for expressions and places, `ops.rs` for operator selection
//! and conditional branches, `loops.rs` for loops, `walk.rs` for the
//! read-only analyses they consult, `func.rs` for the per-function emitter
//! with its labels, constants, auxiliary entries and line table).
//!
//! Choices that matter for speed: operands that are locals are read in
//! place (no move into a temporary) unless a later operand could write the
//! local first; integer and float comparisons in conditions become fused
//! compare-and-branch instructions, with 16-bit immediates where the
//! constant fits; loops are rotated so that each iteration runs one
//! conditional branch at the bottom, and `i += 1` followed by `i < end`
//! fuses into `ForLoop`. Fused branches have 16-bit targets; a function
//! longer than that is compiled again without them.

mod expr;
mod func;
mod loops;
mod ops;
mod walk;

#[cfg(test)]
mod tests;

use gos_ir as ir;
use gos_vm::{Module, ModuleParts};
use std::collections::HashMap;

/// Compiles `program` to a validated bytecode module, or explains why not.
pub fn compile(program: &ir::Program) -> Result<Module, String> {
    let mut strings = Interner::default();
    let mut funcs = Vec::with_capacity(program.funcs.len());
    for f in &program.funcs {
        let compiled = match func::compile_function(program, f, &mut strings, true) {
            Err(func::Error::TooLong) => func::compile_function(program, f, &mut strings, false),
            other => other,
        };
        match compiled {
            Ok(c) => funcs.push(c),
            Err(e) => return Err(format!("cannot compile `{}` to bytecode: {}", f.name, e)),
        }
    }
    let main_result = if program.main_returns_result {
        match program.funcs.get(program.main.index()) {
            Some(m) => Some(m.ret),
            None => return Err("main function index out of range".into()),
        }
    } else {
        None
    };
    let parts = ModuleParts {
        funcs,
        strings: strings.list,
        unit_enums: strings.unit_enums,
        globals: u32::try_from(program.globals.len()).map_err(|_| "too many globals")?,
        types: program.types.clone(),
        init: program.init.map(|f| f.0),
        main: program.main.0,
        main_result,
        file: program.file.clone(),
    };
    Module::new(parts).map_err(|e| format!("internal error: invalid bytecode: {e}"))
}

/// String literals and fieldless enum values of the whole module,
/// deduplicated.
#[derive(Default)]
pub(crate) struct Interner {
    list: Vec<String>,
    map: HashMap<String, u32>,
    unit_enums: Vec<(ir::TypeId, u32)>,
    unit_enum_map: HashMap<(ir::TypeId, u32), u32>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.map.insert(s.to_string(), i);
        i
    }

    pub(crate) fn unit_enum(&mut self, ty: ir::TypeId, tag: u32) -> u32 {
        if let Some(&i) = self.unit_enum_map.get(&(ty, tag)) {
            return i;
        }
        let i = self.unit_enums.len() as u32;
        self.unit_enums.push((ty, tag));
        self.unit_enum_map.insert((ty, tag), i);
        i
    }
}
