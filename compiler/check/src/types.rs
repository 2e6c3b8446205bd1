//! The checker's own type language and the inference table.
//!
//! `Ty` differs from the IR's `TypeKind` in three ways: it has inference
//! variables (general, integer-literal and float-literal ones), generic
//! parameters (`Param`, only inside item signatures, replaced by fresh
//! variables or concrete types when an item is used), and it keeps the
//! distinctions the user sees in messages (`usize` vs `u64`, `&T` vs `T`).
//! Unification is plain first-order unification with a union-find-free
//! binding table: bodies are small, and resolving chains on demand keeps the
//! code obvious. Literal variables default to `i64`/`f64` at the end of each
//! function, as rustc does.

use gos_ir::{FloatTy, IntTy};

/// Integer types as written; `isize`/`usize` are kept apart from
/// `i64`/`u64` because rustc's messages name them so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntK {
    I8,
    I16,
    I32,
    I64,
    Isize,
    U8,
    U16,
    U32,
    U64,
    Usize,
}

impl IntK {
    pub fn ir(self) -> IntTy {
        match self {
            IntK::I8 => IntTy::I8,
            IntK::I16 => IntTy::I16,
            IntK::I32 => IntTy::I32,
            IntK::I64 | IntK::Isize => IntTy::I64,
            IntK::U8 => IntTy::U8,
            IntK::U16 => IntTy::U16,
            IntK::U32 => IntTy::U32,
            IntK::U64 | IntK::Usize => IntTy::U64,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            IntK::I8 => "i8",
            IntK::I16 => "i16",
            IntK::I32 => "i32",
            IntK::I64 => "i64",
            IntK::Isize => "isize",
            IntK::U8 => "u8",
            IntK::U16 => "u16",
            IntK::U32 => "u32",
            IntK::U64 => "u64",
            IntK::Usize => "usize",
        }
    }
    pub fn from_name(s: &str) -> Option<IntK> {
        Some(match s {
            "i8" => IntK::I8,
            "i16" => IntK::I16,
            "i32" => IntK::I32,
            "i64" => IntK::I64,
            "isize" => IntK::Isize,
            "u8" => IntK::U8,
            "u16" => IntK::U16,
            "u32" => IntK::U32,
            "u64" => IntK::U64,
            "usize" => IntK::Usize,
            _ => return None,
        })
    }
    /// The inclusive value range, as i128 so that every type fits.
    pub fn range(self) -> (i128, i128) {
        let t = self.ir();
        let bits = t.bits();
        if t.signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }
}

/// Runtime handle types of the concurrency library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleK {
    WaitGroup,
    Mutex,
    AtomicI64,
    I64Vec,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Var(u32),
    /// The type of an erroneous expression: unifies with everything, so one
    /// mistake gives one message.
    Error,
    Never,
    Unit,
    Bool,
    Char,
    Str,
    Int(IntK),
    Float(FloatTy),
    Vec(Box<Ty>),
    Array(Box<Ty>, u64),
    Tuple(Vec<Ty>),
    /// A struct or enum with its generic arguments.
    Adt(u32, Vec<Ty>),
    Box(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Set(Box<Ty>),
    Func(Vec<Ty>, Box<Ty>),
    /// `&T` (false) or `&mut T` (true).
    Ref(bool, Box<Ty>),
    /// Generic parameter `i` of the item whose signature this is.
    Param(u32),
    Handle(HandleK),
    Sender(Box<Ty>),
    Receiver(Box<Ty>),
    /// A mutable heap cell holding a captured or referred-to variable;
    /// never written in source.
    Cell(Box<Ty>),
}

impl Default for Ty {
    fn default() -> Ty {
        Ty::Unit
    }
}

