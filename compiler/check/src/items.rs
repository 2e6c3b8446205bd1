//! Item collection: the first pass over the prelude and the program. It
//! registers every struct, enum, function, trait, impl and constant under
//! its name, processes `use` declarations, and resolves field types and
//! function signatures (generic parameters become `Ty::Param`). Bodies are
//! checked later, per instance, by `mono.rs`.

use std::collections::HashMap;

use gos_ir::Intrinsic;
use gos_syntax::ast::{self, Span};

use crate::ctx::*;
use crate::types::{HandleK, IntK, Ty};

/// Bounds that every type satisfies here (the operations they name work on
/// every type, or are checked where they are used).
const STD_TRAITS: &[&str] = &[
    "Clone", "Copy", "Debug", "Display", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Default", "Send", "Sync",
    "Sized", "ToString",
];

/// Where a type expression is resolved: the generic names in scope and
/// whether `_` may create an inference variable.
#[derive(Clone, Default)]
pub struct TyScope {
    pub generics: Vec<(String, Ty)>,
    pub self_ty: Option<Ty>,
    pub src: Src,
    pub in_body: bool,
}

pub fn intrinsic_by_name(name: &str) -> Option<Intrinsic> {
    use Intrinsic as I;
    Some(match name {
        "Panic" => I::Panic,
        "Exit" => I::Exit,
        "Args" => I::Args,
        "Getenv" => I::Getenv,
        "PrintStdout" => I::PrintStdout,
        "PrintStderr" => I::PrintStderr,
        "StdoutWriteBytes" => I::StdoutWriteBytes,
        "StdoutFlush" => I::StdoutFlush,
        "StdinReadLine" => I::StdinReadLine,
        "NowNs" => I::NowNs,
        "SleepMs" => I::SleepMs,
        "StrLen" => I::StrLen,
        "StrByteAt" => I::StrByteAt,
        "StrSlice" => I::StrSlice,
        "StrCharAt" => I::StrCharAt,
        "StrContains" => I::StrContains,
        "StrStartsWith" => I::StrStartsWith,
        "StrEndsWith" => I::StrEndsWith,
        "StrFind" => I::StrFind,
        "StrReplace" => I::StrReplace,
        "StrToUpper" => I::StrToUpper,
        "StrToLower" => I::StrToLower,
        "StrTrim" => I::StrTrim,
        "StrTrimStart" => I::StrTrimStart,
        "StrTrimEnd" => I::StrTrimEnd,
        "StrSplit" => I::StrSplit,
        "StrSplitWhitespace" => I::StrSplitWhitespace,
        "StrLines" => I::StrLines,
        "StrChars" => I::StrChars,
        "StrBytes" => I::StrBytes,
        "StrRepeat" => I::StrRepeat,
        "StrParse" => I::StrParse,
        "StrFromChars" => I::StrFromChars,
        "StrFromUtf8Lossy" => I::StrFromUtf8Lossy,
        "CharToString" => I::CharToString,
        "CharIsAlphabetic" => I::CharIsAlphabetic,
        "CharIsNumeric" => I::CharIsNumeric,
        "CharIsAlphanumeric" => I::CharIsAlphanumeric,
        "CharIsWhitespace" => I::CharIsWhitespace,
        "CharIsUppercase" => I::CharIsUppercase,
        "CharIsLowercase" => I::CharIsLowercase,
        "CharIsAsciiDigit" => I::CharIsAsciiDigit,
        "CharToUppercase" => I::CharToUppercase,
        "CharToLowercase" => I::CharToLowercase,
        "CharToDigit" => I::CharToDigit,
        "VecNew" => I::VecNew,
        "VecRepeat" => I::VecRepeat,
        "VecLen" => I::VecLen,
        "VecPush" => I::VecPush,
        "VecPop" => I::VecPop,
        "VecInsert" => I::VecInsert,
        "VecRemove" => I::VecRemove,
        "VecClear" => I::VecClear,
        "VecTruncate" => I::VecTruncate,
        "VecContains" => I::VecContains,
        "VecSort" => I::VecSort,
        "VecReverse" => I::VecReverse,
        "VecJoin" => I::VecJoin,
        "VecSwap" => I::VecSwap,
        "VecExtend" => I::VecExtend,
        "VecSlice" => I::VecSlice,
        "ArrayToVec" => I::ArrayToVec,
        "MapNew" => I::MapNew,
        "MapLen" => I::MapLen,
        "MapInsert" => I::MapInsert,
        "MapGet" => I::MapGet,
        "MapContains" => I::MapContains,
        "MapRemove" => I::MapRemove,
        "MapKeys" => I::MapKeys,
        "MapValues" => I::MapValues,
        "MapEntries" => I::MapEntries,
        "MapClear" => I::MapClear,
        "SetNew" => I::SetNew,
        "SetLen" => I::SetLen,
        "SetInsert" => I::SetInsert,
        "SetContains" => I::SetContains,
        "SetRemove" => I::SetRemove,
        "SetItems" => I::SetItems,
        "SetClear" => I::SetClear,
        "CellNew" => I::CellNew,
        "Sqrt" => I::Sqrt,
        "FAbs" => I::FAbs,
        "Floor" => I::Floor,
        "Ceil" => I::Ceil,
        "Round" => I::Round,
        "Trunc" => I::Trunc,
        "Sin" => I::Sin,
        "Cos" => I::Cos,
        "Tan" => I::Tan,
        "Atan" => I::Atan,
        "Atan2" => I::Atan2,
        "Exp" => I::Exp,
        "Ln" => I::Ln,
        "Log10" => I::Log10,
        "Log2" => I::Log2,
        "Powi" => I::Powi,
        "Powf" => I::Powf,
        "FMin" => I::FMin,
        "FMax" => I::FMax,
        "IsNan" => I::IsNan,
        "IsInfinite" => I::IsInfinite,
        "IsFinite" => I::IsFinite,
        "ToBits" => I::ToBits,
        "FromBits" => I::FromBits,
        "IntAbs" => I::IntAbs,
        "IntPow" => I::IntPow,
        "ChanNew" => I::ChanNew,
        "ChanSend" => I::ChanSend,
        "ChanRecv" => I::ChanRecv,
        "ChanTryRecv" => I::ChanTryRecv,
        "ChanClose" => I::ChanClose,
        "ChanIsClosed" => I::ChanIsClosed,
        "Select" => I::Select,
        "SelectRecvValue" => I::SelectRecvValue,
        "WaitGroupNew" => I::WaitGroupNew,
        "WaitGroupAdd" => I::WaitGroupAdd,
        "WaitGroupDone" => I::WaitGroupDone,
        "WaitGroupWait" => I::WaitGroupWait,
        "MutexNew" => I::MutexNew,
        "MutexLock" => I::MutexLock,
        "MutexUnlock" => I::MutexUnlock,
        "AtomicNew" => I::AtomicNew,
        "AtomicLoad" => I::AtomicLoad,
        "AtomicStore" => I::AtomicStore,
        "AtomicFetchAdd" => I::AtomicFetchAdd,
        "AtomicCompareExchange" => I::AtomicCompareExchange,
        "I64VecNew" => I::I64VecNew,
        "I64VecLen" => I::I64VecLen,
        "I64VecGet" => I::I64VecGet,
        "I64VecSet" => I::I64VecSet,
        "I64VecWriteBytesToStdout" => I::I64VecWriteBytesToStdout,
        "I64VecWriteLeBytesToStdout" => I::I64VecWriteLeBytesToStdout,
        "NumGoroutine" => I::NumGoroutine,
        "Gc" => I::Gc,
        "MemStats" => I::MemStats,
        _ => return None,
    })
}

