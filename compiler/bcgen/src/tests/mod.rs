//! Tests of the bytecode compiler and, through it, of the VM: IR programs
//! built by hand (`build.rs`), compiled, and run on the interpreter in this
//! process; panics run in a child process (`panics.rs`).

mod build;
mod control;
mod heap;
mod panics;
mod scalars;
