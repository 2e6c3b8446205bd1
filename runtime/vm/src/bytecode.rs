//! The bytecode: every opcode, declared once, with its operands and effect.
//!
//! An instruction is an 8-byte value of the [`Instr`] enum: a one-byte
//! opcode (the enum tag) followed by at most three 16-bit operands, or one
//! 16-bit and one 32-bit operand. Operands are typed by small newtypes
//! ([`Reg`], [`Target`], [`ShortTarget`], [`Imm`], [`AuxIdx`], …) so that
//! one generic routine can validate (`validate.rs`), disassemble
//! (`disasm.rs`) and patch (`Instr::patch_target`) every instruction without
//! a per-opcode table kept in sync by hand: the [`opcodes!`] macro generates
//! the enum and those visitors from the single list below.
//!
//! Registers are word slots of the current frame (a window into the
//! goroutine's register stack); a register holds a normalised scalar, `f64`
//! bits, or a heap pointer, as the IR's value model says. Opcodes are typed:
//! the compiler, which knows every type, picks `AddI64` or `AddF64`, so the
//! interpreter never inspects a value to decide what to do.
//!
//! Rejected alternatives: a byte stream with variable-length operands
//! (decoding costs more than it saves in cache), tagged values (a type test
//! per operation; the types are static anyway), and a stack machine (about
//! twice the instructions of a register machine for the same code, and every
//! instruction touches memory for its operands anyway).
//!
//! Big immediates live in the function's constant pool ([`Instr::LoadK`]);
//! operations that need more than three operands or rarely run (allocation,
//! generic value operations, intrinsics, formatting) take an index into the
//! function's auxiliary table ([`Aux`]), which holds their types and counts.


pub use crate::function::{Aux, CmpKind, FmtPart, Function, Loc};
pub use crate::operand::*;

