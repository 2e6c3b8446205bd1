//! Tests of the bytecode format, the validator, the disassembler and the
//! interpreter core on hand-assembled functions. (Whole programs built from
//! IR are tested in `gos-bcgen`, which compiles them.)

use crate::bytecode::*;
use crate::{Instance, Module, ModuleParts, Thread};
use gos_abi::{IntTy, TypeKind};
use std::sync::Arc;

fn func(name: &'static str, params: u32, frame_size: u32, code: Vec<Instr>) -> Function {
    Function {
        name,
        params,
        frame_size,
        code,
        consts: vec![],
        aux: vec![],
        lines: vec![(0, Loc { line: 3, col: 4 })],
        track_caller: false,
        loc: Loc { line: 1, col: 1 },
        param_types: vec![],
    }
}

fn module(funcs: Vec<Function>) -> Result<Module, String> {
    Module::new(ModuleParts {
        funcs,
        types: vec![TypeKind::Unit, TypeKind::Int(IntTy::I64)],
        main: 0,
        file: "t.gos".into(),
        ..ModuleParts::default()
    })
}

fn run(m: Module, f: u32, args: &[u64]) -> u64 {
    gos_runtime::init(vec![TypeKind::Unit, TypeKind::Int(IntTy::I64)], "t.gos".into(), vec![]);
    let inst = Arc::new(Instance::new(Arc::new(m)));
    let mut t = Thread::new(&inst, 1 << 12);
    t.call(f, args)
}

#[test]
fn instructions_are_eight_bytes() {
    assert_eq!(std::mem::size_of::<Instr>(), 8);
}

#[test]
fn validator_rejects_bad_operands() {
    let ret0 = Instr::Ret { src: Reg(0) };
    // A register outside the frame.
    let e = module(vec![func("f", 0, 2, vec![Instr::Move { dst: Reg(2), src: Reg(0) }, ret0])]).unwrap_err();
    assert!(e.contains("register r2 outside the frame"), "{e}");
    // A jump past the end.
    let e = module(vec![func("f", 0, 1, vec![Instr::Jump { t: Target(5) }])]).unwrap_err();
    assert!(e.contains("jump target 5 out of range"), "{e}");
    // Falling off the end.
    let e = module(vec![func("f", 0, 1, vec![Instr::LoadImm { dst: Reg(0), imm: Imm32(1) }])]).unwrap_err();
    assert!(e.contains("falls off the end"), "{e}");
    // A missing constant.
    let e = module(vec![func("f", 0, 1, vec![Instr::LoadK { dst: Reg(0), k: ConstIdx(0) }, ret0])]).unwrap_err();
    assert!(e.contains("constant 0 out of range"), "{e}");
    // Call arguments that leave the caller's frame.
    let callee = func("g", 3, 3, vec![ret0]);
    let e = module(vec![func("f", 0, 2, vec![Instr::Call { base: Reg(1), f: FuncIdx(1) }, ret0]), callee]).unwrap_err();
    assert!(e.contains("exceed the frame"), "{e}");
    // An undecodable normalisation kind.
    let e = module(vec![func("f", 0, 1, vec![Instr::Norm { dst: Reg(0), src: Reg(0), kind: Small(9) }, ret0])])
        .unwrap_err();
    assert!(e.contains("bad norm kind"), "{e}");
    // An operation whose arguments leave the frame.
    let mut f = func("f", 0, 2, vec![Instr::Op { dst: Reg(0), args: Reg(1), aux: AuxIdx(0) }, ret0]);
    f.aux.push(Aux::Concat);
    let e = module(vec![f]).unwrap_err();
    assert!(e.contains("exceed the frame"), "{e}");
    // A type id outside the table.
    let mut f = func("f", 0, 2, vec![Instr::Op { dst: Reg(0), args: Reg(0), aux: AuxIdx(0) }, ret0]);
    f.aux.push(Aux::Copy { ty: gos_abi::TypeId(7) });
    let e = module(vec![f]).unwrap_err();
    assert!(e.contains("type id t7 out of range"), "{e}");
    // And a correct function passes.
    assert!(module(vec![func("f", 1, 1, vec![ret0])]).is_ok());
}

#[test]
fn short_targets_refuse_far_jumps() {
    let mut i = Instr::BrLtS { a: Reg(0), b: Reg(1), t: ShortTarget(0) };
    assert!(i.patch_target(65535));
    assert!(!i.patch_target(65536));
    let mut j = Instr::Jump { t: Target(0) };
    assert!(j.patch_target(1 << 20));
    let mut k = Instr::AddI64 { dst: Reg(0), a: Reg(0), b: Reg(0) };
    assert!(!k.patch_target(1));
}

#[test]
fn conversion_codes_round_trip() {
    for c in 0..64u16 {
        if let Some(conv) = Conv::from_code(c) {
            assert_eq!(conv.code(), c);
        }
    }
    assert_eq!(Conv::F64ToInt(IntTy::U8).apply((-3.5f64).to_bits()), 0);
    assert_eq!(Conv::F64ToInt(IntTy::I8).apply(1e9f64.to_bits()), 127);
    assert_eq!(Conv::UIntToF64.apply(u64::MAX), (u64::MAX as f64).to_bits());
}

