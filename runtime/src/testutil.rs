//! A hand-built type table shared by the unit tests (the runtime has one
//! program per process, so every test uses this one), and a panic site.

#![allow(dead_code)]

use crate::natives::Site;
use gos_abi::{FloatTy, IntTy, TypeId, TypeKind, Variant};

pub const SITE: Site = Site { func: "main", line: 1, col: 1 };

macro_rules! table {
    ($($name:ident = $kind:expr;)*) => {
        table!(@consts 0u32; $($name)*);
        fn build() -> Vec<TypeKind> { vec![$($kind),*] }
    };
    (@consts $n:expr; $first:ident $($rest:ident)*) => {
        pub const $first: TypeId = TypeId($n);
        table!(@consts $n + 1; $($rest)*);
    };
    (@consts $n:expr;) => {};
}

fn strukt(name: &str, fields: &[(&str, TypeId)], tuple_like: bool) -> TypeKind {
    TypeKind::Struct { name: name.into(), fields: fields.iter().map(|(n, t)| (n.to_string(), *t)).collect(), tuple_like }
}

/// A variant's name and its (field name, type) pairs.
type VariantSpec<'a> = (&'a str, &'a [(Option<&'a str>, TypeId)]);

fn enm(name: &str, variants: &[VariantSpec]) -> TypeKind {
    TypeKind::Enum {
        name: name.into(),
        variants: variants
            .iter()
            .map(|(n, fs)| Variant { name: n.to_string(), fields: fs.iter().map(|(f, t)| (f.map(|s| s.to_string()), *t)).collect() })
            .collect(),
    }
}

table! {
    T_UNIT = TypeKind::Unit;
    T_BOOL = TypeKind::Bool;
    T_CHAR = TypeKind::Char;
    T_I64 = TypeKind::Int(IntTy::I64);
    T_U8 = TypeKind::Int(IntTy::U8);
    T_I32 = TypeKind::Int(IntTy::I32);
    T_F64 = TypeKind::Float(FloatTy::F64);
    T_F32 = TypeKind::Float(FloatTy::F32);
    T_STR = TypeKind::Str;
    T_VEC_I64 = TypeKind::Vec(T_I64);
    T_VEC_F64 = TypeKind::Vec(T_F64);
    T_VEC_STR = TypeKind::Vec(T_STR);
    T_VEC_VEC_I64 = TypeKind::Vec(T_VEC_I64);
    T_POINT = strukt("P", &[("x", T_I64), ("y", T_I64)], false);
    T_LINE = strukt("Line", &[("a", T_POINT), ("v", T_VEC_I64)], false);
    T_OPT_I64 = enm("Option", &[("None", &[]), ("Some", &[(None, T_I64)])]);
    T_BOX_I64 = TypeKind::Box(T_I64);
    T_TUP_I64_STR = TypeKind::Tuple(vec![T_I64, T_STR]);
    T_MAP_STR_I64 = TypeKind::Map(T_STR, T_I64);
    T_SET_I64 = TypeKind::Set(T_I64);
    T_RES_I64_STR = enm("Result", &[("Ok", &[(None, T_I64)]), ("Err", &[(None, T_STR)])]);
    T_SHAPE = enm("Shape", &[("Circle", &[(None, T_F64)]), ("Rect", &[(Some("w"), T_F64), (Some("h"), T_F64)]), ("Empty", &[])]);
    T_PAIR = strukt("Point", &[("0", T_I64), ("1", T_I64)], true);
    T_UNIT_STRUCT = strukt("Unit", &[], false);
    T_OPT_STR = enm("Option", &[("None", &[]), ("Some", &[(None, T_STR)])]);
    T_VEC_CHAR = TypeKind::Vec(T_CHAR);
    T_VEC_U8 = TypeKind::Vec(T_U8);
    T_ARR_I64_3 = TypeKind::Array(T_I64, 3);
    T_MAP_TUP_I64 = TypeKind::Map(T_TUP_I64_STR, T_I64);
    T_OPT_F64 = enm("Option", &[("None", &[]), ("Some", &[(None, T_F64)])]);
    T_RES_F64_STR = enm("Result", &[("Ok", &[(None, T_F64)]), ("Err", &[(None, T_STR)])]);
    T_VEC_TUP = TypeKind::Vec(T_TUP_I64_STR);
    T_MAP_I64_I64 = TypeKind::Map(T_I64, T_I64);
    T_U64 = TypeKind::Int(IntTy::U64);
    T_U32 = TypeKind::Int(IntTy::U32);
    T_OPT_U32 = enm("Option", &[("None", &[]), ("Some", &[(None, T_U32)])]);
    T_VEC_POINT = TypeKind::Vec(T_POINT);
    T_I8 = TypeKind::Int(IntTy::I8);
    T_RES_I8_STR = enm("Result", &[("Ok", &[(None, T_I8)]), ("Err", &[(None, T_STR)])]);
    T_OPT_CHAR = enm("Option", &[("None", &[]), ("Some", &[(None, T_CHAR)])]);
    T_STACK = strukt("Stack<i64>", &[("items", T_VEC_I64)], false);
    T_SET_STR = TypeKind::Set(T_STR);
    T_RES_U8_STR = enm("Result", &[("Ok", &[(None, T_U8)]), ("Err", &[(None, T_STR)])]);
    T_RES_BOOL_STR = enm("Result", &[("Ok", &[(None, T_BOOL)]), ("Err", &[(None, T_STR)])]);
    T_RES_F32_STR = enm("Result", &[("Ok", &[(None, T_F32)]), ("Err", &[(None, T_STR)])]);
    T_OPT_VEC_I64 = enm("Option", &[("None", &[]), ("Some", &[(None, T_VEC_I64)])]);
    T_TUP_STR_I64 = TypeKind::Tuple(vec![T_STR, T_I64]);
    T_VEC_TUP_STR_I64 = TypeKind::Vec(T_TUP_STR_I64);
    T_OPT_POINT = enm("Option", &[("None", &[]), ("Some", &[(None, T_POINT)])]);
    T_MAP_I64_POINT = TypeKind::Map(T_I64, T_POINT);
    T_VEC_OPT_I64 = TypeKind::Vec(T_OPT_I64);
    T_I16 = TypeKind::Int(IntTy::I16);
    T_U16 = TypeKind::Int(IntTy::U16);
    T_FUNC = TypeKind::Func { params: vec![T_I64], ret: T_I64 };
    T_SENDER_I64 = TypeKind::Sender(T_I64);
    T_RECEIVER_I64 = TypeKind::Receiver(T_I64);
    T_CHAN_I64 = TypeKind::Tuple(vec![T_SENDER_I64, T_RECEIVER_I64]);
    T_RES_I64_I64 = enm("Result", &[("Ok", &[(None, T_I64)]), ("Err", &[(None, T_I64)])]);
    T_SENDER_STR = TypeKind::Sender(T_STR);
    T_RECEIVER_STR = TypeKind::Receiver(T_STR);
    T_CHAN_STR = TypeKind::Tuple(vec![T_SENDER_STR, T_RECEIVER_STR]);
}

/// Installs the test table (once per process).
pub fn setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| crate::init(build(), "test.gos".into(), vec!["a1".into(), "a2".into()]));
}
