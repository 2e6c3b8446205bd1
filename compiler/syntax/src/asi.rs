//! Automatic semicolon insertion: the token-stream adapter between the lexer
//! and the parser.
//!
//! The rule is LANGUAGE.md §1, Go's rule adjusted for Rust-style method
//! chains: at a line break, a `;` is inserted when the line's last token can
//! end a statement, the innermost open delimiter is a `{` (or there is
//! none), and the next token neither closes a delimiter nor continues the
//! expression. The adapter needs only the previous token, the next token,
//! the source between them (to see the line break, which may sit inside a
//! block comment) and a stack of open delimiters; the grammar then treats
//! an inserted `;` exactly like a written one. Inserted semicolons get an
//! empty span at the end of the line, which is how error messages tell them
//! apart ("found end of line").
//!
//! The adapter also does three other jobs that need the delimiter stack:
//! - It checks that delimiters balance ("mismatched closing delimiter",
//!   "unexpected closing delimiter", "this file contains an unclosed
//!   delimiter"), as rustc's token-tree pass does, before any parsing: an
//!   unbalanced file gets one precise error instead of a confused parse,
//!   and the parser's statement recovery can rely on balanced input.
//! - It folds `#[name(...)]` and `#![name(...)]` into one `Attr` token,
//!   skipping the contents, so that the grammar need not describe token
//!   trees and an attribute's closing `]` does not end a "line".
//! - It bounds nesting, so that no later pass (the parser's value stack,
//!   the checker's recursion, even the recursive drop of the AST) can
//!   overflow its stack: more than `MAX_DELIMITER_DEPTH` open delimiters,
//!   or more than `MAX_OPERATOR_DEPTH` pending prefix, infix and postfix
//!   operators, is the error "expression nested too deeply". Operators count
//!   because `- - - x` and `a + b + c` nest without any delimiter; the count
//!   of a delimiter level restarts at each `,` and `;` of that level, since
//!   those separate siblings rather than nest them.

use crate::ast::Span;
use crate::lexer::{Spanned, Token};
use crate::SyntaxError;

/// The most delimiters that may be open at once. Real programs stay below
/// 20; the bound keeps every recursive pass over the AST within a few
/// hundred kilobytes of stack.
pub const MAX_DELIMITER_DEPTH: usize = 256;

/// The most operator and keyword tokens that may be pending (not yet
/// separated by a `,` or `;` of their own delimiter level), summed over all
/// open levels. Each can add one level to the AST, so together with the
/// delimiter bound this caps the AST's depth; a line of real code has a few
/// dozen, while a generated chain of more than a thousand `+` is rejected.
pub const MAX_OPERATOR_DEPTH: usize = 1024;

const NESTED_TOO_DEEPLY: &str = "expression nested too deeply";

/// Whether a line ending after this token may end a statement.
fn ends_statement(token: &Token) -> bool {
    use Token::*;
    matches!(
        token,
        Ident(_)
            | SelfValue
            | SelfType
            | Int(_)
            | Float(_)
            | Char(_)
            | Byte(_)
            | Str(_)
            | True
            | False
            | Label(_)
            | RParen
            | RBracket
            | RBrace
            | Gt
            | Question
            | Break
            | Continue
            | Return
    )
}

/// Whether this token, first on a line, continues the previous line's
/// expression: a closer, a postfix or infix token that cannot begin an
/// expression, or `else`.
fn continues_line(token: &Token) -> bool {
    use Token::*;
    matches!(
        token,
        RParen
            | RBracket
            | RBrace
            | Dot
            | Question
            | Pipe
            | FatArrow
            | Arrow
            | Else
            | As
            | Plus
            | Slash
            | Percent
            | EqEq
            | Ne
            | Lt
            | Gt
            | GtJoint
            | Le
            | Ge
            | AndAnd
            | Caret
            | Shl
            | Eq
            | PlusEq
            | MinusEq
            | StarEq
            | SlashEq
            | PercentEq
            | CaretEq
            | AmpEq
            | OrEq
            | ShlEq
            | ShrEq
    )
}

/// Tokens that cannot add a level to the AST: names, literals, separators
/// and closers. Everything else counts toward `MAX_OPERATOR_DEPTH`.
fn is_leaf(token: &Token) -> bool {
    use Token::*;
    matches!(
        token,
        Ident(_)
            | Label(_)
            | Int(_)
            | Float(_)
            | Char(_)
            | Byte(_)
            | Str(_)
            | True
            | False
            | SelfValue
            | SelfType
            | Underscore
            | Comma
            | Semi
            | AutoSemi
            | Colon
            | PathSep
            | Mut
            | Pub
            | Attr(_)
            | InnerAttr(_)
            | RParen
            | RBracket
            | RBrace
    )
}