/// sum(n) = 0 + 1 + … + (n - 1), with a `ForLoop` back edge, and
/// main() = sum(10) + sum(5) through the call convention.
#[test]
fn loops_and_calls_run() {
    let sum = func(
        "sum",
        1,
        4,
        vec![
            Instr::LoadImm { dst: Reg(1), imm: Imm32(0) }, // s
            Instr::LoadImm { dst: Reg(2), imm: Imm32(0) }, // i
            Instr::BrLeS { a: Reg(0), b: Reg(2), t: ShortTarget(5) },
            Instr::AddI64 { dst: Reg(1), a: Reg(1), b: Reg(2) },
            Instr::ForLoop { i: Reg(2), end: Reg(0), t: ShortTarget(3) },
            Instr::Ret { src: Reg(1) },
        ],
    );
    let main = func(
        "main",
        0,
        4,
        vec![
            Instr::LoadImm { dst: Reg(1), imm: Imm32(10) },
            Instr::Call { base: Reg(1), f: FuncIdx(1) },
            Instr::LoadImm { dst: Reg(2), imm: Imm32(5) },
            Instr::Call { base: Reg(2), f: FuncIdx(1) },
            Instr::AddI64 { dst: Reg(0), a: Reg(1), b: Reg(2) },
            Instr::Ret { src: Reg(0) },
        ],
    );
    let m = module(vec![main, sum]).unwrap();
    assert_eq!(run(m, 0, &[]), 45 + 10);
}

#[test]
fn immediate_branches_and_narrow_arithmetic() {
    // f(x) = if x > -3 { sext32(x * x) } else { norm_u8(x + 1) }
    let f = func(
        "f",
        1,
        2,
        vec![
            Instr::BrGtImm { a: Reg(0), imm: Imm16(-3), t: ShortTarget(4) },
            Instr::AddImmI64 { dst: Reg(1), a: Reg(0), imm: Imm16(1) },
            Instr::Norm { dst: Reg(1), src: Reg(1), kind: Small(Norm::U8 as u16) },
            Instr::Jump { t: Target(5) },
            Instr::MulI32 { dst: Reg(1), a: Reg(0), b: Reg(0) },
            Instr::Ret { src: Reg(1) },
        ],
    );
    let m = module(vec![f]).unwrap();
    let m = Arc::new(m);
    gos_runtime::init(vec![TypeKind::Unit, TypeKind::Int(IntTy::I64)], "t.gos".into(), vec![]);
    let inst = Arc::new(Instance::new(m));
    let mut t = Thread::new(&inst, 1 << 12);
    assert_eq!(t.call(0, &[7]), 49);
    assert_eq!(t.call(0, &[100_000]), (100_000i64 * 100_000) as i32 as i64 as u64);
    assert_eq!(t.call(0, &[(-10i64) as u64]), (-9i64) as u8 as u64);
}

#[test]
fn disassembly_names_opcodes_operands_and_lines() {
    let mut f = func("main", 0, 2, vec![Instr::LoadK { dst: Reg(1), k: ConstIdx(0) }, Instr::Ret { src: Reg(1) }]);
    f.consts.push(1.5f64.to_bits());
    let text = module(vec![f]).unwrap().to_string();
    assert!(text.contains("f0 `main` (params 0, frame 2):"), "{text}");
    assert!(text.contains("LoadK       r1, k0"), "{text}");
    assert!(text.contains("; line 3:4"), "{text}");
    assert!(text.contains("k0 = 0x3ff8000000000000"), "{text}");
}

#[test]
fn line_table_lookup() {
    let mut f = func("f", 0, 1, vec![Instr::Nop {}; 10]);
    f.lines = vec![(0, Loc { line: 1, col: 1 }), (4, Loc { line: 2, col: 5 }), (8, Loc { line: 9, col: 2 })];
    assert_eq!(f.loc_at(0), Loc { line: 1, col: 1 });
    assert_eq!(f.loc_at(3), Loc { line: 1, col: 1 });
    assert_eq!(f.loc_at(4), Loc { line: 2, col: 5 });
    assert_eq!(f.loc_at(9), Loc { line: 9, col: 2 });
}

#[test]
fn modules_and_instances_are_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Module>();
    shared::<Instance>();
    // Two OS threads run the same module at once, each with its own stack.
    let sum = func(
        "sum",
        1,
        4,
        vec![
            Instr::LoadImm { dst: Reg(1), imm: Imm32(0) },
            Instr::LoadImm { dst: Reg(2), imm: Imm32(0) },
            Instr::BrLeS { a: Reg(0), b: Reg(2), t: ShortTarget(5) },
            Instr::AddI64 { dst: Reg(1), a: Reg(1), b: Reg(2) },
            Instr::ForLoop { i: Reg(2), end: Reg(0), t: ShortTarget(3) },
            Instr::Ret { src: Reg(1) },
        ],
    );
    gos_runtime::init(vec![TypeKind::Unit, TypeKind::Int(IntTy::I64)], "t.gos".into(), vec![]);
    let inst = Arc::new(Instance::new(Arc::new(module(vec![sum]).unwrap())));
    let info = gos_runtime::program();
    let handles: Vec<_> = (0..2u64)
        .map(|k| {
            let inst = inst.clone();
            std::thread::spawn(move || {
                gos_runtime::set_thread_program(info);
                Thread::new(&inst, 1 << 10).call(0, &[1000 + k])
            })
        })
        .collect();
    let results: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results, vec![999 * 1000 / 2, 1000 * 1001 / 2]);
}
