//! Instances and the end of each function: the worklist of `(function,
//! type arguments)` instances reachable from `main` and the globals, the
//! interning of checker types into the IR's type table, and the fix-up
//! pass that turns a body's provisional type ids into interned ones.
//!
//! The fix-up is also where choices that needed final types are settled:
//! a `Copy` of a value that turned out not to be an aggregate is dropped, a
//! `MakeRef` of an aggregate place becomes the object itself (the value
//! model's representation of such references), integer literals are
//! range-checked and float literals of type `f32` re-parsed.

use gos_ir as ir;
use gos_syntax::ast::Span;
use ir::{ExprKind, FuncId, LocalId, TypeId, TypeKind};

use crate::ctx::*;
use crate::expr::PENDING_BASE;
use crate::types::{IntK, Ty};

/// Applies `f` to every direct sub-expression.
pub fn children_mut(e: &mut ir::Expr, f: &mut dyn FnMut(&mut ir::Expr)) {
    e.for_each_child_mut(&mut |c| f(c))
}

/// Keeps only the functions reachable from `roots` (every non-generic
/// user function is checked, for its errors, but unused ones are not part
/// of the program) and renumbers calls. Returns the old-to-new id map.
fn prune(funcs: Vec<ir::Function>, roots: &[FuncId]) -> (Vec<ir::Function>, Vec<FuncId>) {
    fn refs(e: &mut ir::Expr, out: &mut Vec<FuncId>) {
        if let ExprKind::Call { func, .. } | ExprKind::MakeClosure { func, .. } = &e.kind {
            out.push(*func);
        }
        children_mut(e, &mut |c| refs(c, out));
    }
    let mut funcs = funcs;
    let n = funcs.len();
    let mut live = vec![false; n];
    let mut work: Vec<FuncId> = roots.to_vec();
    while let Some(f) = work.pop() {
        if f.index() >= n || live[f.index()] {
            continue;
        }
        live[f.index()] = true;
        let mut out = Vec::new();
        refs(&mut funcs[f.index()].body, &mut out);
        work.extend(out);
    }
    let mut map = vec![FuncId(u32::MAX); n];
    let mut kept = Vec::new();
    for (i, f) in funcs.into_iter().enumerate() {
        if live[i] {
            map[i] = FuncId(kept.len() as u32);
            kept.push(f);
        }
    }
    fn renumber(e: &mut ir::Expr, map: &[FuncId]) {
        if let ExprKind::Call { func, .. } | ExprKind::MakeClosure { func, .. } = &mut e.kind {
            if let Some(m) = map.get(func.index()) {
                *func = *m;
            }
        }
        children_mut(e, &mut |c| renumber(c, map));
    }
    for f in &mut kept {
        renumber(&mut f.body, &map);
    }
    (kept, map)
}

impl<'a> Checker<'a> {
    /// The whole run: items, `main`, every non-generic user function (so
    /// that their errors are reported even when unused), then the worklist.
    pub fn run(&mut self) {
        self.collect();
        match self.scopes[0].get("main").copied() {
            Some(Def::Fn(i)) if self.fns[i].src == Src::User => {
                let ret = self.fns[i].ret.clone();
                let ok_ret = ret == Ty::Unit || matches!(self.is_adt_static(&ret, "Result"), Some(ref a) if a[0] == Ty::Unit);
                if !self.fns[i].generics.is_empty() || !self.fns[i].params.is_empty() {
                    let sp = self.fns[i].decl.name.span;
                    self.err_in(Src::User, sp, "`main` function must not take parameters or generics", vec![]);
                } else if !ok_ret {
                    let sp = self.fns[i].decl.name.span;
                    self.err_in(Src::User, sp, "`main` has invalid return type: expected `()` or `Result<(), E>`", vec![]);
                } else {
                    self.main_returns_result = ret != Ty::Unit;
                    let id = self.instance(i, vec![]);
                    self.main = Some(id);
                }
            }
            _ => self.err_in(Src::User, Span::default(), "`main` function not found in crate", vec![]),
        }
        for i in 0..self.fns.len() {
            if self.fns[i].src == Src::User && self.fns[i].generics.is_empty() && self.fns[i].decl.body.is_some() {
                self.instance(i, vec![]);
            }
        }
        for i in 0..self.consts.len() {
            if self.consts[i].src == Src::User && self.consts[i].self_ty.is_none() {
                self.const_value(i, Span::default());
            }
        }
        self.drain();
    }

