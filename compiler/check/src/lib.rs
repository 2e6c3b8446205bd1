//! Checker: AST to typed IR.
