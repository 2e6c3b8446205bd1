// Rust reference for bench/vm/loop_float.gos: the same operations in the
// same order (no fused multiply-add), so the same count.
fn main() {
    let size: i64 = std::hint::black_box(800);
    let max_iter = 100;
    let mut total: i64 = 0;
    for py in 0..size {
        let ci = (py as f64) * 2.0 / (size as f64) - 1.0;
        for px in 0..size {
            let cr = (px as f64) * 3.0 / (size as f64) - 2.0;
            let mut zr = 0.0f64;
            let mut zi = 0.0f64;
            let mut n = 0;
            while n < max_iter && zr * zr + zi * zi <= 4.0 {
                let t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                n += 1;
            }
            total += n;
        }
    }
    println!("{total}");
}