    fn is_adt_static(&self, t: &Ty, name: &str) -> Option<Vec<Ty>> {
        match t {
            Ty::Adt(id, args) if self.prelude_adt(name) == Some(*id) => Some(args.clone()),
            _ => None,
        }
    }

    pub fn drain(&mut self) {
        while let Some((id, f, args)) = self.queue.pop_front() {
            self.check_instance(id, f, args);
        }
    }

    /// The function id of an instance, queueing it on first request.
    pub fn instance(&mut self, f: usize, args: Vec<Ty>) -> FuncId {
        let key = (f, args);
        if let Some(&id) = self.instances.get(&key) {
            return id;
        }
        let id = self.reserve_func();
        self.instances.insert(key.clone(), id);
        self.queue.push_back((id, key.0, key.1));
        id
    }

    /// The display name of an instance: `Stack<i64>::push`, `max<f64>`.
    fn instance_name(&self, f: usize, args: &[Ty]) -> String {
        let def = &self.fns[f];
        let show = |t: &Ty| self.render(t);
        let own: Vec<String> = args[def.n_outer.min(args.len())..].iter().map(show).collect();
        let base = if own.is_empty() { def.name.clone() } else { format!("{}<{}>", def.name, own.join(", ")) };
        match &def.self_ty {
            Some(st) => format!("{}::{}", show(&st.subst(args)), base),
            None => base,
        }
    }

    /// Checks and lowers one instance into `funcs[id]`.
    fn check_instance(&mut self, id: FuncId, f: usize, args: Vec<Ty>) {
        let saved = std::mem::take(&mut self.cx);
        let def_src = self.fns[f].src;
        let decl = self.fns[f].decl;
        self.cx.src = def_src;
        self.cx.generics = self.fns[f].generics.iter().map(|g| g.name.clone()).zip(args.iter().cloned()).collect();
        self.cx.self_ty = self.fns[f].self_ty.as_ref().map(|t| t.subst(&args));
        let name = self.instance_name(f, &args);
        let params: Vec<Ty> = self.fns[f].params.iter().map(|t| t.subst(&args)).collect();
        let ret = self.fns[f].ret.subst(&args);
        let span = decl.span;
        self.cx.frames.push(Frame { func: Some(id), name: name.clone(), ret: ret.clone(), ..Default::default() });
        self.cx.cell_names = crate::prepass::cell_names(decl, &self.mut_self_methods);
        let body = if let Some(op) = self.fns[f].intrinsic {
            // An intrinsic used as a value gets a real body that forwards
            // its parameters.
            let mut reads = Vec::new();
            for (i, t) in params.iter().enumerate() {
                let l = self.new_local(&format!("p{}", i), t.clone(), false, false);
                reads.push(self.read_local(l, span));
            }
            self.mk(ExprKind::Intrinsic { op, args: reads }, ret.clone(), span)
        } else {
            self.lower_fn_body(decl, &params, &ret)
        };
        let frame = self.cx.frames.pop().unwrap_or_default();
        let ret_slot = self.slot(ret);
        let func = ir::Function {
            name,
            params: params.len() as u32,
            locals: frame.locals.iter().map(|l| ir::Local { name: l.name.clone(), ty: l.slot }).collect(),
            ret: ret_slot,
            env: None,
            body,
            loc: self.loc(span),
            track_caller: self.fns[f].track_caller,
        };
        self.cx.done.push((id, func));
        self.finish_function();
        self.cx = saved;
    }

    /// Defaults literals and fixes up every function built in the current
    /// context (the instance and its closures).
    pub fn finish_function(&mut self) {
        self.cx.inf.default_literals();
        let pend = self.resolve_pendings();
        let n = self.cx.slots.len();
        let mut map: Vec<Option<TypeId>> = vec![None; n];
        let done = std::mem::take(&mut self.cx.done);
        for (id, mut func) in done {
            for l in &mut func.locals {
                l.ty = self.fix_slot(l.ty, &mut map);
            }
            func.ret = self.fix_slot(func.ret, &mut map);
            if let Some(env) = &mut func.env {
                for t in env.iter_mut() {
                    *t = self.fix_slot(*t, &mut map);
                }
            }
            self.fix_expr(&mut func.body, &mut map, &pend);
            self.funcs[id.index()] = Some(func);
        }
        // Literal range checks, now that every literal's type is final.
        let lits = std::mem::take(&mut self.cx.lit_ints);
        for (slot, v, span) in lits {
            if let Ty::Int(k) = self.resolve(&self.cx.slots[slot as usize].clone()) {
                let (lo, hi) = k.range();
                if v < lo || v > hi {
                    self.err(span, format!("literal out of range for `{}`", k.name()));
                }
            }
        }
    }

