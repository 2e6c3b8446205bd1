// Rust reference for bench/vm/fib.gos: the same recursion, compiled with
// `rustc -C opt-level=3 -C target-cpu=native` (bench/vm/run.sh). `black_box` keeps the argument opaque so that the compiler
// cannot evaluate fib(35) at compile time.
fn fib(n: i64) -> i64 {
    if n < 2 {
        return n;
    }
    fib(n - 1) + fib(n - 2)
}

fn main() {
    println!("{}", fib(std::hint::black_box(35)));
}