/// One open delimiter and the operators pending at its level.
struct Level {
    opener: Token,
    /// Operators since the last `,` or `;` of this level.
    ops: usize,
    /// `<` not yet matched by a `>` since the last `;` of this level; these
    /// survive a `,` because generic argument lists nest across commas.
    angles: usize,
}

/// The adapter's state while it walks the token stream.
struct Inserter<'a> {
    src: &'a str,
    out: Vec<Spanned>,
    /// The bottom entry is the file itself and is never popped.
    levels: Vec<Level>,
    /// The sum of `ops + angles` over `levels`.
    pending: usize,
    /// Where each open delimiter above the file level starts.
    open_at: Vec<usize>,
}

impl Inserter<'_> {
    fn push_token(&mut self, lo: usize, token: Token, hi: usize) -> Result<(), SyntaxError> {
        self.maybe_insert_semicolon(lo, &token);
        self.count(&token, lo, hi)?;
        self.out.push((lo, token, hi));
        Ok(())
    }

    fn maybe_insert_semicolon(&mut self, next_lo: usize, next: &Token) {
        let Some((_, prev, prev_hi)) = self.out.last() else {
            return;
        };
        let prev_hi = *prev_hi;
        let innermost_is_brace = matches!(self.levels.last(), Some(Level { opener: Token::LBrace | Token::Semi, .. }));
        if ends_statement(prev)
            && innermost_is_brace
            && !continues_line(next)
            && self.src.get(prev_hi..next_lo).is_some_and(|gap| gap.contains('\n'))
        {
            self.out.push((prev_hi, Token::Semi, prev_hi));
            self.separate(true);
        }
    }

    /// A `,` or `;` at the innermost level: its operators no longer nest.
    fn separate(&mut self, statement: bool) {
        let level = self.levels.last_mut().expect("the file level is never popped");
        self.pending -= level.ops;
        level.ops = 0;
        if statement {
            self.pending -= level.angles;
            level.angles = 0;
        }
    }

    fn count(&mut self, token: &Token, lo: usize, hi: usize) -> Result<(), SyntaxError> {
        let too_deep = || SyntaxError { span: Span::new(lo, hi), message: NESTED_TOO_DEEPLY.to_string() };
        match token {
            Token::Comma => self.separate(false),
            Token::Semi => self.separate(true),
            Token::RParen | Token::RBracket | Token::RBrace => {
                // Delimiters must balance, as in rustc's token-tree pass;
                // the parser's recovery relies on it.
                let error = |what: &str| SyntaxError {
                    span: Span::new(lo, hi),
                    message: format!("{what} closing delimiter: `{}`", token.spelling()),
                };
                if self.levels.len() == 1 {
                    return Err(error("unexpected"));
                }
                let level = self.levels.pop().expect("checked above");
                self.open_at.pop();
                let matches = matches!(
                    (&level.opener, token),
                    (Token::LParen, Token::RParen)
                        | (Token::LBracket, Token::RBracket)
                        | (Token::LBrace, Token::RBrace)
                );
                if !matches {
                    return Err(error("mismatched"));
                }
                self.pending -= level.ops + level.angles;
            }
            Token::Gt | Token::GtJoint => {
                let level = self.levels.last_mut().expect("the file level is never popped");
                if level.angles > 0 {
                    level.angles -= 1;
                    self.pending -= 1;
                }
            }
            _ => {}
        }
        if is_leaf(token) || matches!(token, Token::Gt | Token::GtJoint) {
            return Ok(());
        }
        let level = self.levels.last_mut().expect("the file level is never popped");
        if matches!(token, Token::Lt) {
            level.angles += 1;
        } else {
            level.ops += 1;
        }
        self.pending += 1;
        if self.pending > MAX_OPERATOR_DEPTH {
            return Err(too_deep());
        }
        if matches!(token, Token::LParen | Token::LBracket | Token::LBrace) {
            if self.levels.len() > MAX_DELIMITER_DEPTH {
                return Err(too_deep());
            }
            self.levels.push(Level { opener: token.clone(), ops: 0, angles: 0 });
            self.open_at.push(lo);
        }
        Ok(())
    }
}

