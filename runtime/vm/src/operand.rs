//! The operand types of instructions: small newtypes that say what each
//! field of an [`crate::Instr`] means (a register, a jump target, an
//! immediate, an index into one of the function's or module's tables), and
//! the [`Operand`] view through which the validator, the disassembler and
//! the compiler's jump patching handle every instruction generically.

use serde::{Deserialize, Serialize};

/// A register of the current frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reg(pub u16);

/// An absolute instruction index in the current function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target(pub u32);

/// An absolute instruction index that fits in 16 bits (fused
/// compare-and-branch instructions use it to keep three operands in 8 bytes;
/// functions longer than 65536 instructions are compiled without them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortTarget(pub u16);

/// A signed 16-bit immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imm16(pub i16);

/// A signed 32-bit immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imm32(pub i32);

/// A small unsigned number whose meaning the opcode gives (a field index, a
/// shift amount, a [`Norm`] kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Small(pub u16);

/// An index into the function's constant pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstIdx(pub u32);

/// An index into the function's constant pool that fits in 16 bits (for
/// three-operand instructions with a constant operand).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstIdx16(pub u16);

/// An index into the module's string literals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrIdx(pub u32);

/// An index into the module's table of fieldless enum values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitEnumIdx(pub u32);

/// An index into the module's globals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalIdx(pub u32);

/// An index into the module's functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncIdx(pub u32);

/// An index into the function's auxiliary table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuxIdx(pub u16);

/// One operand, as the generic visitors see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    Reg(u16),
    Target(u32),
    Imm(i64),
    Small(u16),
    Const(u32),
    Str(u32),
    UnitEnum(u32),
    Global(u32),
    Func(u32),
    Aux(u16),
}

/// Conversion of each operand newtype into an [`Operand`], and in-place
/// retargeting for the jump operands (used when the compiler patches
/// forward jumps).
pub trait OperandField: Copy {
    fn operand(self) -> Operand;
    /// Sets a jump operand to `t`; returns false if this is not a jump
    /// operand or `t` does not fit.
    fn retarget(&mut self, _t: u32) -> bool {
        false
    }
    fn is_target(&self) -> bool {
        false
    }
}

impl OperandField for Reg {
    fn operand(self) -> Operand {
        Operand::Reg(self.0)
    }
}
impl OperandField for Target {
    fn operand(self) -> Operand {
        Operand::Target(self.0)
    }
    fn retarget(&mut self, t: u32) -> bool {
        self.0 = t;
        true
    }
    fn is_target(&self) -> bool {
        true
    }
}
impl OperandField for ShortTarget {
    fn operand(self) -> Operand {
        Operand::Target(self.0 as u32)
    }
    fn retarget(&mut self, t: u32) -> bool {
        match u16::try_from(t) {
            Ok(t) => {
                self.0 = t;
                true
            }
            Err(_) => false,
        }
    }
    fn is_target(&self) -> bool {
        true
    }
}
impl OperandField for Imm16 {
    fn operand(self) -> Operand {
        Operand::Imm(self.0 as i64)
    }
}
impl OperandField for Imm32 {
    fn operand(self) -> Operand {
        Operand::Imm(self.0 as i64)
    }
}
impl OperandField for Small {
    fn operand(self) -> Operand {
        Operand::Small(self.0)
    }
}
impl OperandField for ConstIdx {
    fn operand(self) -> Operand {
        Operand::Const(self.0)
    }
}
impl OperandField for ConstIdx16 {
    fn operand(self) -> Operand {
        Operand::Const(self.0 as u32)
    }
}
impl OperandField for StrIdx {
    fn operand(self) -> Operand {
        Operand::Str(self.0)
    }
}
impl OperandField for UnitEnumIdx {
    fn operand(self) -> Operand {
        Operand::UnitEnum(self.0)
    }
}
impl OperandField for GlobalIdx {
    fn operand(self) -> Operand {
        Operand::Global(self.0)
    }
}
impl OperandField for FuncIdx {
    fn operand(self) -> Operand {
        Operand::Func(self.0)
    }
}
impl OperandField for AuxIdx {
    fn operand(self) -> Operand {
        Operand::Aux(self.0)
    }
}
