//! A loaded program: its functions, string literals and globals, validated
//! once so that the interpreter can access registers, constants and jump
//! targets without bounds checks.
//!
//! The only way to obtain a [`Module`] is [`Module::new`], which runs the
//! validator; its fields are private and read-only afterwards. That is the
//! invariant the interpreter's `unsafe` register accesses rely on:
//! * every register operand is below its function's `frame_size`, and every
//!   register range an instruction reads (call arguments, `Op` arguments)
//!   ends within the frame;
//! * every jump target is an instruction of the same function, and the last
//!   instruction of every function is a `Jump`, `Ret` or `Unreachable`, so
//!   execution never runs off the end;
//! * every constant, string, global, function and auxiliary index is in
//!   range, and every type id names an entry of the program's type table;
//! * `Norm` and `Convert` kinds decode.
//!
//! A `Module` is immutable and `Send + Sync`: goroutines (OS threads) share
//! one through an `Arc`, each with its own register stack.

use crate::bytecode::{Aux, Conv, Function, Instr, Norm, Operand};
use gos_abi::{TypeId, TypeKind};

/// What the bytecode compiler hands to [`Module::new`], and what a built
/// executable carries serialised (`serial.rs`).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ModuleParts {
    pub funcs: Vec<Function>,
    /// String literals, materialised as string objects when a run starts.
    pub strings: Vec<String>,
    /// Number of global words (all zero before `init` runs).
    pub globals: u32,
    /// Fieldless enum values `(enum type, tag)`, materialised once per run.
    pub unit_enums: Vec<(TypeId, u32)>,
    /// The program's type table (the module keeps it so that a deserialised
    /// module can be run; the runtime gets its own copy from `run`).
    pub types: Vec<TypeKind>,
    /// Runs once before `main`.
    pub init: Option<u32>,
    pub main: u32,
    /// When `main` returns `Result<(), E>`: the `Result` type, whose `Err`
    /// is reported as `Error: {e:?}`.
    pub main_result: Option<TypeId>,
    /// The source file's name (for panics).
    pub file: String,
}

/// A validated program; see the module docs.
#[derive(Debug)]
pub struct Module {
    pub(crate) funcs: Vec<Function>,
    pub(crate) strings: Vec<String>,
    pub(crate) globals: u32,
    pub(crate) unit_enums: Vec<(TypeId, u32)>,
    pub(crate) types: Vec<TypeKind>,
    /// For each type id: the length of a fixed array type, else 0.
    pub(crate) array_len: Vec<u64>,
    /// `types.len()`.
    pub(crate) type_count: usize,
    pub(crate) init: Option<u32>,
    pub(crate) main: u32,
    pub(crate) main_result: Option<TypeId>,
    pub(crate) file: String,
}

impl Module {
    /// Validates `parts` (see the module docs) and returns the module, or a
    /// message naming the first problem found.
    pub fn new(parts: ModuleParts) -> Result<Module, String> {
        for &(ty, tag) in &parts.unit_enums {
            match parts.types.get(ty.index()) {
                Some(TypeKind::Enum { variants, .. })
                    if variants.get(tag as usize).is_some_and(|v| v.fields.is_empty()) => {}
                _ => return Err(format!("unit enum value ({ty}, {tag}) is not a fieldless variant")),
            }
        }
        let array_len = parts.types.iter().map(|t| if let TypeKind::Array(_, n) = t { *n } else { 0 }).collect();
        let m = Module {
            funcs: parts.funcs,
            strings: parts.strings,
            globals: parts.globals,
            unit_enums: parts.unit_enums,
            array_len,
            type_count: parts.types.len(),
            types: parts.types,
            init: parts.init,
            main: parts.main,
            main_result: parts.main_result,
            file: parts.file,
        };
        m.validate()?;
        Ok(m)
    }

    pub fn funcs(&self) -> &[Function] {
        &self.funcs
    }
    pub fn strings(&self) -> &[String] {
        &self.strings
    }
    pub fn main(&self) -> u32 {
        self.main
    }
    pub fn init(&self) -> Option<u32> {
        self.init
    }
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The program's type table, indexed by `TypeId`.
    pub fn types(&self) -> &[TypeKind] {
        &self.types
    }

    /// The parts the module was built from (for serialisation).
    pub(crate) fn parts(&self) -> ModuleParts {
        ModuleParts {
            funcs: self.funcs.clone(),
            strings: self.strings.clone(),
            globals: self.globals,
            unit_enums: self.unit_enums.clone(),
            types: self.types.clone(),
            init: self.init,
            main: self.main,
            main_result: self.main_result,
            file: self.file.clone(),
        }
    }

    /// Finds a function by its IR name (for tests and tools).
    pub fn func_index(&self, name: &str) -> Option<u32> {
        self.funcs.iter().position(|f| f.name == name).map(|i| i as u32)
    }

    fn validate(&self) -> Result<(), String> {
        let nfuncs = self.funcs.len();
        if self.main as usize >= nfuncs {
            return Err(format!("main function index {} out of range", self.main));
        }
        if let Some(i) = self.init {
            if i as usize >= nfuncs {
                return Err(format!("init function index {i} out of range"));
            }
        }
        if let Some(t) = self.main_result {
            if t.index() >= self.type_count {
                return Err(format!("main's result type {t} out of range"));
            }
        }
        for f in &self.funcs {
            self.validate_func(f).map_err(|e| format!("function `{}`: {e}", f.name))?;
        }
        Ok(())
    }