/// Items declared inside function bodies (at any depth).
fn nested_items<'a>(item: &'a ast::Item, out: &mut Vec<&'a ast::Item>) {
    fn block<'a>(b: &'a ast::Block, out: &mut Vec<&'a ast::Item>) {
        for s in &b.stmts {
            if let ast::StmtKind::Item(it) = &s.kind {
                out.push(it);
                nested_items(it, out);
            }
        }
    }
    match &item.kind {
        ast::ItemKind::Fn(f) => {
            if let Some(b) = &f.body {
                block(b, out);
            }
        }
        ast::ItemKind::Impl(im) => {
            for it in &im.items {
                nested_items(it, out);
            }
        }
        _ => {}
    }
}

const MODULES: &[&str] = &["math", "os", "time", "io", "runtime", "sync", "collections", "fmt", "process"];

impl<'a> Checker<'a> {
    /// Collects and resolves every item of both files.
    pub fn collect(&mut self) {
        let mut adt_decls: Vec<(usize, &'a ast::Item)> = Vec::new();
        let mut impl_items: Vec<(Src, &'a ast::Item)> = Vec::new();
        let mut uses: Vec<&'a ast::UseDecl> = Vec::new();
        for b in [
            ("Vec", BuiltinTy::Vec),
            ("String", BuiltinTy::Str),
            ("Box", BuiltinTy::Box),
            ("HashMap", BuiltinTy::HashMap),
            ("HashSet", BuiltinTy::HashSet),
            ("WaitGroup", BuiltinTy::WaitGroup),
            ("Mutex", BuiltinTy::Mutex),
            ("AtomicI64", BuiltinTy::AtomicI64),
            ("I64Vec", BuiltinTy::I64Vec),
        ] {
            self.scopes[1].insert(b.0.to_string(), Def::Builtin(b.1));
        }
        for m in MODULES {
            self.scopes[1].insert(m.to_string(), Def::Module(m));
        }
        let files: [(Src, &'a ast::Program); 2] = [(Src::Prelude, self.prelude), (Src::User, self.program)];
        for (src, prog) in files {
            for item in &prog.items {
                self.collect_item(src, item, &mut adt_decls, &mut impl_items, &mut uses);
            }
            // Items nested in function bodies are hoisted: visible
            // everywhere, which accepts a superset of Rust's programs.
            let mut nested = Vec::new();
            for item in &prog.items {
                nested_items(item, &mut nested);
            }
            for item in nested {
                self.collect_item(src, item, &mut adt_decls, &mut impl_items, &mut uses);
            }
        }
        for u in uses {
            self.process_use(u);
        }
        // Field types, now that every type name is known.
        for (idx, item) in adt_decls {
            let src = self.adts[idx].src;
            let scope = TyScope {
                generics: self.adts[idx].generics.iter().enumerate().map(|(i, g)| (g.name.clone(), Ty::Param(i as u32))).collect(),
                self_ty: Some(Ty::Adt(idx as u32, (0..self.adts[idx].generics.len() as u32).map(Ty::Param).collect())),
                src,
                in_body: false,
            };
            let variants = match &item.kind {
                ast::ItemKind::Struct(s) => vec![self.variant_def(&s.name.name, &s.kind, &scope)],
                ast::ItemKind::Enum(e) => e.variants.iter().map(|v| self.variant_def(&v.name.name, &v.kind, &scope)).collect(),
                _ => continue,
            };
            self.adts[idx].variants = variants;
        }
        // Generic bounds of ADTs may name traits: resolved now.
        for (idx, item) in self.adt_generic_items() {
            let gens = match &item.kind {
                ast::ItemKind::Struct(s) => &s.generics,
                ast::ItemKind::Enum(e) => &e.generics,
                _ => continue,
            };
            let src = self.adts[idx].src;
            self.adts[idx].generics = self.generic_defs(src, gens);
        }
        for (src, item) in impl_items {
            if let ast::ItemKind::Impl(im) = &item.kind {
                self.collect_impl(src, im, item.span);
            }
        }
        for i in 0..self.fns.len() {
            self.resolve_sig(i);
        }
        for i in 0..self.consts.len() {
            let c = &self.consts[i];
            let scope = TyScope { src: c.src, self_ty: c.self_ty.clone(), ..Default::default() };
            let te = &c.decl.ty;
            let t = self.resolve_ty(te, &scope);
            self.consts[i].ty = t;
        }
    }

    fn adt_generic_items(&self) -> Vec<(usize, &'a ast::Item)> {
        // The same order as `collect`: each file's items, then its nested
        // items (every struct and enum gets an index, duplicates too).
        let mut out = Vec::new();
        let mut idx = 0;
        for prog in [self.prelude, self.program] {
            let mut all: Vec<&'a ast::Item> = prog.items.iter().collect();
            let mut nested = Vec::new();
            for item in &prog.items {
                nested_items(item, &mut nested);
            }
            all.extend(nested);
            for item in all {
                if matches!(item.kind, ast::ItemKind::Struct(_) | ast::ItemKind::Enum(_)) {
                    out.push((idx, item));
                    idx += 1;
                }
            }
        }
        out
    }

    fn define(&mut self, src: Src, name: &ast::Ident, def: Def) {
        let scope = &mut self.scopes[src.idx()];
        if scope.contains_key(&name.name) && !matches!(scope.get(&name.name), Some(Def::Builtin(_)) | Some(Def::Module(_))) {
            let msg = format!("the name `{}` is defined multiple times", name.name);
            self.err_in(src, name.span, msg, Vec::new());
            return;
        }
        scope.insert(name.name.clone(), def);
    }

    fn collect_item(
        &mut self,
        src: Src,
        item: &'a ast::Item,
        adt_decls: &mut Vec<(usize, &'a ast::Item)>,
        impl_items: &mut Vec<(Src, &'a ast::Item)>,
        uses: &mut Vec<&'a ast::UseDecl>,
    ) {
        match &item.kind {
            ast::ItemKind::Struct(s) => {
                let id = self.adts.len();
                let generics = s.generics.iter().map(|g| GenericDef { name: g.name.name.clone(), bounds: vec![] }).collect();
                self.adts.push(AdtDef { name: s.name.name.clone(), generics, src, is_enum: false, variants: vec![] });
                adt_decls.push((id, item));
                self.define(src, &s.name, Def::Adt(id as u32));
            }
            ast::ItemKind::Enum(e) => {
                let id = self.adts.len();
                let generics = e.generics.iter().map(|g| GenericDef { name: g.name.name.clone(), bounds: vec![] }).collect();
                self.adts.push(AdtDef { name: e.name.name.clone(), generics, src, is_enum: true, variants: vec![] });
                adt_decls.push((id, item));
                self.define(src, &e.name, Def::Adt(id as u32));
                // Option's and Result's variants are in scope unqualified.
                if src == Src::Prelude && (e.name.name == "Option" || e.name.name == "Result") {
                    for (vi, v) in e.variants.iter().enumerate() {
                        self.scopes[1].insert(v.name.name.clone(), Def::Variant(id as u32, vi as u32));
                    }
                }
            }
            ast::ItemKind::Fn(f) => {
                let idx = self.push_fn(src, f, &item.attrs, None, None);
                self.define(src, &f.name, Def::Fn(idx));
            }
            ast::ItemKind::Trait(t) => {
                let mut methods = HashMap::new();
                for m in &t.methods {
                    if let ast::ItemKind::Fn(f) = &m.kind {
                        if matches!(f.self_param, Some(ast::SelfParam { kind: ast::SelfKind::RefMut, .. })) {
                            self.mut_self_methods.insert(f.name.name.clone());
                        }
                        methods.insert(f.name.name.clone(), f);
                    }
                }
                let idx = self.traits.len();
                self.traits.push(TraitDef { name: t.name.name.clone(), methods, src });
                self.define(src, &t.name, Def::Trait(idx));
            }
            ast::ItemKind::Impl(_) => impl_items.push((src, item)),
            ast::ItemKind::Const(c) => {
                let idx = self.consts.len();
                self.consts.push(ConstDef { name: c.name.name.clone(), decl: c, src, ty: Ty::Error, state: ConstState::Unresolved, self_ty: None });
                self.define(src, &c.name, Def::Const(idx));
            }
            ast::ItemKind::Use(u) => {
                if src == Src::User {
                    uses.push(u);
                }
            }
        }
    }

    fn push_fn(&mut self, src: Src, f: &'a ast::FnDecl, attrs: &[ast::Attribute], impl_: Option<usize>, self_ty: Option<Ty>) -> usize {
        let is_intrinsic = attrs.iter().any(|a| a.name == "intrinsic");
        let intrinsic = if is_intrinsic { intrinsic_by_name(f.name.name.trim_start_matches('_')) } else { None };
        if is_intrinsic && intrinsic.is_none() {
            self.err_in(src, f.name.span, format!("unknown intrinsic `{}`", f.name.name), vec![]);
        }
        if f.body.is_none() && !is_intrinsic && impl_.is_some() {
            self.err_in(src, f.span, "associated function in `impl` without body", vec![]);
        }
        if matches!(f.self_param, Some(ast::SelfParam { kind: ast::SelfKind::RefMut, .. })) {
            self.mut_self_methods.insert(f.name.name.clone());
        }
        self.fns.push(FnDef {
            name: f.name.name.clone(),
            decl: f,
            src,
            impl_,
            generics: vec![],
            n_outer: 0,
            params: vec![],
            ret: Ty::Unit,
            intrinsic,
            track_caller: src == Src::Prelude || attrs.iter().any(|a| a.name == "track_caller"),
            self_ty,
        });
        self.fns.len() - 1
    }

    fn process_use(&mut self, u: &'a ast::UseDecl) {
        for e in &u.entries {
            let names: Vec<&str> = e.path.iter().map(|i| i.name.as_str()).collect();
            let last = match e.path.last() {
                Some(l) => l,
                None => continue,
            };
            let bind = e.alias.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| last.name.clone());
            let path_str = names.join("::");
            let unresolved = |c: &mut Self| c.err_in(Src::User, e.span, format!("unresolved import `{}`", path_str), vec![]);
            if names.first() != Some(&"std") || names.len() < 2 {
                unresolved(self);
                continue;
            }
            let module = names[1];
            if !MODULES.contains(&module) {
                unresolved(self);
                continue;
            }
            if names.len() == 2 {
                let m = MODULES.iter().find(|m| **m == module).copied().unwrap_or("std");
                self.scopes[0].insert(bind, Def::Module(m));
                continue;
            }
            let item = names[names.len() - 1];
            if item == "*" {
                let prefix = format!("{}__", module);
                let found: Vec<(String, Def)> =
                    self.scopes[1].iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(k, d)| (k[prefix.len()..].to_string(), *d)).collect();
                for (k, d) in found {
                    self.scopes[0].insert(k, d);
                }
                continue;
            }
            let qualified = format!("{}__{}", module, item);
            let def = self.scopes[1].get(&qualified).or_else(|| self.scopes[1].get(item)).copied();
            match def {
                Some(d) => {
                    self.scopes[0].insert(bind, d);
                }
                // Built into the checker rather than defined anywhere.
                None if matches!(item, "channel" | "Sender" | "Receiver") && module == "sync" => {}
                None => unresolved(self),
            }
        }
    }

    fn variant_def(&mut self, name: &str, kind: &'a ast::StructKind, scope: &TyScope) -> VariantDef {
        let (vk, fields) = match kind {
            ast::StructKind::Named(fs) => (VKind::Named, fs.iter().map(|f| (f.name.name.clone(), self.field_ty(&f.ty, scope))).collect()),
            ast::StructKind::Tuple(ts) => (VKind::Tuple, ts.iter().enumerate().map(|(i, t)| (i.to_string(), self.field_ty(t, scope))).collect()),
            ast::StructKind::Unit => (VKind::Unit, vec![]),
        };
        VariantDef { name: name.to_string(), kind: vk, fields }
    }

    fn field_ty(&mut self, te: &ast::TypeExpr, scope: &TyScope) -> Ty {
        let t = self.resolve_ty(te, scope);
        if t.any(&|x| matches!(x, Ty::Ref(..))) {
            self.err_in(scope.src, te.span, "cannot store a reference in a field", vec![]);
        }
        t
    }

    pub fn generic_defs(&mut self, src: Src, gens: &[ast::GenericParam]) -> Vec<GenericDef> {
        let mut out = Vec::new();
        for g in gens {
            let mut bounds = Vec::new();
            for b in &g.bounds {
                if let Some(t) = self.resolve_trait(src, b, false) {
                    bounds.push(t);
                }
            }
            out.push(GenericDef { name: g.name.name.clone(), bounds });
        }
        out
    }

    /// Resolves a trait path; standard traits give `None`.
    pub fn resolve_trait(&mut self, src: Src, p: &ast::Path, _required: bool) -> Option<usize> {
        let last = p.segments.last()?;
        let name = last.ident.name.as_str();
        match self.lookup_global(src, name) {
            Some(Def::Trait(t)) => Some(t),
            _ => {
                if !STD_TRAITS.contains(&name) && !matches!(name, "Fn" | "FnMut" | "FnOnce" | "Iterator") {
                    self.err_in(src, last.ident.span, format!("cannot find trait `{}` in this scope", name), vec![]);
                }
                None
            }
        }
    }

    fn collect_impl(&mut self, src: Src, im: &'a ast::ImplDecl, span: Span) {
        let generics = self.generic_defs(src, &im.generics);
        let gscope: Vec<(String, Ty)> = generics.iter().enumerate().map(|(i, g)| (g.name.clone(), Ty::Param(i as u32))).collect();
        let scope = TyScope { generics: gscope, self_ty: None, src, in_body: false };
        let self_ty = self.resolve_ty(&im.self_ty, &scope);
        let trait_ = match &im.trait_ {
            Some(p) => {
                let t = self.resolve_trait(src, p, true);
                if t.is_none() {
                    // `impl Display for P` and friends: the standard traits'
                    // behaviour is built in; their methods are still usable.
                }
                t
            }
            None => None,
        };
        let idx = self.impls.len();
        self.impls.push(ImplDef { generics, trait_, self_ty: self_ty.clone(), methods: HashMap::new(), consts: HashMap::new(), src });
        for item in &im.items {
            match &item.kind {
                ast::ItemKind::Fn(f) => {
                    let fi = self.push_fn(src, f, &item.attrs, Some(idx), Some(self_ty.clone()));
                    if self.impls[idx].methods.insert(f.name.name.clone(), fi).is_some() {
                        self.err_in(src, f.name.span, format!("duplicate definitions with name `{}`", f.name.name), vec![]);
                    }
                }
                ast::ItemKind::Const(c) => {
                    let ci = self.consts.len();
                    self.consts.push(ConstDef {
                        name: c.name.name.clone(),
                        decl: c,
                        src,
                        ty: Ty::Error,
                        state: ConstState::Unresolved,
                        self_ty: Some(self_ty.clone()),
                    });
                    self.impls[idx].consts.insert(c.name.name.clone(), ci);
                }
                _ => self.err_in(src, item.span, "only functions and constants may appear in an `impl`", vec![]),
            }
        }
        if let Some(t) = trait_ {
            let mut missing = Vec::new();
            let mut names: Vec<(String, &'a ast::FnDecl)> = self.traits[t].methods.iter().map(|(k, v)| (k.clone(), *v)).collect();
            names.sort_by(|a, b| a.0.cmp(&b.0));
            for (name, decl) in names {
                if self.impls[idx].methods.contains_key(&name) {
                    continue;
                }
                if decl.body.is_some() {
                    let tsrc = self.traits[t].src;
                    let fi = self.push_fn(tsrc, decl, &[], Some(idx), Some(self_ty.clone()));
                    self.impls[idx].methods.insert(name, fi);
                } else {
                    missing.push(format!("`{}`", name));
                }
            }
            if !missing.is_empty() {
                self.err_in(src, span, format!("not all trait items implemented, missing: {}", missing.join(", ")), vec![]);
            }
            let names: Vec<String> = self.impls[idx].methods.keys().cloned().collect();
            for name in &names {
                if !self.traits[t].methods.contains_key(name) {
                    let tn = self.traits[t].name.clone();
                    let fspan = self.fns[self.impls[idx].methods[name.as_str()]].decl.name.span;
                    let msg = format!("method `{}` is not a member of trait `{}`", name, tn);
                    self.diags_later(src, fspan, msg);
                }
            }
        }
    }

    fn diags_later(&mut self, src: Src, span: Span, msg: String) {
        self.err_in(src, span, msg, vec![]);
    }

    fn resolve_sig(&mut self, i: usize) {
        let (decl, src, impl_) = (self.fns[i].decl, self.fns[i].src, self.fns[i].impl_);
        let outer: Vec<GenericDef> = impl_.map(|x| self.impls[x].generics.clone()).unwrap_or_default();
        let own = self.generic_defs(src, &decl.generics);
        let n_outer = outer.len();
        let mut generics = outer;
        generics.extend(own);
        let scope = TyScope {
            generics: generics.iter().enumerate().map(|(i, g)| (g.name.clone(), Ty::Param(i as u32))).collect(),
            self_ty: self.fns[i].self_ty.clone(),
            src,
            in_body: false,
        };
        let mut params = Vec::new();
        if let Some(sp) = &decl.self_param {
            let st = scope.self_ty.clone().unwrap_or(Ty::Error);
            if scope.self_ty.is_none() {
                self.err_in(src, sp.span, "`self` parameter is only allowed in associated functions", vec![]);
            }
            params.push(match sp.kind {
                ast::SelfKind::Value { .. } => st,
                ast::SelfKind::Ref => Ty::Ref(false, Box::new(st)),
                ast::SelfKind::RefMut => Ty::Ref(true, Box::new(st)),
            });
        }
        for p in &decl.params {
            params.push(self.resolve_ty(&p.ty, &scope));
        }
        let ret = match &decl.ret {
            Some(t) => {
                let r = self.resolve_ty(t, &scope);
                if r.any(&|x| matches!(x, Ty::Ref(..))) {
                    self.err_in(src, t.span, "cannot return a reference", vec![]);
                }
                r
            }
            None => Ty::Unit,
        };
        let f = &mut self.fns[i];
        f.generics = generics;
        f.n_outer = n_outer;
        f.params = params;
        f.ret = ret;
    }

    /// Resolves a written type.
    pub fn resolve_ty(&mut self, te: &ast::TypeExpr, sc: &TyScope) -> Ty {
        match &te.kind {
            ast::TypeExprKind::Path(p) => self.resolve_ty_path(p, sc),
            ast::TypeExprKind::Ref { mutable, inner } => {
                let t = self.resolve_ty(inner, sc);
                // `&str` is `String`; shared references to strings are the
                // string itself.
                if t == Ty::Str && !mutable {
                    return Ty::Str;
                }
                Ty::Ref(*mutable, Box::new(t))
            }
            ast::TypeExprKind::Slice(t) => Ty::vec(self.resolve_ty(t, sc)),
            ast::TypeExprKind::Array(t, n) => {
                let et = self.resolve_ty(t, sc);
                match self.const_usize(n, sc.src) {
                    Some(n) => Ty::Array(Box::new(et), n),
                    None => Ty::Error,
                }
            }
            ast::TypeExprKind::Tuple(ts) => {
                if ts.is_empty() {
                    Ty::Unit
                } else {
                    Ty::Tuple(ts.iter().map(|t| self.resolve_ty(t, sc)).collect())
                }
            }
            ast::TypeExprKind::FnPtr { params, ret } | ast::TypeExprKind::Closure { params, ret } => {
                let ps = params.iter().map(|t| self.resolve_ty(t, sc)).collect();
                let r = match ret {
                    Some(r) => self.resolve_ty(r, sc),
                    None => Ty::Unit,
                };
                Ty::Func(ps, Box::new(r))
            }
            ast::TypeExprKind::Infer => {
                if sc.in_body {
                    self.cx.inf.var()
                } else {
                    self.err_in(sc.src, te.span, "the placeholder `_` is not allowed within types on item signatures", vec![]);
                    Ty::Error
                }
            }
            ast::TypeExprKind::Never => Ty::Never,
        }
    }

    fn ty_args(&mut self, seg: &ast::PathSegment, n: usize, sc: &TyScope, what: &str, span: Span) -> Option<Vec<Ty>> {
        let args: Vec<Ty> = seg.generics.iter().map(|t| self.resolve_ty(t, sc)).collect();
        if args.len() == n {
            return Some(args);
        }
        if args.is_empty() && sc.in_body {
            return Some((0..n).map(|_| self.cx.inf.var()).collect());
        }
        if args.is_empty() {
            self.err_in(sc.src, span, format!("missing generics for {}", what), vec![]);
        } else {
            self.err_in(
                sc.src,
                span,
                format!(
                    "{} takes {} generic argument{} but {} generic argument{} supplied",
                    what,
                    n,
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { " was" } else { "s were" }
                ),
                vec![],
            );
        }
        None
    }

    fn resolve_ty_path(&mut self, p: &ast::Path, sc: &TyScope) -> Ty {
        let seg = match p.segments.last() {
            Some(s) => s,
            None => return Ty::Error,
        };
        let name = seg.ident.name.as_str();
        let span = p.span;
        if p.segments.len() == 1 {
            if let Some(k) = IntK::from_name(name) {
                return Ty::Int(k);
            }
            match name {
                "f64" => return Ty::f64(),
                "f32" => return Ty::Float(gos_ir::FloatTy::F32),
                "bool" => return Ty::Bool,
                "char" => return Ty::Char,
                "str" => return Ty::Str,
                "Self" => {
                    return match &sc.self_ty {
                        Some(t) => t.clone(),
                        None => {
                            self.err_in(sc.src, span, "cannot find type `Self` in this scope", vec![]);
                            Ty::Error
                        }
                    }
                }
                _ => {}
            }
            if let Some((_, t)) = sc.generics.iter().rev().find(|(n, _)| n == name) {
                return t.clone();
            }
        }
        let def = self.lookup_global(sc.src, name);
        // `std::collections::HashMap` written in full needs no `use`.
        let def = match def {
            None if p.segments.len() > 1 => self.scopes[1].get(name).copied(),
            d => d,
        };
        let one = |c: &mut Self, what: &str| c.ty_args(seg, 1, sc, what, span).map(|mut v| v.remove(0));
        match def {
            Some(Def::Builtin(b)) => match b {
                BuiltinTy::Vec => one(self, "struct `Vec`").map(Ty::vec).unwrap_or(Ty::Error),
                BuiltinTy::Str => Ty::Str,
                BuiltinTy::Box => one(self, "struct `Box`").map(|t| Ty::Box(Box::new(t))).unwrap_or(Ty::Error),
                BuiltinTy::HashSet => one(self, "struct `HashSet`").map(|t| Ty::Set(Box::new(t))).unwrap_or(Ty::Error),
                BuiltinTy::HashMap => match self.ty_args(seg, 2, sc, "struct `HashMap`", span) {
                    Some(a) => Ty::Map(Box::new(a[0].clone()), Box::new(a[1].clone())),
                    None => Ty::Error,
                },
                BuiltinTy::WaitGroup => Ty::Handle(HandleK::WaitGroup),
                BuiltinTy::Mutex => Ty::Handle(HandleK::Mutex),
                BuiltinTy::AtomicI64 => Ty::Handle(HandleK::AtomicI64),
                BuiltinTy::I64Vec => Ty::Handle(HandleK::I64Vec),
            },
            Some(Def::Adt(id)) => {
                let n = self.adts[id as usize].generics.len();
                let what = format!("{} `{}`", if self.adts[id as usize].is_enum { "enum" } else { "struct" }, self.adts[id as usize].name);
                match self.ty_args(seg, n, sc, &what, span) {
                    Some(args) => Ty::Adt(id, args),
                    None => Ty::Error,
                }
            }
            _ => match name {
                "Sender" => one(self, "struct `Sender`").map(|t| Ty::Sender(Box::new(t))).unwrap_or(Ty::Error),
                "Receiver" => one(self, "struct `Receiver`").map(|t| Ty::Receiver(Box::new(t))).unwrap_or(Ty::Error),
                _ => {
                    self.err_in(sc.src, seg.ident.span, format!("cannot find type `{}` in this scope", name), vec![]);
                    Ty::Error
                }
            },
        }
    }

    /// A body-context type scope for the current instance.
    pub fn body_scope(&self) -> TyScope {
        TyScope { generics: self.cx.generics.clone(), self_ty: self.cx.self_ty.clone(), src: self.cx.src, in_body: true }
    }
}