/// Declares [`Instr`] and its generic visitors from one list. Each entry is
/// `Name { operand: Type, … }` with doc comments giving its effect; `r[x]`
/// in the docs means "register `x` of the current frame".
macro_rules! opcodes {
    ($( $(#[doc = $doc:literal])* $name:ident { $($field:ident : $fty:ident),* } )*) => {
        /// One instruction. See the module docs for the encoding.
        #[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum Instr {
            $( $(#[doc = $doc])* $name { $($field: $fty),* }, )*
        }

        impl Instr {
            /// The opcode's name, as the disassembler prints it.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Instr::$name { .. } => stringify!($name), )*
                }
            }

            /// Calls `f` with each operand's name and value, in declaration order.
            pub fn for_each_operand(&self, f: &mut dyn FnMut(&'static str, Operand)) {
                match *self {
                    $( Instr::$name { $($field),* } => { $( f(stringify!($field), OperandField::operand($field)); )* } )*
                }
            }

            /// Points the instruction's jump operand at `t`. Returns false if
            /// it has none or `t` does not fit the operand.
            pub fn patch_target(&mut self, t: u32) -> bool {
                match self {
                    $( Instr::$name { $($field),* } => {
                        #[allow(unused_mut)]
                        let mut done = false;
                        $( if !done && OperandField::is_target($field) { done = OperandField::retarget($field, t); } )*
                        done
                    } )*
                }
            }
        }
    };
}

opcodes! {
    // ---- moves and constants ----
    /// No effect.
    Nop {}
    /// `r[dst] = r[src]`
    Move { dst: Reg, src: Reg }
    /// `r[dst] = imm` (sign-extended)
    LoadImm { dst: Reg, imm: Imm32 }
    /// `r[dst] = consts[k]`, a 64-bit word of the function's constant pool.
    LoadK { dst: Reg, k: ConstIdx }
    /// `r[dst] =` the string object of the module's literal `s`.
    LoadStr { dst: Reg, s: StrIdx }
    /// `r[dst] =` the shared object of the module's fieldless enum value
    /// `e` (`None`, `Empty`): enums are immutable, so one object per value
    /// serves every use and building one costs no allocation.
    LoadUnitEnum { dst: Reg, e: UnitEnumIdx }
    /// `r[dst] = globals[g]`
    LoadGlobal { dst: Reg, g: GlobalIdx }
    /// `globals[g] = r[src]`
    StoreGlobal { src: Reg, g: GlobalIdx }

    // ---- 64-bit integer arithmetic (also the wrap-free part of narrower types) ----
    /// `r[dst] = r[a] + r[b]` (wrapping)
    AddI64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] - r[b]` (wrapping)
    SubI64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] * r[b]` (wrapping)
    MulI64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] + imm` (wrapping)
    AddImmI64 { dst: Reg, a: Reg, imm: Imm16 }
    /// `r[dst] = r[a] + consts[k]` (wrapping): constants beyond 16 bits.
    AddI64K { dst: Reg, a: Reg, k: ConstIdx16 }
    /// `r[dst] = r[a] * consts[k]` (wrapping)
    MulI64K { dst: Reg, a: Reg, k: ConstIdx16 }
    /// Signed `r[dst] = r[a] / consts[k]`, as `DivS`.
    DivSK { dst: Reg, a: Reg, k: ConstIdx16 }
    /// Signed `r[dst] = r[a] % consts[k]`, as `RemS`.
    RemSK { dst: Reg, a: Reg, k: ConstIdx16 }
    /// Signed `r[dst] = r[a] / r[b]`; zero divisor panics; `MIN / -1 = MIN`.
    /// Also correct for sign-extended narrower types once normalised.
    DivS { dst: Reg, a: Reg, b: Reg }
    /// Signed remainder; zero divisor panics; `MIN % -1 = 0`.
    RemS { dst: Reg, a: Reg, b: Reg }
    /// Unsigned division of zero-extended words; zero divisor panics.
    DivU { dst: Reg, a: Reg, b: Reg }
    /// Unsigned remainder; zero divisor panics.
    RemU { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] & r[b]`
    And { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] | r[b]`
    Or { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] ^ r[b]`
    Xor { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] & imm` (imm sign-extended)
    AndImm { dst: Reg, a: Reg, imm: Imm16 }
    /// `r[dst] = r[a] << (r[b] & 63)`
    Shl64 { dst: Reg, a: Reg, b: Reg }
    /// Arithmetic `r[dst] = r[a] >> (r[b] & 63)`
    ShrS64 { dst: Reg, a: Reg, b: Reg }
    /// Logical `r[dst] = r[a] >> (r[b] & 63)`
    ShrU64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] << n` (the compiler reduced `n` modulo the width)
    ShlImm { dst: Reg, a: Reg, n: Small }
    /// Arithmetic `r[dst] = r[a] >> n`
    ShrSImm { dst: Reg, a: Reg, n: Small }
    /// Logical `r[dst] = r[a] >> n`
    ShrUImm { dst: Reg, a: Reg, n: Small }
    /// `r[dst] = -r[a]` (wrapping)
    NegI64 { dst: Reg, a: Reg }
    /// `r[dst] = !r[a]` (bitwise)
    NotI64 { dst: Reg, a: Reg }
    /// `r[dst] = r[a] ^ 1` (logical not of a bool)
    NotBool { dst: Reg, a: Reg }
    /// `r[dst] = normalise(r[src])` to the integer type `kind` ([`Norm`]):
    /// sign- or zero-extension of its low bits. Follows every wrapping
    /// operation on a type narrower than 64 bits.
    Norm { dst: Reg, src: Reg, kind: Small }

    // ---- 32-bit signed arithmetic, fused with its normalisation ----
    /// `r[dst] = sext32(r[a] + r[b])`
    AddI32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = sext32(r[a] - r[b])`
    SubI32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = sext32(r[a] * r[b])`
    MulI32 { dst: Reg, a: Reg, b: Reg }

    // ---- integer comparisons (bool results) ----
    /// `r[dst] = r[a] == r[b]` (any scalar of one word: ints, bools, chars)
    Eq { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] != r[b]`
    Ne { dst: Reg, a: Reg, b: Reg }
    /// Signed `r[dst] = r[a] < r[b]`
    LtS { dst: Reg, a: Reg, b: Reg }
    /// Signed `r[dst] = r[a] <= r[b]`
    LeS { dst: Reg, a: Reg, b: Reg }
    /// Unsigned `r[dst] = r[a] < r[b]`
    LtU { dst: Reg, a: Reg, b: Reg }
    /// Unsigned `r[dst] = r[a] <= r[b]`
    LeU { dst: Reg, a: Reg, b: Reg }

    // ---- floats (f64 bits; f32 bits in the low half) ----
    /// `r[dst] = r[a] + r[b]` (f64)
    AddF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] - r[b]` (f64)
    SubF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] * r[b]` (f64)
    MulF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] / r[b]` (f64)
    DivF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] % r[b]` (f64, Rust's `%`)
    RemF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = -r[a]` (f64)
    NegF64 { dst: Reg, a: Reg }
    /// `r[dst] = r[a] + consts[k]` (f64): a constant operand without a load.
    AddF64K { dst: Reg, a: Reg, k: ConstIdx16 }
    /// `r[dst] = r[a] - consts[k]` (f64)
    SubF64K { dst: Reg, a: Reg, k: ConstIdx16 }
    /// `r[dst] = r[a] * consts[k]` (f64)
    MulF64K { dst: Reg, a: Reg, k: ConstIdx16 }
    /// `r[dst] = r[a] / consts[k]` (f64)
    DivF64K { dst: Reg, a: Reg, k: ConstIdx16 }
    /// `r[dst] = r[a] == r[b]` (f64, IEEE)
    EqF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] != r[b]` (f64, IEEE)
    NeF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] < r[b]` (f64)
    LtF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] <= r[b]` (f64)
    LeF64 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] + r[b]` (f32)
    AddF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] - r[b]` (f32)
    SubF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] * r[b]` (f32)
    MulF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] / r[b]` (f32)
    DivF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] % r[b]` (f32)
    RemF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = -r[a]` (f32)
    NegF32 { dst: Reg, a: Reg }
    /// `r[dst] = r[a] == r[b]` (f32)
    EqF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] != r[b]` (f32)
    NeF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] < r[b]` (f32)
    LtF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[a] <= r[b]` (f32)
    LeF32 { dst: Reg, a: Reg, b: Reg }
    /// `r[dst] = r[src] as f64` for a signed (sign-extended) integer.
    I64ToF64 { dst: Reg, src: Reg }
    /// `r[dst] = r[src] as i64` for an f64 (saturating, NaN → 0).
    F64ToI64 { dst: Reg, src: Reg }
    /// `r[dst] = convert(r[src])` by the [`Conv`] `conv` (every other `as`).
    Convert { dst: Reg, src: Reg, conv: Small }

    // ---- control flow ----
    /// `goto t`
    Jump { t: Target }
    /// `if r[c] != 0 { goto t }`
    JumpIf { c: Reg, t: Target }
    /// `if r[c] == 0 { goto t }`
    JumpIfNot { c: Reg, t: Target }
    /// `if r[a] == r[b] { goto t }`
    BrEq { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] != r[b] { goto t }`
    BrNe { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] < r[b] { goto t }` (signed)
    BrLtS { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] <= r[b] { goto t }` (signed)
    BrLeS { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] < r[b] { goto t }` (unsigned)
    BrLtU { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] <= r[b] { goto t }` (unsigned)
    BrLeU { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] == imm { goto t }`
    BrEqImm { a: Reg, imm: Imm16, t: ShortTarget }
    /// `if r[a] != imm { goto t }`
    BrNeImm { a: Reg, imm: Imm16, t: ShortTarget }
    /// `if r[a] < imm { goto t }` (signed)
    BrLtImm { a: Reg, imm: Imm16, t: ShortTarget }
    /// `if r[a] <= imm { goto t }` (signed)
    BrLeImm { a: Reg, imm: Imm16, t: ShortTarget }
    /// `if r[a] > imm { goto t }` (signed)
    BrGtImm { a: Reg, imm: Imm16, t: ShortTarget }
    /// `if r[a] >= imm { goto t }` (signed)
    BrGeImm { a: Reg, imm: Imm16, t: ShortTarget }
    /// `if r[a] < r[b] { goto t }` (f64)
    BrLtF64 { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] <= r[b] { goto t }` (f64)
    BrLeF64 { a: Reg, b: Reg, t: ShortTarget }
    /// `if !(r[a] < r[b]) { goto t }` (f64; true for NaN operands)
    BrNLtF64 { a: Reg, b: Reg, t: ShortTarget }
    /// `if !(r[a] <= r[b]) { goto t }` (f64; true for NaN operands)
    BrNLeF64 { a: Reg, b: Reg, t: ShortTarget }
    /// `if r[a] < consts[k] { goto t }` (f64)
    BrLtF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if r[a] <= consts[k] { goto t }` (f64)
    BrLeF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if r[a] > consts[k] { goto t }` (f64)
    BrGtF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if r[a] >= consts[k] { goto t }` (f64)
    BrGeF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if !(r[a] < consts[k]) { goto t }` (f64; true for NaN)
    BrNLtF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if !(r[a] <= consts[k]) { goto t }` (f64; true for NaN)
    BrNLeF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if !(r[a] > consts[k]) { goto t }` (f64; true for NaN)
    BrNGtF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `if !(r[a] >= consts[k]) { goto t }` (f64; true for NaN)
    BrNGeF64K { a: Reg, k: ConstIdx16, t: ShortTarget }
    /// `r[i] += 1; if r[i] < r[end] { goto t }` (signed): the back edge of
    /// `for i in a..b`.
    ForLoop { i: Reg, end: Reg, t: ShortTarget }

    // ---- calls ----
    /// Calls function `f` with a frame starting at `r[base]`: the arguments
    /// are `r[base..base + params]`, the result lands in `r[base]`.
    Call { base: Reg, f: FuncIdx }
    /// Calls the closure object in `r[base]` (its word 0 is the function
    /// index; the object is the hidden first argument), arguments after it:
    /// `n` words in all, the closure included (the interpreter takes the
    /// arity from the callee; compiled code needs it at the call site).
    CallClosure { base: Reg, n: Small }
    /// Returns `r[src]` to the caller.
    Ret { src: Reg }
    /// Starts a goroutine running the closure in `r[callee]` (a closure of
    /// no parameters besides itself; see `go.rs`).
    Go { callee: Reg }
    /// Reached only if the compiler's typing was wrong (the end of a
    /// function whose body never returns): a fatal error.
    Unreachable {}

    // ---- heap objects ----
    /// `r[dst] =` word `idx` after the header of object `r[obj]` (aggregate
    /// field, enum tag (0) and fields (1..), cell or box contents (0),
    /// closure captures (1..)).
    GetField { dst: Reg, obj: Reg, idx: Small }
    /// Word `idx` of object `r[obj]` `= r[src]`.
    SetField { obj: Reg, idx: Small, src: Reg }
    /// `r[dst] = r[arr][r[i]]` for a fixed array; out of range panics.
    ArrGet { dst: Reg, arr: Reg, i: Reg }
    /// `r[arr][r[i]] = r[src]` for a fixed array; out of range panics.
    ArrSet { arr: Reg, i: Reg, src: Reg }
    /// `r[dst] = r[v][r[i]]` for a vector; out of range panics.
    VecGet { dst: Reg, v: Reg, i: Reg }
    /// `r[v][r[i]] = r[src]` for a vector; out of range panics.
    VecSet { v: Reg, i: Reg, src: Reg }
    /// `r[dst] = len(r[v])` for a vector.
    VecLen { dst: Reg, v: Reg }
    /// `r[dst] =` the length in bytes of the string `r[s]`.
    StrLen { dst: Reg, s: Reg }
    /// `r[dst] =` byte `r[i]` of the string `r[s]`; out of range panics.
    StrByte { dst: Reg, s: Reg, i: Reg }
    /// Pushes `r[args + 1]` onto the vector `r[args]` (inline when it has
    /// room; otherwise the intrinsic call `aux` grows it).
    VecPush { args: Reg, aux: AuxIdx }
    /// `r[dst] = ` the operation `aux` ([`Aux`]) applied to
    /// `r[args..args + n]` (its arity is in the aux entry): allocation,
    /// value operations through the runtime, intrinsics, formatting.
    Op { dst: Reg, args: Reg, aux: AuxIdx }
}

const _: () = assert!(std::mem::size_of::<Instr>() == 8, "instructions must stay 8 bytes");

/// The integer types a [`Instr::Norm`] normalises to, by `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum Norm {
    I8 = 0,
    I16 = 1,
    I32 = 2,
    U8 = 3,
    U16 = 4,
    U32 = 5,
}

