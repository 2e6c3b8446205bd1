//! Parses a file and prints its AST or its syntax errors as
//! `file:line:col: error: message`; with `--tokens`, prints the token
//! stream after semicolon insertion. A debugging aid for the grammar.
//!
//! `cargo run -p gos-syntax --example parse -- [--tokens] FILE`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_tokens = args.iter().any(|a| a == "--tokens");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: parse [--tokens] FILE");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let position = |offset: u32| {
        let before = &src[..offset as usize];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        (line, col)
    };
    if show_tokens {
        match gos_syntax::tokens(&src) {
            Ok(tokens) => {
                for (lo, token, hi) in tokens {
                    let (line, col) = position(lo as u32);
                    let inserted = if lo == hi { " (inserted)" } else { "" };
                    println!("{line}:{col} {}{inserted}", token.describe());
                }
            }
            Err(errors) => {
                for e in errors {
                    let (line, col) = position(e.span.lo);
                    eprintln!("{path}:{line}:{col}: error: {}", e.message);
                }
                return ExitCode::from(1);
            }
        }
        return ExitCode::SUCCESS;
    }
    match gos_syntax::parse(&src) {
        Ok(program) => {
            println!("{program:#?}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in errors {
                let (line, col) = position(e.span.lo);
                eprintln!("{path}:{line}:{col}: error: {}", e.message);
            }
            ExitCode::from(1)
        }
    }
}
