//! Math natives: one implementation of each function for every tier and
//! the constant folder, so results are bit-equal everywhere. `f32`
//! arguments (by the argument's type) compute in `f32`, as Rust's `f32`
//! methods do; integer `abs` and `pow` wrap and are re-normalised to their
//! type's width.

use crate::value::float_of;
use gos_abi::{FloatTy, Intrinsic, TypeId, TypeKind};

/// The float type of `ty` (f64 for anything else, which the checker never
/// passes).
fn float_ty(ty: TypeId) -> FloatTy {
    match crate::kind(ty) {
        TypeKind::Float(f) => *f,
        _ => FloatTy::F64,
    }
}

/// Applies `f64` / `f32` versions of a unary function to word `w`.
fn unary(w: u64, f: FloatTy, op64: fn(f64) -> f64, op32: fn(f32) -> f32) -> u64 {
    match f {
        FloatTy::F64 => op64(f64::from_bits(w)).to_bits(),
        FloatTy::F32 => op32(f32::from_bits(w as u32)).to_bits() as u64,
    }
}

/// Applies `f64` / `f32` versions of a binary function to words `a`, `b`.
fn binary(a: u64, b: u64, f: FloatTy, op64: fn(f64, f64) -> f64, op32: fn(f32, f32) -> f32) -> u64 {
    match f {
        FloatTy::F64 => op64(f64::from_bits(a), f64::from_bits(b)).to_bits(),
        FloatTy::F32 => op32(f32::from_bits(a as u32), f32::from_bits(b as u32)).to_bits() as u64,
    }
}

pub(super) fn call(op: Intrinsic, args: &[u64], arg_tys: &[TypeId], ret: TypeId) -> u64 {
    use Intrinsic as I;
    let f = float_ty(arg_tys[0]);
    let x = args[0];
    match op {
        I::Sqrt => unary(x, f, f64::sqrt, f32::sqrt),
        I::FAbs => unary(x, f, f64::abs, f32::abs),
        I::Floor => unary(x, f, f64::floor, f32::floor),
        I::Ceil => unary(x, f, f64::ceil, f32::ceil),
        I::Round => unary(x, f, f64::round, f32::round),
        I::Trunc => unary(x, f, f64::trunc, f32::trunc),
        I::Sin => unary(x, f, f64::sin, f32::sin),
        I::Cos => unary(x, f, f64::cos, f32::cos),
        I::Tan => unary(x, f, f64::tan, f32::tan),
        I::Atan => unary(x, f, f64::atan, f32::atan),
        I::Exp => unary(x, f, f64::exp, f32::exp),
        I::Ln => unary(x, f, f64::ln, f32::ln),
        I::Log10 => unary(x, f, f64::log10, f32::log10),
        I::Log2 => unary(x, f, f64::log2, f32::log2),
        I::Atan2 => binary(x, args[1], f, f64::atan2, f32::atan2),
        I::Powf => binary(x, args[1], f, f64::powf, f32::powf),
        I::FMin => binary(x, args[1], f, f64::min, f32::min),
        I::FMax => binary(x, args[1], f, f64::max, f32::max),
        I::Powi => {
            let n = args[1] as i32;
            match f {
                FloatTy::F64 => f64::from_bits(x).powi(n).to_bits(),
                FloatTy::F32 => f32::from_bits(x as u32).powi(n).to_bits() as u64,
            }
        }
        I::IsNan => float_of(x, f).is_nan() as u64,
        I::IsInfinite => float_of(x, f).is_infinite() as u64,
        I::IsFinite => float_of(x, f).is_finite() as u64,
        I::ToBits => match f {
            FloatTy::F64 => x,
            FloatTy::F32 => x as u32 as u64,
        },
        I::FromBits => match float_ty(ret) {
            FloatTy::F64 => x,
            FloatTy::F32 => x as u32 as u64,
        },
        I::IntAbs => match crate::kind(arg_tys[0]) {
            TypeKind::Int(it) if it.signed() => it.normalize((x as i64).wrapping_abs() as u64),
            _ => x,
        },
        I::IntPow => {
            let e = args[1] as u32;
            match crate::kind(arg_tys[0]) {
                TypeKind::Int(it) if it.signed() => it.normalize((x as i64).wrapping_pow(e) as u64),
                TypeKind::Int(it) => it.normalize(x.wrapping_pow(e)),
                _ => x,
            }
        }
        _ => unreachable!("math::call({op:?})"),
    }
}