impl Norm {
    pub const ALL: [Norm; 6] = [Norm::I8, Norm::I16, Norm::I32, Norm::U8, Norm::U16, Norm::U32];

    pub fn from_u16(k: u16) -> Option<Norm> {
        Norm::ALL.get(k as usize).copied()
    }

    #[inline(always)]
    pub fn apply(self, v: u64) -> u64 {
        match self {
            Norm::I8 => v as i8 as i64 as u64,
            Norm::I16 => v as i16 as i64 as u64,
            Norm::I32 => v as i32 as i64 as u64,
            Norm::U8 => v as u8 as u64,
            Norm::U16 => v as u16 as u64,
            Norm::U32 => v as u32 as u64,
        }
    }
}

/// A numeric conversion of [`Instr::Convert`]: the source class and the
/// target type. Integer sources are normalised words, so one class per
/// signedness suffices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// Signed integer → integer type `to` (normalise).
    IntToInt(gos_abi::IntTy),
    /// Signed integer → f64.
    SIntToF64,
    /// Unsigned integer → f64.
    UIntToF64,
    /// Signed integer → f32.
    SIntToF32,
    /// Unsigned integer → f32.
    UIntToF32,
    /// f64 → integer type (saturating, NaN → 0).
    F64ToInt(gos_abi::IntTy),
    /// f32 → integer type (saturating, NaN → 0).
    F32ToInt(gos_abi::IntTy),
    F64ToF32,
    F32ToF64,
}