/// Runs the adapter over the lexer's tokens: folds attributes, inserts
/// semicolons, and checks the nesting bounds. A nesting error stops the
/// walk (what follows cannot be parsed anyway); a malformed attribute is
/// reported and skipped.
pub fn insert_semicolons(src: &str, tokens: impl IntoIterator<Item = Spanned>) -> (Vec<Spanned>, Vec<SyntaxError>) {
    let mut inserter = Inserter {
        src,
        out: Vec::new(),
        // The file level behaves like the inside of a `{`; `Semi` marks it.
        levels: vec![Level { opener: Token::Semi, ops: 0, angles: 0 }],
        pending: 0,
        open_at: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some((lo, token, hi)) = iter.next() {
        if token == Token::Hash {
            match fold_attribute(lo, hi, &mut iter) {
                Ok(Some(attr)) => {
                    inserter.out.push(attr);
                    continue;
                }
                Ok(None) => {}
                Err(err) => {
                    errors.push(err);
                    return (inserter.out, errors);
                }
            }
        }
        if matches!(&token, Token::Ident(name) if name == "where") {
            errors.push(SyntaxError {
                span: Span::new(lo, hi),
                message: "`where` clauses are not supported; put the bounds in the generic parameter list, as in `fn f<T: Bound>(..)`".into(),
            });
            return (inserter.out, errors);
        }
        if let Err(err) = inserter.push_token(lo, token, hi) {
            errors.push(err);
            return (inserter.out, errors);
        }
    }
    if let Some(level) = inserter.levels.get(1) {
        // Report the outermost unclosed delimiter: the inner ones usually
        // belong to it.
        let at = inserter.open_at[0];
        errors.push(SyntaxError {
            span: Span::new(at, at + 1),
            message: format!("this file contains an unclosed delimiter `{}`", level.opener.spelling()),
        });
    }
    (inserter.out, errors)
}

/// After a `#`: reads `[path(...)]` or `![path(...)]` and returns one
/// attribute token, or `None` when no `[` follows (the parser then reports
/// the stray `#`).
fn fold_attribute(
    lo: usize,
    hash_hi: usize,
    iter: &mut std::iter::Peekable<impl Iterator<Item = Spanned>>,
) -> Result<Option<Spanned>, SyntaxError> {
    let inner = matches!(iter.peek(), Some((_, Token::Bang, _)));
    if inner {
        iter.next();
    }
    match iter.peek() {
        Some((_, Token::LBracket, _)) => {
            iter.next();
        }
        _ if inner => {
            return Err(SyntaxError { span: Span::new(lo, hash_hi + 1), message: "expected `[` after `#!`".into() })
        }
        _ => return Ok(None),
    }
    // The name: a path such as `derive` or `rustfmt::skip`.
    let mut name = String::new();
    while let Some((_, Token::Ident(_) | Token::PathSep, _)) = iter.peek() {
        match iter.next() {
            Some((_, Token::Ident(part), _)) => name.push_str(&part),
            _ => name.push_str("::"),
        }
    }
    let mut depth = 1usize;
    let mut end = hash_hi;
    for (_, token, hi) in iter.by_ref() {
        end = hi;
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            if name.is_empty() {
                return Err(SyntaxError { span: Span::new(lo, end), message: "expected an attribute name".into() });
            }
            let token = if inner { Token::InnerAttr(name) } else { Token::Attr(name) };
            return Ok(Some((lo, token, end)));
        }
    }
    Err(SyntaxError { span: Span::new(lo, end.max(hash_hi)), message: "unterminated attribute".into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex;

    /// The token stream as text, with inserted semicolons shown as `⏎`.
    fn show(src: &str) -> String {
        let (tokens, errors) = lex(src);
        assert!(errors.is_empty(), "{errors:?}");
        let (tokens, errors) = insert_semicolons(src, tokens);
        assert!(errors.is_empty(), "{errors:?}");
        tokens
            .iter()
            .map(|(lo, t, hi)| match t {
                Token::Semi if lo == hi => "⏎".to_string(),
                Token::Ident(s) => s.clone(),
                Token::Int(i) => i.value.to_string(),
                Token::Str(s) => format!("{s:?}"),
                Token::Attr(name) => format!("#[{name}]"),
                Token::InnerAttr(name) => format!("#![{name}]"),
                other => other.spelling().to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn nesting_error(src: &str) -> Option<String> {
        let (tokens, _) = lex(src);
        let (_, errors) = insert_semicolons(src, tokens);
        errors.first().map(|e| e.message.clone())
    }

    #[test]
    fn newline_after_a_statement_end_inserts() {
        assert_eq!(show("let x = 1\nlet y = x"), "let x = 1 ⏎ let y = x");
        assert_eq!(show("f()\ng()"), "f ( ) ⏎ g ( )");
        assert_eq!(show("return\nx"), "return ⏎ x");
        assert_eq!(show("a?\nb"), "a ? ⏎ b");
        assert_eq!(show("break 'outer\nx"), "break label ⏎ x");
        assert_eq!(show("let v: Vec<i64>\nv"), "let v : Vec < i64 > ⏎ v");
    }

    #[test]
    fn no_insertion_after_operators_or_at_end_of_file() {
        assert_eq!(show("let x = a +\n b"), "let x = a + b");
        assert_eq!(show("let x =\n 1"), "let x = 1");
        assert_eq!(show("x"), "x");
    }

    #[test]
    fn method_chains_on_the_next_line_continue() {
        assert_eq!(show("xs.iter()\n  .map(f)\n  .sum()"), "xs . iter ( ) . map ( f ) . sum ( )");
        assert_eq!(show("x\n|> f"), "x |> f");
        assert_eq!(show("a\n  + b\n  == c"), "a + b == c");
        assert_eq!(show("x\n as i64"), "x as i64");
    }

    #[test]
    fn else_on_the_next_line_continues() {
        assert_eq!(show("if a {\n x\n}\nelse {\n y\n}"), "if a { x } else { y }");
    }

    #[test]
    fn a_minus_on_its_own_line_is_a_new_statement() {
        assert_eq!(show("let a = b\n- c"), "let a = b ⏎ - c");
        assert_eq!(show("a\n*p = 1"), "a ⏎ * p = 1");
        assert_eq!(show("f\n|| 1"), "f ⏎ || 1");
    }

    #[test]
    fn multi_line_argument_lists_do_not_insert() {
        assert_eq!(show("f(\n a,\n b\n)"), "f ( a , b )");
        assert_eq!(show("[\n 1,\n 2\n]"), "[ 1 , 2 ]");
        // Inside a block inside the arguments, lines end statements again.
        assert_eq!(show("f(|| {\n a\n b\n})"), "f ( || { a ⏎ b } )");
    }

    #[test]
    fn block_tails_and_closers() {
        assert_eq!(show("fn f() -> i64 {\n 1\n}\nfn g() {}"), "fn f ( ) -> i64 { 1 } ⏎ fn g ( ) { }");
        assert_eq!(show("P {\n x: 1\n y: 2\n}"), "P { x : 1 ⏎ y : 2 }");
    }

    #[test]
    fn comments_carry_line_breaks() {
        assert_eq!(show("a /* one\n two */ b"), "a ⏎ b");
        assert_eq!(show("a // note\nb"), "a ⏎ b");
        assert_eq!(show("a /* same line */ b"), "a b");
    }

    #[test]
    fn attributes_are_folded() {
        assert_eq!(show("#[derive(Debug, Clone)]\nstruct P"), "#[derive] struct P");
        assert_eq!(show("#![allow(dead_code)]\n#[rustfmt::skip] fn f() {}"), "#![allow] #[rustfmt::skip] fn f ( ) { }");
        assert_eq!(nesting_error("#[derive(Debug"), Some("unterminated attribute".into()));
    }

    #[test]
    fn delimiters_must_balance() {
        assert_eq!(nesting_error("f(a]").as_deref(), Some("mismatched closing delimiter: `]`"));
        assert_eq!(nesting_error("f(a) }").as_deref(), Some("unexpected closing delimiter: `}`"));
        assert_eq!(nesting_error("fn f() { g(").as_deref(), Some("this file contains an unclosed delimiter `{`"));
        assert_eq!(nesting_error("{ [ ( ) ] }"), None);
    }

    #[test]
    fn where_is_reserved() {
        assert!(nesting_error("fn f<T>() where T: A {}").unwrap().starts_with("`where` clauses are not supported"));
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "(".repeat(MAX_DELIMITER_DEPTH), ")".repeat(MAX_DELIMITER_DEPTH));
        assert_eq!(nesting_error(&ok), None);
        let deep = "(".repeat(MAX_DELIMITER_DEPTH + 1);
        assert_eq!(nesting_error(&deep).as_deref(), Some(NESTED_TOO_DEEPLY));
        let huge = "(".repeat(100_000);
        assert_eq!(nesting_error(&huge).as_deref(), Some(NESTED_TOO_DEEPLY));
    }

    #[test]
    fn operator_chains_are_bounded_but_lists_are_not() {
        let long_sum = vec!["1"; MAX_OPERATOR_DEPTH + 2].join(" + ");
        assert_eq!(nesting_error(&long_sum).as_deref(), Some(NESTED_TOO_DEEPLY));
        let negations = format!("{}x", "-".repeat(5000));
        assert_eq!(nesting_error(&negations).as_deref(), Some(NESTED_TOO_DEEPLY));
        let short_sum = vec!["1"; 500].join(" + ");
        assert_eq!(nesting_error(&short_sum), None);
        // Commas and semicolons separate siblings: long lists are fine.
        let list = format!("[{}]", vec!["-1"; 10_000].join(", "));
        assert_eq!(nesting_error(&list), None);
        let stmts = "x = -a + b\n".repeat(10_000);
        assert_eq!(nesting_error(&stmts), None);
        let generics = format!("{}T{}", "Vec<".repeat(2000), ">".repeat(2000));
        assert_eq!(nesting_error(&generics).as_deref(), Some(NESTED_TOO_DEEPLY));
    }
}
