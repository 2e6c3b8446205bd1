//! The disassembler: `impl Display for Module`, what `gossamer run
//! --dump-bytecode` prints. One line per instruction with its operands
//! named as the opcode table names them, the source line where it changes,
//! then each function's constants and auxiliary entries. Meant for people
//! debugging the compiler, so it favours completeness over brevity.

use crate::bytecode::{Aux, Conv, Function, Instr, Norm, Operand};
use crate::module::Module;
use std::fmt;

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "; module `{}`: {} functions, {} globals", self.file, self.funcs.len(), self.globals)?;
        writeln!(f, "; main = f{}{}", self.main, self.init.map(|i| format!(", init = f{i}")).unwrap_or_default())?;
        for (i, s) in self.strings.iter().enumerate() {
            writeln!(f, "; s{i} = {s:?}")?;
        }
        for (i, (ty, tag)) in self.unit_enums.iter().enumerate() {
            writeln!(f, "; e{i} = variant {tag} of {ty}")?;
        }
        for (i, func) in self.funcs.iter().enumerate() {
            writeln!(f)?;
            write_function(f, i, func)?;
        }
        Ok(())
    }
}

fn write_function(f: &mut fmt::Formatter<'_>, index: usize, func: &Function) -> fmt::Result {
    writeln!(
        f,
        "f{index} `{}` (params {}, frame {}{}):",
        func.name,
        func.params,
        func.frame_size,
        if func.track_caller { ", track_caller" } else { "" }
    )?;
    let mut line = 0;
    for (pc, ins) in func.code.iter().enumerate() {
        let loc = func.loc_at(pc);
        let mut text = format!("  {pc:5}  {:<11}", ins.name());
        let mut first = true;
        ins.for_each_operand(&mut |name, op| {
            let sep = if first { " " } else { ", " };
            first = false;
            text.push_str(sep);
            text.push_str(&operand_text(ins, name, op));
        });
        if loc.line != line {
            line = loc.line;
            writeln!(f, "{text:<48} ; line {}:{}", loc.line, loc.col)?;
        } else {
            writeln!(f, "{text}")?;
        }
    }
    for (i, k) in func.consts.iter().enumerate() {
        writeln!(f, "  k{i} = {k:#x} ({} / {})", *k as i64, f64::from_bits(*k))?;
    }
    for (i, a) in func.aux.iter().enumerate() {
        writeln!(f, "  a{i} = {}", aux_text(a))?;
    }
    Ok(())
}

fn operand_text(ins: &Instr, name: &str, op: Operand) -> String {
    match op {
        Operand::Reg(r) => format!("r{r}"),
        Operand::Target(t) => format!("@{t}"),
        Operand::Imm(i) => format!("#{i}"),
        Operand::Small(s) => match ins {
            Instr::Norm { .. } => format!("{:?}", Norm::from_u16(s).map(|n| format!("{n:?}")).unwrap_or("?".into())),
            Instr::Convert { .. } => Conv::from_code(s).map(|c| format!("{c:?}")).unwrap_or("?".into()),
            _ => format!("{name}={s}"),
        },
        Operand::Const(k) => format!("k{k}"),
        Operand::Str(s) => format!("s{s}"),
        Operand::UnitEnum(e) => format!("e{e}"),
        Operand::Global(g) => format!("g{g}"),
        Operand::Func(i) => format!("f{i}"),
        Operand::Aux(a) => format!("a{a}"),
    }
}

fn aux_text(a: &Aux) -> String {
    match a {
        Aux::Intrinsic { op, arg_tys, ret, loc } => {
            let tys: Vec<String> = arg_tys.iter().map(|t| t.to_string()).collect();
            format!("intrinsic {op:?}({}) -> {ret} at {}:{}", tys.join(", "), loc.line, loc.col)
        }
        Aux::Format { parts, n } => format!("format of {n} args: {parts:?}"),
        other => format!("{other:?}"),
    }
}