const INT_TYS: [gos_abi::IntTy; 8] = {
    use gos_abi::IntTy::*;
    [I8, I16, I32, I64, U8, U16, U32, U64]
};

impl Conv {
    /// The compact code stored in the instruction.
    pub fn code(self) -> u16 {
        let ity = |t: gos_abi::IntTy| INT_TYS.iter().position(|&x| x == t).unwrap_or(0) as u16;
        match self {
            Conv::IntToInt(t) => ity(t),
            Conv::SIntToF64 => 8,
            Conv::UIntToF64 => 9,
            Conv::SIntToF32 => 10,
            Conv::UIntToF32 => 11,
            Conv::F64ToInt(t) => 16 + ity(t),
            Conv::F32ToInt(t) => 24 + ity(t),
            Conv::F64ToF32 => 32,
            Conv::F32ToF64 => 33,
        }
    }

    pub fn from_code(c: u16) -> Option<Conv> {
        Some(match c {
            0..=7 => Conv::IntToInt(INT_TYS[c as usize]),
            8 => Conv::SIntToF64,
            9 => Conv::UIntToF64,
            10 => Conv::SIntToF32,
            11 => Conv::UIntToF32,
            16..=23 => Conv::F64ToInt(INT_TYS[c as usize - 16]),
            24..=31 => Conv::F32ToInt(INT_TYS[c as usize - 24]),
            32 => Conv::F64ToF32,
            33 => Conv::F32ToF64,
            _ => return None,
        })
    }

