//! Timing checks of the hot paths the benchmarks exercise (string building,
//! map insert and lookup), run with
//! `cargo test --release -p gos-runtime -- --ignored --nocapture`.
//! They print nanoseconds per operation, to compare with the same loops in
//! CPython run at the same time on the same machine (on the shared build
//! machine, under equal load, CPython's `d[k] = v` / `d[k]` loops over a
//! million keys took about twice as long per operation as these did).

use crate::natives::call_intrinsic;
use crate::testutil::*;
use gos_abi::Intrinsic as I;
use std::time::Instant;

fn per_op(start: Instant, n: u64) -> f64 {
    start.elapsed().as_nanos() as f64 / n as f64
}

#[test]
#[ignore]
fn time_hot_paths() {
    setup();
    let n = 1_000_000u64;
    unsafe {
        let m = call_intrinsic(I::MapNew, &[0], &[T_I64], T_MAP_I64_I64, &SITE);
        let t = Instant::now();
        for i in 0..n {
            call_intrinsic(I::MapInsert, &[m, i.wrapping_mul(2654435761), i], &[T_MAP_I64_I64, T_I64, T_I64], T_OPT_I64, &SITE);
        }
        println!("map<i64,i64> insert: {:.1} ns/op", per_op(t, n));
        let t = Instant::now();
        let mut hits = 0;
        for i in 0..n {
            let r = call_intrinsic(I::MapGet, &[m, i.wrapping_mul(2654435761)], &[T_MAP_I64_I64, T_I64], T_OPT_I64, &SITE);
            hits += crate::object::enum_tag(r);
        }
        assert_eq!(hits, n);
        println!("map<i64,i64> get (hit, builds Some): {:.1} ns/op", per_op(t, n));
        let t = Instant::now();
        for i in 0..n {
            crate::map::map_get(m, i.wrapping_mul(2654435761));
        }
        println!("map<i64,i64> map_get direct: {:.1} ns/op", per_op(t, n));

        let keys: Vec<u64> = (0..n).map(|i| crate::str_from(&format!("key{i}"))).collect();
        let sm = call_intrinsic(I::MapNew, &[0], &[T_I64], T_MAP_STR_I64, &SITE);
        let t = Instant::now();
        for (i, &k) in keys.iter().enumerate() {
            call_intrinsic(I::MapInsert, &[sm, k, i as u64], &[T_MAP_STR_I64, T_STR, T_I64], T_OPT_I64, &SITE);
        }
        println!("map<String,i64> insert: {:.1} ns/op", per_op(t, n));
        let t = Instant::now();
        for &k in &keys {
            crate::map::map_get(sm, k);
        }
        println!("map<String,i64> get: {:.1} ns/op", per_op(t, n));

        let piece = crate::str_from("ab");
        let mut s = crate::str_from("");
        let t = Instant::now();
        for _ in 0..n {
            s = crate::str_concat(s, piece);
        }
        assert_eq!(crate::strings::str_len(s), 2 * n as usize);
        println!("s = s + \"ab\": {:.1} ns/op", per_op(t, n));
        let fs = gos_abi::FormatSpec::default();
        let t = Instant::now();
        let mut out = Vec::new();
        for i in 0..n {
            out.clear();
            crate::format_value(&mut out, (i as f64 * 0.1).to_bits(), T_F64, &fs);
        }
        println!("format f64: {:.1} ns/op", per_op(t, n));
    }
}

#[test]
#[ignore]
fn time_alloc() {
    let n = 1_000_000u64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(crate::heap::alloc(crate::heap::LAYOUT_RAW, 3));
    }
    println!("alloc(3 words): {:.1} ns/op", per_op(t, n));
    let t = Instant::now();
    let mut x = 0u64;
    for i in 0..n {
        x = x.wrapping_add(std::hint::black_box(i) * 3);
    }
    std::hint::black_box(x);
    println!("empty loop: {:.1} ns/op", per_op(t, n));
}

#[test]
#[ignore]
fn time_alloc_baseline() {
    let n = 1_000_000u64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(Box::leak(Box::new([0u64; 4])));
    }
    println!("Box::new([u64; 4]) leaked: {:.1} ns/op", per_op(t, n));
}