    fn fix_slot(&mut self, t: TypeId, map: &mut [Option<TypeId>]) -> TypeId {
        let i = t.index();
        if let Some(Some(x)) = map.get(i) {
            return *x;
        }
        let ty = match self.cx.slots.get(i) {
            Some(s) => self.cx.inf.resolve(s),
            None => Ty::Error,
        };
        let id = self.intern(&ty);
        if let Some(m) = map.get_mut(i) {
            *m = Some(id);
        }
        id
    }

    fn fix_expr(&mut self, e: &mut ir::Expr, map: &mut [Option<TypeId>], pend: &[FuncId]) {
        let slot = e.ty.index();
        children_mut(e, &mut |c| self.fix_expr(c, map, pend));
        e.ty = self.fix_slot(e.ty, map);
        match &mut e.kind {
            ExprKind::Call { func, .. } | ExprKind::MakeClosure { func, .. } if func.0 >= PENDING_BASE => {
                if let Some(f) = pend.get((func.0 - PENDING_BASE) as usize) {
                    *func = *f;
                }
            }
            ExprKind::Copy(inner) => {
                if !self.tt.get(e.ty).is_aggregate() {
                    let inner = std::mem::replace(&mut **inner, ir::Expr { kind: ExprKind::Const(ir::Const::Unit), ty: e.ty, loc: e.loc });
                    *e = inner;
                }
            }
            ExprKind::MakeRef(p) => {
                if let TypeKind::Ref(inner) = self.tt.get(e.ty) {
                    if self.tt.get(*inner).is_aggregate() {
                        let p = std::mem::replace(p, ir::Place::Local(LocalId(0)));
                        e.kind = ExprKind::Read(p);
                    }
                }
            }
            ExprKind::Const(ir::Const::F64(v)) => {
                if matches!(self.tt.get(e.ty), TypeKind::Float(ir::FloatTy::F32)) {
                    let text = self.cx.lit_floats.get(&(slot as u32)).cloned();
                    let f = text.and_then(|t| t.parse::<f32>().ok()).unwrap_or(*v as f32);
                    e.kind = ExprKind::Const(ir::Const::F32(f));
                }
            }
            ExprKind::Const(ir::Const::Int(v)) => {
                if let TypeKind::Int(k) = self.tt.get(e.ty) {
                    *v = k.normalize(*v as u64) as i64;
                }
            }
            _ => {}
        }
    }

    /// Interns a resolved checker type.
    pub fn intern(&mut self, t: &Ty) -> TypeId {
        if let Some(&id) = self.ty_ids.get(t) {
            return id;
        }
        let kind = match t {
            Ty::Var(_) | Ty::Error | Ty::Param(_) | Ty::Unit => TypeKind::Unit,
            Ty::Never => TypeKind::Never,
            Ty::Bool => TypeKind::Bool,
            Ty::Char => TypeKind::Char,
            Ty::Str => TypeKind::Str,
            Ty::Int(k) => TypeKind::Int(k.ir()),
            Ty::Float(f) => TypeKind::Float(*f),
            Ty::Vec(x) => TypeKind::Vec(self.intern(x)),
            Ty::Array(x, n) => TypeKind::Array(self.intern(x), *n),
            Ty::Tuple(xs) => TypeKind::Tuple(xs.iter().map(|x| self.intern(x)).collect()),
            Ty::Box(x) => TypeKind::Box(self.intern(x)),
            Ty::Cell(x) => TypeKind::Cell(self.intern(x)),
            Ty::Map(k, v) => TypeKind::Map(self.intern(k), self.intern(v)),
            Ty::Set(x) => TypeKind::Set(self.intern(x)),
            Ty::Func(ps, r) => TypeKind::Func { params: ps.iter().map(|x| self.intern(x)).collect(), ret: self.intern(r) },
            Ty::Ref(false, x) => {
                let id = self.intern(x);
                self.ty_ids.insert(t.clone(), id);
                return id;
            }
            Ty::Ref(true, x) => TypeKind::Ref(self.intern(x)),
            Ty::Handle(h) => match h {
                crate::types::HandleK::WaitGroup => TypeKind::WaitGroup,
                crate::types::HandleK::Mutex => TypeKind::Mutex,
                crate::types::HandleK::AtomicI64 => TypeKind::AtomicI64,
                crate::types::HandleK::I64Vec => TypeKind::I64Vec,
            },
            Ty::Sender(x) => TypeKind::Sender(self.intern(x)),
            Ty::Receiver(x) => TypeKind::Receiver(self.intern(x)),
            Ty::Adt(id, args) => {
                let key = self.render(t);
                let (tid, fresh) = self.tt.declare_nominal(&key);
                self.ty_ids.insert(t.clone(), tid);
                if fresh {
                    let adt = self.adts[*id as usize].clone();
                    let kind = if adt.is_enum {
                        let variants = adt
                            .variants
                            .iter()
                            .map(|v| ir::Variant {
                                name: v.name.clone(),
                                fields: v
                                    .fields
                                    .iter()
                                    .map(|(n, ft)| {
                                        let ft = self.intern(&ft.subst(args));
                                        (if v.kind == VKind::Named { Some(n.clone()) } else { None }, ft)
                                    })
                                    .collect(),
                            })
                            .collect();
                        TypeKind::Enum { name: adt.name.clone(), variants }
                    } else {
                        let v = adt.variants.first().cloned().unwrap_or(VariantDef { name: adt.name.clone(), kind: VKind::Unit, fields: vec![] });
                        TypeKind::Struct {
                            name: adt.name.clone(),
                            fields: v.fields.iter().map(|(n, ft)| (n.clone(), self.intern(&ft.subst(args)))).collect(),
                            tuple_like: v.kind == VKind::Tuple,
                        }
                    };
                    self.tt.define(tid, kind);
                }
                return tid;
            }
        };
        let id = self.tt.intern(kind);
        self.ty_ids.insert(t.clone(), id);
        id
    }

