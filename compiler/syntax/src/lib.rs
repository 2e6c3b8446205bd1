//! Source text to AST: the logos lexer (`lexer`), the automatic-semicolon
//! adapter (`asi`), and the lalrpop parser (`grammar.lalrpop`, driven by
//! `parser`, with AST-building helpers in `actions`).
//!
//! The pipeline streams: the lexer hands tokens to the adapter one at a
//! time, and the adapter stops at the first nesting or delimiter error, so
//! a hostile file is rejected without being held as tokens. The parser
//! reports up to one error per statement (see `parser` for the recovery).
//!
//! The front end never panics and never overflows its stack: every input
//! gives a program or a list of errors with spans. Nesting is bounded by
//! the adapter before the parser builds anything deep, the parser itself is
//! table driven (no recursion), and every stage is linear in the input.

mod actions;
pub mod asi;
pub mod ast;
pub mod lexer;
mod literals;
mod parser;

#[allow(clippy::all, unused_parens, unused_imports, dead_code)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/grammar.rs"));
}

use ast::Span;

/// A lexical or grammatical error, with the span it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole source file.
///
/// Lexical errors (bad literals, unknown characters) and nesting errors
/// are reported on their own, since a parse of a token stream with holes
/// would only add noise; otherwise the parser reports up to one error per
/// top-level item.
pub fn parse(src: &str) -> Result<ast::Program, Vec<SyntaxError>> {
    let tokens = tokens(src)?;
    parser::parse_tokens(tokens)
}

/// The token stream the parser sees: lexed, with attributes folded and
/// semicolons inserted (an inserted `;` has an empty span). For tests and
/// tools.
pub fn tokens(src: &str) -> Result<Vec<lexer::Spanned>, Vec<SyntaxError>> {
    if src.len() > u32::MAX as usize {
        return Err(vec![SyntaxError { span: Span::new(0, 0), message: "source file is larger than 4 GiB".into() }]);
    }
    let mut lexed = lexer::Lexed::new(src);
    let (tokens, adapter_errors) = asi::insert_semicolons(src, &mut lexed);
    // An unterminated string or comment swallows the rest of the file, so
    // delimiter errors after a lexical error are noise.
    match (lexed.errors.is_empty(), adapter_errors.is_empty()) {
        (true, true) => Ok(tokens),
        (true, false) => Err(adapter_errors),
        (false, _) => Err(lexed.errors),
    }
}
