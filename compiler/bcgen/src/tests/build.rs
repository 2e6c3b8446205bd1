//! A small builder for hand-written IR programs, and the runner the tests
//! share. Every expression gets the location `line:col` given by
//! [`at`] (default 1:1) so that panic tests can check locations.

use gos_ir::*;
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    static LOC: Cell<Loc> = const { Cell::new(Loc { line: 1, col: 1 }) };
}

/// Sets the location given to expressions built from now on (this thread).
pub fn at(line: u32, col: u32) {
    LOC.with(|l| l.set(Loc { line, col }));
}

pub fn ex(kind: ExprKind, ty: TypeId) -> Expr {
    Expr { kind, ty, loc: LOC.with(|l| l.get()) }
}

/// The common types, interned in a fresh table.
pub struct Tys {
    pub tt: TypeTable,
    pub unit: TypeId,
    pub bool: TypeId,
    pub char: TypeId,
    pub i8: TypeId,
    pub i16: TypeId,
    pub i32: TypeId,
    pub i64: TypeId,
    pub u8: TypeId,
    pub u16: TypeId,
    pub u32: TypeId,
    pub u64: TypeId,
    pub f32: TypeId,
    pub f64: TypeId,
    pub str: TypeId,
    pub never: TypeId,
}

impl Tys {
    pub fn new() -> Tys {
        let mut tt = TypeTable::default();
        let mut t = |k| tt.intern(k);
        let unit = t(TypeKind::Unit);
        let bool = t(TypeKind::Bool);
        let char = t(TypeKind::Char);
        let i8 = t(TypeKind::Int(IntTy::I8));
        let i16 = t(TypeKind::Int(IntTy::I16));
        let i32 = t(TypeKind::Int(IntTy::I32));
        let i64 = t(TypeKind::Int(IntTy::I64));
        let u8 = t(TypeKind::Int(IntTy::U8));
        let u16 = t(TypeKind::Int(IntTy::U16));
        let u32 = t(TypeKind::Int(IntTy::U32));
        let u64 = t(TypeKind::Int(IntTy::U64));
        let f32 = t(TypeKind::Float(FloatTy::F32));
        let f64 = t(TypeKind::Float(FloatTy::F64));
        let str = t(TypeKind::Str);
        let never = t(TypeKind::Never);
        Tys { tt, unit, bool, char, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, str, never }
    }

    pub fn t(&mut self, k: TypeKind) -> TypeId {
        self.tt.intern(k)
    }

    pub fn int(&self, it: IntTy) -> TypeId {
        match it {
            IntTy::I8 => self.i8,
            IntTy::I16 => self.i16,
            IntTy::I32 => self.i32,
            IntTy::I64 => self.i64,
            IntTy::U8 => self.u8,
            IntTy::U16 => self.u16,
            IntTy::U32 => self.u32,
            IntTy::U64 => self.u64,
        }
    }

    /// `Option<t>` as the prelude declares it (`None` = 0, `Some` = 1).
    pub fn option(&mut self, t: TypeId) -> TypeId {
        let (id, _) = self.tt.declare_nominal(&format!("Option<{}>", t.0));
        self.tt.define(
            id,
            TypeKind::Enum {
                name: "Option".into(),
                variants: vec![
                    Variant { name: "None".into(), fields: vec![] },
                    Variant { name: "Some".into(), fields: vec![(None, t)] },
                ],
            },
        );
        id
    }

    /// `Result<t, e>` (`Ok` = 0, `Err` = 1).
    pub fn result(&mut self, t: TypeId, e: TypeId) -> TypeId {
        let (id, _) = self.tt.declare_nominal(&format!("Result<{}, {}>", t.0, e.0));
        self.tt.define(
            id,
            TypeKind::Enum {
                name: "Result".into(),
                variants: vec![
                    Variant { name: "Ok".into(), fields: vec![(None, t)] },
                    Variant { name: "Err".into(), fields: vec![(None, e)] },
                ],
            },
        );
        id
    }
}

/// A function under construction.
pub struct Fb {
    pub name: String,
    pub params: u32,
    pub locals: Vec<Local>,
    pub ret: TypeId,
    pub env: Option<Vec<TypeId>>,
    pub track_caller: bool,
}

impl Fb {
    pub fn new(name: &str, params: &[TypeId], ret: TypeId) -> Fb {
        let locals = params.iter().enumerate().map(|(i, &ty)| Local { name: format!("p{i}"), ty }).collect();
        Fb { name: name.into(), params: params.len() as u32, locals, ret, env: None, track_caller: false }
    }

    pub fn local(&mut self, ty: TypeId) -> LocalId {
        self.locals.push(Local { name: format!("l{}", self.locals.len()), ty });
        LocalId(self.locals.len() as u32 - 1)
    }

    /// The type of local `l`.
    pub fn ty(&self, l: LocalId) -> TypeId {
        self.locals[l.index()].ty
    }

    pub fn read(&self, l: LocalId) -> Expr {
        ex(ExprKind::Read(Place::Local(l)), self.ty(l))
    }