impl Ty {
    pub fn i64() -> Ty {
        Ty::Int(IntK::I64)
    }
    pub fn f64() -> Ty {
        Ty::Float(FloatTy::F64)
    }
    pub fn vec(t: Ty) -> Ty {
        Ty::Vec(Box::new(t))
    }
    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }
    /// Replaces generic parameters by `args` (missing ones become `Error`).
    pub fn subst(&self, args: &[Ty]) -> Ty {
        if args.is_empty() {
            return self.clone();
        }
        self.map(&mut |t| match t {
            Ty::Param(i) => Some(args.get(*i as usize).cloned().unwrap_or(Ty::Error)),
            _ => None,
        })
    }
    /// Rebuilds the type bottom-up, letting `f` replace any node.
    pub fn map(&self, f: &mut dyn FnMut(&Ty) -> Option<Ty>) -> Ty {
        if let Some(t) = f(self) {
            return t;
        }
        let b = |t: &Ty, f: &mut dyn FnMut(&Ty) -> Option<Ty>| Box::new(t.map(f));
        match self {
            Ty::Vec(t) => Ty::Vec(b(t, f)),
            Ty::Array(t, n) => Ty::Array(b(t, f), *n),
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| t.map(f)).collect()),
            Ty::Adt(id, ts) => Ty::Adt(*id, ts.iter().map(|t| t.map(f)).collect()),
            Ty::Box(t) => Ty::Box(b(t, f)),
            Ty::Map(k, v) => Ty::Map(b(k, f), b(v, f)),
            Ty::Set(t) => Ty::Set(b(t, f)),
            Ty::Func(ps, r) => Ty::Func(ps.iter().map(|t| t.map(f)).collect(), b(r, f)),
            Ty::Ref(m, t) => Ty::Ref(*m, b(t, f)),
            Ty::Sender(t) => Ty::Sender(b(t, f)),
            Ty::Receiver(t) => Ty::Receiver(b(t, f)),
            Ty::Cell(t) => Ty::Cell(b(t, f)),
            other => other.clone(),
        }
    }
    /// Whether any node satisfies `f`.
    pub fn any(&self, f: &dyn Fn(&Ty) -> bool) -> bool {
        if f(self) {
            return true;
        }
        match self {
            Ty::Vec(t) | Ty::Array(t, _) | Ty::Box(t) | Ty::Set(t) | Ty::Ref(_, t) | Ty::Sender(t) | Ty::Receiver(t) | Ty::Cell(t) => t.any(f),
            Ty::Map(k, v) => k.any(f) || v.any(f),
            Ty::Tuple(ts) | Ty::Adt(_, ts) => ts.iter().any(|t| t.any(f)),
            Ty::Func(ps, r) => ps.iter().any(|t| t.any(f)) || r.any(f),
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    General,
    Int,
    Float,
}

/// Inference variables of the function being checked.
#[derive(Default, Debug)]
pub struct Infer {
    vars: Vec<(VarKind, Option<Ty>)>,
}

/// Nesting bound of resolution; a cyclic binding (which the missing occurs
/// check could create for ill-typed input) resolves to `Error` instead of
/// overflowing the stack.
const MAX_DEPTH: u32 = 64;

impl Infer {
    pub fn fresh(&mut self, kind: VarKind) -> Ty {
        self.vars.push((kind, None));
        Ty::Var(self.vars.len() as u32 - 1)
    }
    pub fn var(&mut self) -> Ty {
        self.fresh(VarKind::General)
    }
    pub fn kind(&self, v: u32) -> VarKind {
        self.vars[v as usize].0
    }
    /// Follows variable bindings at the top only.
    pub fn shallow(&self, t: &Ty) -> Ty {
        let mut t = t.clone();
        let mut n = 0;
        while let Ty::Var(v) = t {
            match &self.vars[v as usize].1 {
                Some(b) if n < MAX_DEPTH => {
                    t = b.clone();
                    n += 1;
                }
                Some(_) => return Ty::Error,
                None => return t,
            }
        }
        t
    }
    /// Resolves every bound variable inside `t`.
    pub fn resolve(&self, t: &Ty) -> Ty {
        self.resolve_depth(t, 0)
    }
    fn resolve_depth(&self, t: &Ty, depth: u32) -> Ty {
        if depth > MAX_DEPTH {
            return Ty::Error;
        }
        t.map(&mut |x| match x {
            Ty::Var(_) => {
                let s = self.shallow(x);
                if let Ty::Var(_) = s {
                    Some(s)
                } else {
                    Some(self.resolve_depth(&s, depth + 1))
                }
            }
            _ => None,
        })
    }
    /// Binds unconstrained literal variables to their defaults (`i64`,
    /// `f64`) and every other unbound variable to `Error` (the caller has
    /// reported "type annotations needed" where it mattered).
    pub fn default_literals(&mut self) {
        for i in 0..self.vars.len() {
            if self.vars[i].1.is_none() {
                self.vars[i].1 = Some(match self.vars[i].0 {
                    VarKind::Int => Ty::i64(),
                    VarKind::Float => Ty::f64(),
                    VarKind::General => continue,
                });
            }
        }
    }
    /// Defaults one literal variable now (a method call on `{integer}`
    /// needs a concrete receiver).
    pub fn default_var(&mut self, t: &Ty) -> Ty {
        let s = self.shallow(t);
        if let Ty::Var(v) = s {
            let k = self.vars[v as usize].0;
            let d = match k {
                VarKind::Int => Ty::i64(),
                VarKind::Float => Ty::f64(),
                VarKind::General => return s,
            };
            self.vars[v as usize].1 = Some(d.clone());
            return d;
        }
        s
    }

    /// Makes `a` and `b` equal; on failure the table may hold partial
    /// bindings, which only matters for the error message already due.
    pub fn unify(&mut self, a: &Ty, b: &Ty) -> bool {
        let a = self.shallow(a);
        let b = self.shallow(b);
        match (&a, &b) {
            (Ty::Error, _) | (_, Ty::Error) | (Ty::Never, _) | (_, Ty::Never) => true,
            (Ty::Var(x), Ty::Var(y)) => {
                if x == y {
                    return true;
                }
                let (kx, ky) = (self.kind(*x), self.kind(*y));
                let k = match (kx, ky) {
                    (VarKind::General, k) | (k, VarKind::General) => k,
                    (k1, k2) if k1 == k2 => k1,
                    _ => return false,
                };
                self.vars[*y as usize].0 = k;
                self.vars[*x as usize].1 = Some(b.clone());
                true
            }
            (Ty::Var(x), t) | (t, Ty::Var(x)) => {
                let ok = match self.kind(*x) {
                    VarKind::General => true,
                    VarKind::Int => matches!(t, Ty::Int(_)),
                    VarKind::Float => matches!(t, Ty::Float(_)),
                };
                if !ok {
                    return false;
                }
                let x = *x;
                if t.any(&|s| *s == Ty::Var(x)) {
                    return false;
                }
                self.vars[x as usize].1 = Some(t.clone());
                true
            }
            (Ty::Vec(x), Ty::Vec(y)) | (Ty::Box(x), Ty::Box(y)) | (Ty::Set(x), Ty::Set(y)) => self.unify(x, y),
            (Ty::Sender(x), Ty::Sender(y)) | (Ty::Receiver(x), Ty::Receiver(y)) | (Ty::Cell(x), Ty::Cell(y)) => self.unify(x, y),
            (Ty::Array(x, n), Ty::Array(y, m)) => n == m && self.unify(x, y),
            (Ty::Map(k1, v1), Ty::Map(k2, v2)) => self.unify(k1, k2) && self.unify(v1, v2),
            (Ty::Ref(m1, x), Ty::Ref(m2, y)) => m1 == m2 && self.unify(x, y),
            (Ty::Tuple(xs), Ty::Tuple(ys)) => xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.unify(x, y)),
            (Ty::Adt(i, xs), Ty::Adt(j, ys)) => {
                i == j && xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| self.unify(x, y))
            }
            (Ty::Func(p1, r1), Ty::Func(p2, r2)) => {
                p1.len() == p2.len() && p1.iter().zip(p2).all(|(x, y)| self.unify(x, y)) && self.unify(r1, r2)
            }
            _ => a == b,
        }
    }
}

