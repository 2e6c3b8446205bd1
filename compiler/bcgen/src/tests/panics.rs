//! Failures end the process, so each case runs in a child process: the
//! parent re-runs this test binary on the ignored test `panic_child`, with
//! the case's name in `GOS_VM_TEST_CASE`, and checks the child's stderr and
//! exit status.

use super::build::*;
use gos_ir::*;
use std::sync::Arc;

fn case(name: &str) -> Program {
    let mut tys = Tys::new();
    let (i64t, unit, never, st) = (tys.i64, tys.unit, tys.never, tys.str);
    match name {
        "divide" => {
            let f = Fb::new("divide", &[i64t, i64t], i64t);
            at(7, 9);
            let body = bin(BinOp::Div, f.read(LocalId(0)), f.read(LocalId(1)), i64t);
            at(1, 1);
            let m = Fb::new("main", &[], unit);
            at(3, 5);
            let mb = block(vec![call(0, vec![int(1, i64t), int(0, i64t)], i64t)], None, unit);
            program(&tys, vec![f.finish(body), m.finish(mb)], 1)
        }
        "index" => {
            let vt = tys.t(TypeKind::Vec(i64t));
            let mut m = Fb::new("main", &[], i64t);
            let v = m.local(vt);
            let init = write(v, intrinsic(Intrinsic::VecNew, vec![int(0, i64t)], vt), unit);
            let pushes: Vec<Expr> = (0..3).map(|i| intrinsic(Intrinsic::VecPush, vec![m.read(v), int(i, i64t)], unit)).collect();
            at(4, 12);
            let get = read_place(Place::VecElem { vec: Box::new(m.read(v)), index: Box::new(int(5, i64t)) }, i64t);
            let mut stmts = vec![init];
            stmts.extend(pushes);
            program(&tys, vec![m.finish(block(stmts, Some(get), i64t))], 0)
        }
        "track_caller" => {
            let mut helper = Fb::new("helper", &[], never);
            helper.track_caller = true;
            at(20, 3);
            let hb = intrinsic(Intrinsic::Panic, vec![strc("boom", st)], never);
            let m = Fb::new("main", &[], unit);
            at(12, 5);
            let mb = block(vec![call(0, vec![], never)], None, unit);
            program(&tys, vec![helper.finish(hb), m.finish(mb)], 1)
        }
        "overflow" => {
            let f = Fb::new("forever", &[i64t], i64t);
            let fb = bin(BinOp::Add, call(0, vec![bin(BinOp::Add, f.read(LocalId(0)), int(1, i64t), i64t)], i64t), int(1, i64t), i64t);
            let m = Fb::new("main", &[], unit);
            let mb = block(vec![call(0, vec![int(0, i64t)], i64t)], None, unit);
            program(&tys, vec![f.finish(fb), m.finish(mb)], 1)
        }
        "main_err" => {
            let res = tys.result(unit, st);
            let m = Fb::new("main", &[], res);
            let mb = ex(ExprKind::EnumNew { variant: 1, fields: vec![strc("bad \"input\"", st)] }, res);
            let mut p = program(&tys, vec![m.finish(mb)], 0);
            p.main_returns_result = true;
            p
        }
        // A goroutine that panics while `main` spins in `loop {}`: under
        // one proc the goroutine only runs if `main` is preempted at its
        // loop's back-edge.
        "go_panic" | "go_then_return" => {
            let ft = tys.t(TypeKind::Func { params: vec![], ret: unit });
            let mut body = Fb::new("body", &[], never);
            body.env = Some(vec![]);
            at(9, 7);
            let bb = intrinsic(Intrinsic::Panic, vec![strc("boom", st)], never);
            let m = Fb::new("main", &[], unit);
            at(4, 5);
            let go = ex(ExprKind::Go(Box::new(ex(ExprKind::MakeClosure { func: FuncId(0), captures: vec![] }, ft))), unit);
            let spin = ex(ExprKind::Loop { id: LoopId(0), cond: None, body: Box::new(block(vec![], None, unit)), step: None }, never);
            // `go_then_return`: `main` returns at once, ending the program
            // before (or while) the goroutine panics... unless it won the
            // race; either way the status is 0 or 2, never a hang.
            let mb = if name == "go_panic" { block(vec![go, spin], None, unit) } else { block(vec![go], None, unit) };
            program(&tys, vec![body.finish(bb), m.finish(mb)], 1)
        }
        other => panic!("no case {other}"),
    }
}


#[test]
#[ignore = "run by the panic tests in a child process"]
fn panic_child() {
    let Ok(name) = std::env::var("GOS_VM_TEST_CASE") else { return };
    let p = case(&name);
    let m = crate::compile(&p).expect("compiles");
    let code = gos_vm::run(Arc::new(m), p.types.clone(), p.file.clone(), vec![]);
    std::process::exit(code);
}

/// Runs case `name` in a child; returns (exit status, stderr).
fn child(name: &str) -> (i32, String) {
    child_env(name, &[])
}

/// [`child`] with extra environment variables.
fn child_env(name: &str, env: &[(&str, &str)]) -> (i32, String) {
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args(["tests::panics::panic_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("GOS_VM_TEST_CASE", name)
        .envs(env.iter().copied())
        .output()
        .expect("run child");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn divide_by_zero_reports_its_line() {
    let (code, err) = child("divide");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("panic: runtime error: integer divide by zero\n"), "{err}");
    assert!(err.contains("main.divide()\n\ttest.gos:7:9"), "{err}");
}

#[test]
fn vector_index_out_of_range() {
    let (code, err) = child("index");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("panic: runtime error: index out of range [5] with length 3"), "{err}");
    assert!(err.contains("test.gos:4:12"), "{err}");
}

#[test]
fn track_caller_reports_the_call_site() {
    let (code, err) = child("track_caller");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("panic: boom"), "{err}");
    assert!(err.contains("main.main()\n\ttest.gos:12:5"), "{err}");
}

#[test]
fn unbounded_recursion_is_a_stack_overflow() {
    let (code, err) = child("overflow");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("fatal error: stack overflow"), "{err}");
}

#[test]
fn main_returning_err_prints_debug_form() {
    let (code, err) = child("main_err");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Error: \"bad \\\"input\\\"\"\n"), "{err}");
}

#[test]
fn a_panicking_goroutine_ends_the_program_even_with_one_proc() {
    for procs in ["1", "2"] {
        let (code, err) = child_env("go_panic", &[("GOSSAMER_PROCS", procs)]);
        assert_eq!(code, 2, "procs={procs}: {err}");
        assert!(err.contains("panic: boom"), "procs={procs}: {err}");
        assert!(err.contains("t.gos:9:7"), "the goroutine's own location: {err}");
        assert!(!err.contains("goroutine 1 "), "not blamed on main: {err}");
    }
}

#[test]
fn main_returning_ends_the_program() {
    let (code, err) = child_env("go_then_return", &[("GOSSAMER_PROCS", "1")]);
    assert!(code == 0 || (code == 2 && err.contains("panic: boom")), "{code}: {err}");
}