    /// Builds the closure-convention forwarders of functions used as
    /// values, now that their targets' types are final.
    fn build_thunks(&mut self) {
        for (id, target, _) in std::mem::take(&mut self.thunk_queue) {
            let t = match &self.funcs[target.index()] {
                Some(t) => t,
                None => continue,
            };
            let n = t.params as usize;
            let locals: Vec<ir::Local> = t.locals[..n].to_vec();
            let ret = t.ret;
            let loc = t.loc;
            let name = format!("{}::{{thunk}}", t.name);
            let args = locals
                .iter()
                .enumerate()
                .map(|(i, l)| ir::Expr { kind: ExprKind::Read(ir::Place::Local(LocalId(i as u32))), ty: l.ty, loc })
                .collect();
            let body = ir::Expr { kind: ExprKind::Call { func: target, args }, ty: ret, loc };
            self.funcs[id.index()] = Some(ir::Function { name, params: n as u32, locals, ret, env: Some(vec![]), body, loc, track_caller: false });
        }
    }

    /// Assembles the program, or returns the diagnostics.
    pub fn finish(mut self) -> Result<ir::Program, Vec<crate::Diagnostic>> {
        if !self.diags.is_empty() {
            let mut d = self.diags;
            d.sort_by_key(|x| (x.span.lo, x.span.hi));
            return Err(d);
        }
        self.build_thunks();
        let main = match self.main {
            Some(m) => m,
            None => return Err(vec![crate::Diagnostic { span: Span::default(), message: "`main` function not found in crate".into(), notes: vec![] }]),
        };
        let init = if self.init_funcs.is_empty() {
            None
        } else {
            // One function calls each global's initialiser in order.
            let unit = self.intern(&Ty::Unit);
            let stmts = self
                .init_funcs
                .iter()
                .map(|f| ir::Expr { kind: ExprKind::Call { func: *f, args: vec![] }, ty: unit, loc: ir::Loc::default() })
                .collect();
            let body = ir::Expr { kind: ExprKind::Block { stmts, tail: None }, ty: unit, loc: ir::Loc::default() };
            self.funcs.push(Some(ir::Function {
                name: "init".into(),
                params: 0,
                locals: vec![],
                ret: unit,
                env: None,
                body,
                loc: ir::Loc::default(),
                track_caller: false,
            }));
            Some(FuncId(self.funcs.len() as u32 - 1))
        };
        let mut funcs = Vec::new();
        for (i, f) in self.funcs.into_iter().enumerate() {
            match f {
                Some(f) => funcs.push(f),
                None => {
                    return Err(vec![crate::Diagnostic {
                        span: Span::default(),
                        message: format!("internal error: function #{} was never lowered", i),
                        notes: vec![],
                    }])
                }
            }
        }
        let _ = IntK::I64;
        let mut roots = vec![main];
        roots.extend(init);
        let (funcs, map) = prune(funcs, &roots);
        Ok(ir::Program {
            file: self.file,
            types: self.tt.types,
            funcs,
            globals: self.globals,
            init: init.map(|f| map[f.index()]),
            main: map[main.index()],
            main_returns_result: self.main_returns_result,
        })
    }
}