/// Renders a type as rustc does in messages; `adt_name` names structs and
/// enums.
pub fn render(t: &Ty, inf: &Infer, adt_name: &dyn Fn(u32) -> String) -> String {
    let t = inf.shallow(t);
    let r = |x: &Ty| render(x, inf, adt_name);
    let list = |xs: &[Ty]| xs.iter().map(|x| render(x, inf, adt_name)).collect::<Vec<_>>().join(", ");
    match &t {
        Ty::Var(v) => match inf.kind(*v) {
            VarKind::Int => "{integer}".into(),
            VarKind::Float => "{float}".into(),
            VarKind::General => "_".into(),
        },
        Ty::Error => "{error}".into(),
        Ty::Never => "!".into(),
        Ty::Unit => "()".into(),
        Ty::Bool => "bool".into(),
        Ty::Char => "char".into(),
        Ty::Str => "String".into(),
        Ty::Int(k) => k.name().into(),
        Ty::Float(FloatTy::F64) => "f64".into(),
        Ty::Float(FloatTy::F32) => "f32".into(),
        Ty::Vec(x) => format!("Vec<{}>", r(x)),
        Ty::Array(x, n) => format!("[{}; {}]", r(x), n),
        Ty::Tuple(xs) if xs.len() == 1 => format!("({},)", r(&xs[0])),
        Ty::Tuple(xs) => format!("({})", list(xs)),
        Ty::Adt(id, xs) if xs.is_empty() => adt_name(*id),
        Ty::Adt(id, xs) => format!("{}<{}>", adt_name(*id), list(xs)),
        Ty::Box(x) => format!("Box<{}>", r(x)),
        Ty::Map(k, v) => format!("HashMap<{}, {}>", r(k), r(v)),
        Ty::Set(x) => format!("HashSet<{}>", r(x)),
        Ty::Func(ps, ret) => {
            if **ret == Ty::Unit {
                format!("fn({})", list(ps))
            } else {
                format!("fn({}) -> {}", list(ps), r(ret))
            }
        }
        Ty::Ref(false, x) => format!("&{}", r(x)),
        Ty::Ref(true, x) => format!("&mut {}", r(x)),
        Ty::Param(i) => format!("T{}", i),
        Ty::Handle(h) => format!("{:?}", h),
        Ty::Sender(x) => format!("Sender<{}>", r(x)),
        Ty::Receiver(x) => format!("Receiver<{}>", r(x)),
        Ty::Cell(x) => format!("Cell<{}>", r(x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(t: &Ty, inf: &Infer) -> String {
        render(t, inf, &|i| format!("A{}", i))
    }

    #[test]
    fn literal_variables_take_integer_types_only() {
        let mut inf = Infer::default();
        let v = inf.fresh(VarKind::Int);
        assert!(!inf.unify(&v, &Ty::Str));
        assert!(inf.unify(&v, &Ty::Int(IntK::U8)));
        assert_eq!(inf.resolve(&v), Ty::Int(IntK::U8));
    }

    #[test]
    fn literal_variables_default_at_the_end() {
        let mut inf = Infer::default();
        let a = inf.fresh(VarKind::Int);
        let b = inf.fresh(VarKind::Float);
        let g = inf.var();
        assert!(inf.unify(&g, &a));
        inf.default_literals();
        assert_eq!(inf.resolve(&g), Ty::i64());
        assert_eq!(inf.resolve(&b), Ty::f64());
    }

    #[test]
    fn structural_unification_binds_inner_variables() {
        let mut inf = Infer::default();
        let v = inf.var();
        let a = Ty::Map(Box::new(Ty::Str), Box::new(Ty::vec(v.clone())));
        let b = Ty::Map(Box::new(Ty::Str), Box::new(Ty::vec(Ty::Bool)));
        assert!(inf.unify(&a, &b));
        assert_eq!(inf.resolve(&v), Ty::Bool);
        assert!(!inf.unify(&Ty::Tuple(vec![Ty::Bool]), &Ty::Tuple(vec![Ty::Bool, Ty::Bool])));
    }

    #[test]
    fn occurs_check_refuses_infinite_types() {
        let mut inf = Infer::default();
        let v = inf.var();
        assert!(!inf.unify(&v, &Ty::vec(v.clone())));
    }

    #[test]
    fn int_and_float_literals_do_not_mix() {
        let mut inf = Infer::default();
        let a = inf.fresh(VarKind::Int);
        let b = inf.fresh(VarKind::Float);
        assert!(!inf.unify(&a, &b));
    }

    #[test]
    fn rendering_follows_rustc() {
        let mut inf = Infer::default();
        let v = inf.fresh(VarKind::Int);
        assert_eq!(show(&Ty::vec(v), &inf), "Vec<{integer}>");
        assert_eq!(show(&Ty::Tuple(vec![Ty::i64(), Ty::Str]), &inf), "(i64, String)");
        assert_eq!(show(&Ty::Ref(true, Box::new(Ty::Int(IntK::Usize))), &inf), "&mut usize");
        assert_eq!(show(&Ty::Adt(3, vec![Ty::Bool]), &inf), "A3<bool>");
    }

    #[test]
    fn substitution_replaces_parameters() {
        let t = Ty::Func(vec![Ty::Param(0)], Box::new(Ty::vec(Ty::Param(1))));
        let s = t.subst(&[Ty::Bool, Ty::Char]);
        assert_eq!(s, Ty::Func(vec![Ty::Bool], Box::new(Ty::vec(Ty::Char))));
    }
}
