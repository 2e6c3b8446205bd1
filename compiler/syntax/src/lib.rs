//! Source text to AST: the logos lexer, the automatic-semicolon adapter and
//! the lalrpop parser.

pub mod ast;