    fn validate_func(&self, f: &Function) -> Result<(), String> {
        let frame = f.frame_size as usize;
        if frame == 0 || frame > u16::MAX as usize + 1 {
            return Err(format!("frame size {frame} outside 1..=65536"));
        }
        if f.params as usize > frame {
            return Err(format!("{} parameters exceed the frame size {frame}", f.params));
        }
        if f.param_types.len() > f.params as usize {
            return Err(format!("{} parameter types for {} parameters", f.param_types.len(), f.params));
        }
        if let Some(t) = f.param_types.iter().find(|t| t.index() >= self.type_count) {
            return Err(format!("parameter type id {t} out of range"));
        }
        if f.aux.len() > u16::MAX as usize + 1 {
            return Err("too many auxiliary entries".into());
        }
        match f.code.last() {
            Some(Instr::Jump { .. } | Instr::Ret { .. } | Instr::Unreachable {}) => {}
            Some(other) => return Err(format!("last instruction `{}` falls off the end", other.name())),
            None => return Err("no code".into()),
        }
        for aux in &f.aux {
            for t in aux.types() {
                if t.index() >= self.type_count {
                    return Err(format!("type id {t} out of range"));
                }
            }
            match aux {
                Aux::NewClosure { func, .. } if *func as usize >= self.funcs.len() => {
                    return Err(format!("closure of function {func} out of range"));
                }
                Aux::ArrayRepeat { ty, len, .. } if self.array_len[ty.index()] != *len as u64 => {
                    return Err(format!("array repeat of {len} elements for type {ty}"));
                }
                Aux::NewRef { kind } if *kind > 1 => return Err(format!("reference kind {kind}")),
                Aux::Format { parts, n } => {
                    let args = parts.iter().filter(|p| matches!(p, crate::bytecode::FmtPart::Arg { .. })).count();
                    if args != *n as usize {
                        return Err(format!("format of {n} arguments has {args} argument pieces"));
                    }
                }
                _ => {}
            }
        }
        for (pc, ins) in f.code.iter().enumerate() {
            let mut err = None;
            ins.for_each_operand(&mut |name, op| {
                if err.is_some() {
                    return;
                }
                let bad = match op {
                    Operand::Reg(r) => (r as usize >= frame).then(|| format!("register r{r} outside the frame of {frame}")),
                    Operand::Target(t) => (t as usize >= f.code.len()).then(|| format!("jump target {t} out of range")),
                    Operand::Const(k) => (k as usize >= f.consts.len()).then(|| format!("constant {k} out of range")),
                    Operand::Str(s) => (s as usize >= self.strings.len()).then(|| format!("string {s} out of range")),
                    Operand::UnitEnum(e) => {
                        (e as usize >= self.unit_enums.len()).then(|| format!("unit enum {e} out of range"))
                    }
                    Operand::Global(g) => (g >= self.globals).then(|| format!("global {g} out of range")),
                    Operand::Func(i) => (i as usize >= self.funcs.len()).then(|| format!("function {i} out of range")),
                    Operand::Aux(a) => (a as usize >= f.aux.len()).then(|| format!("aux entry {a} out of range")),
                    Operand::Imm(_) | Operand::Small(_) => None,
                };
                if let Some(b) = bad {
                    err = Some(format!("{name}: {b}"));
                }
            });
            if let Some(e) = err {
                return Err(format!("instruction {pc} `{}`: {e}", ins.name()));
            }
            self.validate_ranges(f, ins).map_err(|e| format!("instruction {pc} `{}`: {e}", ins.name()))?;
        }
        Ok(())
    }

    /// Checks the operands whose meaning depends on the opcode: register
    /// ranges, decoded kinds, and field indices that must be in range.
    fn validate_ranges(&self, f: &Function, ins: &Instr) -> Result<(), String> {
        let frame = f.frame_size as usize;
        let range = |base: u16, n: usize| -> Result<(), String> {
            if base as usize + n > frame {
                Err(format!("registers r{base}..r{} exceed the frame of {frame}", base as usize + n))
            } else {
                Ok(())
            }
        };
        match *ins {
            Instr::Norm { kind, .. } if Norm::from_u16(kind.0).is_none() => Err(format!("bad norm kind {}", kind.0)),
            Instr::Convert { conv, .. } if Conv::from_code(conv.0).is_none() => {
                Err(format!("bad conversion {}", conv.0))
            }
            Instr::ShlImm { n, .. } | Instr::ShrSImm { n, .. } | Instr::ShrUImm { n, .. } if n.0 > 63 => {
                Err(format!("shift amount {} over 63", n.0))
            }
            // The callee's frame starts at `base`; its arguments must be
            // inside the caller's frame (the rest of the callee's frame is
            // checked against the stack's end at the call).
            Instr::Call { base, f: callee } => range(base.0, self.funcs[callee.0 as usize].params as usize),
            Instr::CallClosure { base, n } => range(base.0, n.0.max(1) as usize),
            Instr::VecPush { args, aux } => {
                range(args.0, 2)?;
                match &f.aux[aux.0 as usize] {
                    Aux::Intrinsic { op: gos_abi::Intrinsic::VecPush, arg_tys, .. } if arg_tys.len() == 2 => Ok(()),
                    _ => Err("VecPush needs a VecPush intrinsic entry".into()),
                }
            }
            Instr::Op { args, aux, .. } => range(args.0, f.aux[aux.0 as usize].arity()),
            _ => Ok(()),
        }
    }
}
