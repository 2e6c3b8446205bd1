//! The per-function emitter: register allocation, instruction emission with
//! the line table, labels and their fix-ups, the constant pool and the
//! auxiliary table, and the driver that lowers one IR function.
//!
//! Registers: the closure object (closure bodies), then one register per IR
//! local, then temporaries. Temporaries are a stack: code that needs some
//! takes them from `next`, and the statement or expression that allocated
//! them resets `next` when their values are dead. That is what lets a call
//! place its arguments in the registers at the top of the frame, which
//! become the callee's parameters.

use crate::Interner;
use gos_ir as ir;
use gos_vm::bytecode::{Aux, ConstIdx, Imm32, Instr, Loc, Reg, StrIdx};
use std::collections::HashMap;

/// Why a function could not be compiled.
#[derive(Debug)]
pub(crate) enum Error {
    /// A fused branch's 16-bit target overflowed: compile again without them.
    TooLong,
    Msg(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::TooLong => write!(f, "function too long for short branches"),
            Error::Msg(m) => write!(f, "{m}"),
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, Error>;

pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::Msg(msg.into()))
}

/// A position in the code, bound once; jumps to it are patched at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Label(pub usize);

/// What `break` and `continue` inside a loop need.
pub(crate) struct LoopCx {
    pub id: ir::LoopId,
    /// Where break values go (`None`: the loop's value is discarded).
    pub dst: Option<Reg>,
    pub exit: Label,
    pub cont: Label,
}

pub(crate) struct FnCx<'p> {
    pub prog: &'p ir::Program,
    pub func: &'p ir::Function,
    pub strings: &'p mut Interner,
    /// Register of IR local 0 (1 in closure bodies, after the closure object).
    pub local_base: u32,
    pub code: Vec<Instr>,
    consts: Vec<u64>,
    const_map: HashMap<u64, u32>,
    aux: Vec<Aux>,
    lines: Vec<(u32, Loc)>,
    /// The source position of what is being lowered.
    pub loc: ir::Loc,
    /// The next free temporary.
    pub next: u32,
    /// One more than the highest register used.
    pub high: u32,
    labels: Vec<Option<u32>>,
    fixups: Vec<(usize, Label)>,
    /// The last code position a label was bound at (fusing an instruction
    /// with the previous one is only safe if no jump lands between them).
    pub last_bound: Option<usize>,
    pub loops: Vec<LoopCx>,
    /// Whether fused branches (16-bit targets) may be used.
    pub short: bool,
}

/// Lowers one IR function. With `short` false, no 16-bit branch targets
/// are used (for functions longer than 65536 instructions).
pub(crate) fn compile_function(
    prog: &ir::Program,
    func: &ir::Function,
    strings: &mut Interner,
    short: bool,
) -> Result<gos_vm::Function> {
    let local_base = func.env.is_some() as u32;
    let nlocals = func.locals.len() as u32;
    if func.params > nlocals {
        return err(format!("{} parameters but {} locals", func.params, nlocals));
    }
    let first_temp = local_base + nlocals;
    let mut cx = FnCx {
        prog,
        func,
        strings,
        local_base,
        code: Vec::new(),
        consts: Vec::new(),
        const_map: HashMap::new(),
        aux: Vec::new(),
        lines: Vec::new(),
        loc: func.loc,
        next: first_temp,
        high: first_temp.max(1),
        labels: Vec::new(),
        fixups: Vec::new(),
        last_bound: None,
        loops: Vec::new(),
        short,
    };
    let never = matches!(prog.ty(func.body.ty), ir::TypeKind::Never);
    if never {
        cx.expr(&func.body, None)?;
        cx.emit(Instr::Unreachable {});
    } else {
        let r = cx.temp();
        cx.expr(&func.body, Some(r))?;
        cx.emit(Instr::Ret { src: r });
    }
    cx.finish()
}