    /// Applies the conversion to a word.
    pub fn apply(self, v: u64) -> u64 {
        use gos_abi::IntTy::*;
        fn from_float(x: f64, t: gos_abi::IntTy) -> u64 {
            // Rust's `as` saturates and maps NaN to 0, for each target width.
            match t {
                I8 => x as i8 as i64 as u64,
                I16 => x as i16 as i64 as u64,
                I32 => x as i32 as i64 as u64,
                I64 => x as i64 as u64,
                U8 => x as u8 as u64,
                U16 => x as u16 as u64,
                U32 => x as u32 as u64,
                U64 => x as u64,
            }
        }
        fn from_f32(x: f32, t: gos_abi::IntTy) -> u64 {
            match t {
                I8 => x as i8 as i64 as u64,
                I16 => x as i16 as i64 as u64,
                I32 => x as i32 as i64 as u64,
                I64 => x as i64 as u64,
                U8 => x as u8 as u64,
                U16 => x as u16 as u64,
                U32 => x as u32 as u64,
                U64 => x as u64,
            }
        }
        let f32bits = |x: f32| x.to_bits() as u64;
        match self {
            Conv::IntToInt(t) => t.normalize(v),
            Conv::SIntToF64 => (v as i64 as f64).to_bits(),
            Conv::UIntToF64 => (v as f64).to_bits(),
            Conv::SIntToF32 => f32bits(v as i64 as f32),
            Conv::UIntToF32 => f32bits(v as f32),
            Conv::F64ToInt(t) => from_float(f64::from_bits(v), t),
            Conv::F32ToInt(t) => from_f32(f32::from_bits(v as u32), t),
            Conv::F64ToF32 => f32bits(f64::from_bits(v) as f32),
            Conv::F32ToF64 => (f32::from_bits(v as u32) as f64).to_bits(),
        }
    }
}