    pub fn finish(self, body: Expr) -> Function {
        Function {
            name: self.name,
            params: self.params,
            locals: self.locals,
            ret: self.ret,
            env: self.env,
            body,
            loc: Loc { line: 1, col: 1 },
            track_caller: self.track_caller,
        }
    }
}

pub fn int(v: i64, t: TypeId) -> Expr {
    ex(ExprKind::Const(Const::Int(v)), t)
}
pub fn f64c(v: f64, t: TypeId) -> Expr {
    ex(ExprKind::Const(Const::F64(v)), t)
}
pub fn strc(s: &str, t: TypeId) -> Expr {
    ex(ExprKind::Const(Const::Str(s.into())), t)
}
pub fn bin(op: BinOp, a: Expr, b: Expr, t: TypeId) -> Expr {
    ex(ExprKind::Binary { op, lhs: Box::new(a), rhs: Box::new(b) }, t)
}
pub fn un(op: UnOp, a: Expr) -> Expr {
    let t = a.ty;
    ex(ExprKind::Unary { op, arg: Box::new(a) }, t)
}
pub fn logic(op: LogicOp, a: Expr, b: Expr, t: TypeId) -> Expr {
    ex(ExprKind::Logic { op, lhs: Box::new(a), rhs: Box::new(b) }, t)
}
pub fn cast(a: Expr, t: TypeId) -> Expr {
    ex(ExprKind::Cast { arg: Box::new(a) }, t)
}
pub fn write(l: LocalId, v: Expr, unit: TypeId) -> Expr {
    ex(ExprKind::Write { place: Place::Local(l), value: Box::new(v) }, unit)
}
pub fn write_place(p: Place, v: Expr, unit: TypeId) -> Expr {
    ex(ExprKind::Write { place: p, value: Box::new(v) }, unit)
}
pub fn read_place(p: Place, t: TypeId) -> Expr {
    ex(ExprKind::Read(p), t)
}
pub fn block(stmts: Vec<Expr>, tail: Option<Expr>, t: TypeId) -> Expr {
    ex(ExprKind::Block { stmts, tail: tail.map(Box::new) }, t)
}
pub fn if_(c: Expr, a: Expr, b: Option<Expr>, t: TypeId) -> Expr {
    ex(ExprKind::If { cond: Box::new(c), then: Box::new(a), else_: b.map(Box::new) }, t)
}
pub fn lp(id: u32, cond: Option<Expr>, body: Expr, step: Option<Expr>, t: TypeId) -> Expr {
    ex(
        ExprKind::Loop { id: LoopId(id), cond: cond.map(Box::new), body: Box::new(body), step: step.map(Box::new) },
        t,
    )
}
pub fn brk(id: u32, v: Option<Expr>, never: TypeId) -> Expr {
    ex(ExprKind::Break { id: LoopId(id), value: v.map(Box::new) }, never)
}
pub fn cont(id: u32, never: TypeId) -> Expr {
    ex(ExprKind::Continue { id: LoopId(id) }, never)
}
pub fn ret(v: Option<Expr>, never: TypeId) -> Expr {
    ex(ExprKind::Return(v.map(Box::new)), never)
}
pub fn call(f: u32, args: Vec<Expr>, t: TypeId) -> Expr {
    ex(ExprKind::Call { func: FuncId(f), args }, t)
}
pub fn intrinsic(op: Intrinsic, args: Vec<Expr>, t: TypeId) -> Expr {
    ex(ExprKind::Intrinsic { op, args }, t)
}

/// A program of `funcs` with `main` at index `main`.
pub fn program(tys: &Tys, funcs: Vec<Function>, main: u32) -> Program {
    Program {
        file: "test.gos".into(),
        types: tys.tt.types.clone(),
        funcs,
        globals: vec![],
        init: None,
        main: FuncId(main),
        main_returns_result: false,
    }
}

/// A compiled program ready to call on this thread.
pub struct Runner {
    pub inst: Arc<gos_vm::Instance>,
}

impl Runner {
    /// Compiles `p` (which must succeed) and initialises the runtime for
    /// this thread with its types.
    pub fn new(p: &Program) -> Runner {
        let m = crate::compile(p).unwrap_or_else(|e| panic!("compile failed: {e}"));
        gos_runtime::init(p.types.clone(), p.file.clone(), vec![]);
        Runner { inst: Arc::new(gos_vm::Instance::new(Arc::new(m))) }
    }

    /// Calls function `f` with `args`.
    pub fn call(&self, f: u32, args: &[u64]) -> u64 {
        let mut t = gos_vm::Thread::new(&self.inst, 1 << 16);
        t.call(f, args)
    }

    pub fn module(&self) -> &gos_vm::Module {
        &self.inst.module
    }
}

/// Compiles and runs `main` (function `main`) of `p`, returning its word.
pub fn run_main(p: &Program) -> u64 {
    let r = Runner::new(p);
    r.call(p.main.0, &[])
}

/// The text of a string object.
pub fn text(v: u64) -> String {
    // SAFETY: the tests pass string values only.
    unsafe { gos_runtime::str_as_str(v).to_string() }
}