impl<'p> FnCx<'p> {
    pub fn kind(&self, t: ir::TypeId) -> &'p ir::TypeKind {
        let prog: &'p ir::Program = self.prog;
        match prog.types.get(t.index()) {
            Some(k) => k,
            None => &ir::TypeKind::Never,
        }
    }

    /// The register of IR local `l`.
    pub fn local(&self, l: ir::LocalId) -> Result<Reg> {
        if l.index() >= self.func.locals.len() {
            return err(format!("local {} out of range", l.0));
        }
        Ok(Reg((self.local_base + l.0) as u16))
    }

    /// A fresh temporary register.
    pub fn temp(&mut self) -> Reg {
        self.temps(1)
    }

    /// `n` (at least one) consecutive fresh temporaries; returns the first.
    pub fn temps(&mut self, n: usize) -> Reg {
        let r = self.next;
        self.next += n.max(1) as u32;
        self.high = self.high.max(self.next);
        // Frames above 65536 registers are rejected in `finish`; until then
        // keep the register numbers meaningful by saturating.
        Reg(r.min(u16::MAX as u32) as u16)
    }

    pub fn emit(&mut self, i: Instr) -> usize {
        let pc = self.code.len();
        let loc = Loc { line: self.loc.line, col: self.loc.col };
        if self.lines.last().map(|l| l.1) != Some(loc) {
            self.lines.push((pc as u32, loc));
        }
        self.code.push(i);
        pc
    }

    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    pub fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.code.len() as u32);
        self.last_bound = Some(self.code.len());
    }

    /// Emits `i` (a jump of any kind) and records that its target is `l`.
    pub fn emit_jump(&mut self, i: Instr, l: Label) {
        let pc = self.emit(i);
        self.fixups.push((pc, l));
    }

    /// Whether an instruction at the current position could be fused with
    /// the previous one: it exists and no label points between them.
    pub fn can_fuse_with_previous(&self) -> bool {
        !self.code.is_empty() && self.last_bound != Some(self.code.len())
    }

    pub fn load_word(&mut self, dst: Reg, w: u64) {
        let v = w as i64;
        if let Ok(i) = i32::try_from(v) {
            self.emit(Instr::LoadImm { dst, imm: Imm32(i) });
        } else {
            let k = self.constant(w);
            self.emit(Instr::LoadK { dst, k });
        }
    }

    pub fn constant(&mut self, w: u64) -> ConstIdx {
        if let Some(&k) = self.const_map.get(&w) {
            return ConstIdx(k);
        }
        let k = self.consts.len() as u32;
        self.consts.push(w);
        self.const_map.insert(w, k);
        ConstIdx(k)
    }

    pub fn load_str(&mut self, dst: Reg, s: &str) {
        let i = self.strings.intern(s);
        self.emit(Instr::LoadStr { dst, s: StrIdx(i) });
    }

    pub fn aux(&mut self, a: Aux) -> Result<gos_vm::AuxIdx> {
        if self.aux.len() > u16::MAX as usize {
            return err("too many runtime operations in one function");
        }
        self.aux.push(a);
        Ok(gos_vm::AuxIdx((self.aux.len() - 1) as u16))
    }

    pub fn cur_loc(&self) -> Loc {
        Loc { line: self.loc.line, col: self.loc.col }
    }

    fn finish(mut self) -> Result<gos_vm::Function> {
        if self.high > u16::MAX as u32 + 1 {
            return err(format!("needs {} registers; at most 65536 fit in a frame", self.high));
        }
        for &(pc, l) in &self.fixups {
            let Some(t) = self.labels[l.0] else {
                return err("internal error: jump to a label that was never bound");
            };
            if !self.code[pc].patch_target(t) {
                return Err(Error::TooLong);
            }
        }
        if self.code.len() > u32::MAX as usize / 2 {
            return err("function too long");
        }
        let params = self.local_base + self.func.params;
        let name: &'static str = Box::leak(self.func.name.clone().into_boxed_str());
        // A jump may target the end of the code (a loop exit at the very
        // end of a never-returning body): give it an instruction to land on.
        if self.labels.contains(&Some(self.code.len() as u32)) {
            self.emit(Instr::Unreachable {});
        }
        Ok(gos_vm::Function {
            name,
            params,
            frame_size: self.high.max(params).max(1),
            code: self.code,
            consts: self.consts,
            aux: self.aux,
            lines: self.lines,
            track_caller: self.func.track_caller,
            loc: Loc { line: self.func.loc.line, col: self.func.loc.col },
            param_types: self.func.locals[..self.func.params as usize].iter().map(|l| l.ty).collect(),
        })
    }
}
