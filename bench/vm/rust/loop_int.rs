// Rust reference for bench/vm/loop_int.gos (same arithmetic, wrapping as
// Gossamer's i64 does).
fn main() {
    let n: i64 = std::hint::black_box(4000);
    let mut acc: i64 = 0;
    for i in 0..n {
        for j in 0..n {
            acc = acc.wrapping_add(i.wrapping_mul(j)).wrapping_add(i ^ j) % 1000003;
        }
    }
    println!("{acc}");
}
