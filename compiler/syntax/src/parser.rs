//! Drives the generated parser over the adapted token stream, recovers from
//! errors statement by statement and item by item, and words the errors as
//! rustc does.
//!
//! Recovery works on the token vector, not inside the grammar. When a parse
//! fails, the error is recorded, and the statement that contains it is
//! deleted: the tokens from the last `;`, `{` or `}` at the level of the
//! innermost enclosing `{ .. }` up to the next `;` or the closing `}` at that
//! level. The item that contained the error is then parsed again, and the
//! next error found is a genuine one, because the tokens before the
//! deleted range are unchanged and the range is balanced. An error outside
//! any braces (between items) restarts parsing at the next item keyword at
//! brace depth zero. Either way a file gets at most one error per
//! statement, never a cascade of follow-on errors from a parser that lost
//! its place; `MAX_ERRORS` bounds the reparsing.
//!
//! lalrpop's own `!` recovery was the alternative. It discards tokens
//! without regard to braces, so one missing `)` inside a function reports
//! errors all the way to the end of the file.

use std::ops::Range;

use lalrpop_util::ParseError;

use crate::ast::{Program, Span};
use crate::grammar::ProgramParser;
use crate::lexer::{Spanned, Token};
use crate::SyntaxError;

/// The most errors reported for one file. Each costs a reparse of one item,
/// and past a few dozen a reader fixes the first ones and tries again.
const MAX_ERRORS: usize = 32;

/// How many tokens recovery may parse again, as a multiple of the file's
/// tokens. Reparsing an item after each of its errors could otherwise be
/// quadratic in a giant function with many errors; with the bound, the
/// whole parse stays linear, and only the last errors of such a file go
/// unreported.
const REPARSE_FACTOR: usize = 4;

/// Parses an adapted token stream (see `asi::insert_semicolons`).
pub fn parse_tokens(mut tokens: Vec<Spanned>) -> Result<Program, Vec<SyntaxError>> {
    let parser = ProgramParser::new();
    let mut errors = Vec::new();
    let mut start = 0;
    let budget = REPARSE_FACTOR * tokens.len() + 10_000;
    let mut parsed = 0usize;
    loop {
        let stream = tokens[start..].iter().cloned().map(Ok::<Spanned, SyntaxError>);
        match parser.parse(stream) {
            Ok(program) if errors.is_empty() => return Ok(program),
            Ok(_) => break,
            Err(err) => {
                let (error, at) = describe(err, &tokens[start..]);
                errors.push(error);
                let Some(at) = at else { break };
                if errors.len() >= MAX_ERRORS {
                    break;
                }
                // The first token at or after the error's position.
                let index = tokens.partition_point(|(lo, _, _)| *lo < at);
                parsed += index.saturating_sub(start) + 1;
                if parsed > budget {
                    break;
                }
                let item = item_start_before(&tokens, start, index);
                if let Some(range) = statement_around(&tokens, item, index) {
                    tokens.drain(range);
                    start = item;
                    continue;
                }
                match next_item_start(&tokens, start, index) {
                    Some(i) => start = i,
                    None => break,
                }
            }
        }
    }
    Err(errors)
}

fn is_item_keyword(token: &Token) -> bool {
    matches!(
        token,
        Token::Fn
            | Token::Struct
            | Token::Enum
            | Token::Trait
            | Token::Impl
            | Token::Const
            | Token::Static
            | Token::Use
            | Token::Pub
            | Token::Attr(_)
            | Token::InnerAttr(_)
    )
}

/// Walks `tokens[from..]` (which starts at brace depth zero) and calls
/// `visit(index)` for each token at depth zero that begins an item; `pub
/// fn` and `#[a] fn` begin once, at their first token. Stops when `visit`
/// returns false.
fn scan_item_starts(tokens: &[Spanned], from: usize, mut visit: impl FnMut(usize) -> bool) {
    let mut depth = 0usize;
    let mut previous_was_start = false;
    for (i, (_, token, _)) in tokens.iter().enumerate().skip(from) {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        let starts = depth == 0 && is_item_keyword(token);
        let continues = previous_was_start && matches!(tokens[i - 1].1, Token::Pub | Token::Attr(_));
        if starts && !continues && !visit(i) {
            return;
        }
        previous_was_start = starts;
    }
}

/// The start of the item that contains `index`: the last item start at or
/// before it, or `from`.
fn item_start_before(tokens: &[Spanned], from: usize, index: usize) -> usize {
    let mut found = from;
    scan_item_starts(tokens, from, |i| {
        if i <= index {
            found = i;
        }
        i < index
    });
    found
}

/// The first item start at or after `index` (and after `from`, so that a
/// failing item start is never parsed again).
fn next_item_start(tokens: &[Spanned], from: usize, index: usize) -> Option<usize> {
    let mut found = None;
    scan_item_starts(tokens, from, |i| {
        if i >= index.max(from + 1) {
            found = Some(i);
            return false;
        }
        true
    });
    found
}

/// The tokens of the statement around `index` inside the innermost `{ .. }`
/// that encloses it (see the module comment), or `None` when the error is
/// outside any braces or the statement cannot be delimited.
fn statement_around(tokens: &[Spanned], from: usize, index: usize) -> Option<Range<usize>> {
    /// An open delimiter; for a `{`, the last statement boundary at its
    /// level (the `{` itself, a `;`, or a `}` that closed a nested block).
    struct Open {
        brace: bool,
        boundary: usize,
    }
    let mut open: Vec<Open> = Vec::new();
    for (i, (_, token, _)) in tokens.iter().enumerate().take(index).skip(from) {
        match token {
            Token::LBrace => open.push(Open { brace: true, boundary: i }),
            Token::LParen | Token::LBracket => open.push(Open { brace: false, boundary: i }),
            Token::RParen | Token::RBracket | Token::RBrace => {
                open.pop();
                if let Some(top) = open.last_mut() {
                    if top.brace && *token == Token::RBrace {
                        top.boundary = i;
                    }
                }
            }
            Token::Semi => {
                if let Some(top) = open.last_mut() {
                    if top.brace {
                        top.boundary = i;
                    }
                }
            }
            _ => {}
        }
    }
    let level = open.iter().rposition(|o| o.brace)?;
    let begin = open[level].boundary + 1;
    // Delimiters open above the block's level at the error.
    let mut extra = open.len() - level - 1;
    for (i, (_, token, _)) in tokens.iter().enumerate().skip(index) {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => extra += 1,
            Token::RParen | Token::RBracket | Token::RBrace if extra == 0 => {
                return (begin < i).then_some(begin..i);
            }
            Token::RParen | Token::RBracket | Token::RBrace => extra -= 1,
            Token::Semi if extra == 0 => return (begin < i).then_some(begin..i),
            _ => {}
        }
    }
    None
}

/// The error in rustc's words, and the byte offset to resume after (`None`
/// at the end of the file).
fn describe(err: ParseError<usize, Token, SyntaxError>, tokens: &[Spanned]) -> (SyntaxError, Option<usize>) {
    match err {
        ParseError::User { error } => {
            let at = error.span.lo as usize;
            (error, Some(at))
        }
        ParseError::UnrecognizedEof { location, expected } => {
            if let Some((lo, opener, hi)) = unclosed_delimiter(tokens) {
                let message = format!("this file contains an unclosed delimiter `{}`", opener.spelling());
                return (SyntaxError { span: Span::new(*lo, *hi), message }, None);
            }
            let message = match expected_names(&expected).as_slice() {
                [one] => format!("unexpected end of file, expected {one}"),
                _ => "unexpected end of file".to_string(),
            };
            (SyntaxError { span: Span::new(location, location), message }, None)
        }
        ParseError::UnrecognizedToken { token: (lo, token, hi), expected } => {
            let found = found_name(lo, &token, hi);
            let message = expected_message(&expected, lo == hi && token == Token::Semi, &found);
            (SyntaxError { span: Span::new(lo, hi), message }, Some(lo))
        }
        ParseError::ExtraToken { token: (lo, token, hi) } => {
            let message = format!("unexpected {}", found_name(lo, &token, hi));
            (SyntaxError { span: Span::new(lo, hi), message }, Some(lo))
        }
        ParseError::InvalidToken { location } => (
            SyntaxError { span: Span::new(location, location + 1), message: "invalid token".to_string() },
            Some(location),
        ),
    }
}

/// The innermost delimiter still open at the end of the tokens, if any.
fn unclosed_delimiter(tokens: &[Spanned]) -> Option<&Spanned> {
    let mut open: Vec<&Spanned> = Vec::new();
    for t in tokens {
        match t.1 {
            Token::LParen | Token::LBracket | Token::LBrace => open.push(t),
            Token::RParen | Token::RBracket | Token::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

fn found_name(lo: usize, token: &Token, hi: usize) -> String {
    if lo == hi && *token == Token::Semi {
        "end of line".to_string()
    } else {
        token.describe()
    }
}

/// Terminals that continue an expression: left out of a list of
/// alternatives when there are others, as rustc does ("expected one of `,`
/// or `)`" rather than every operator that could follow).
const OPERATORS: &[&str] = &[
    ".", "?", "+", "-", "*", "/", "%", "^", "&", "|", "&&", "||", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "=",
    "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<=", ">>=", "as", "..", "..=", "|>", "[", "(", "::", "...",
];

/// Terminals that can only begin an expression; when they are expected the
/// parser wants an expression.
const EXPRESSION_STARTS: &[&str] = &["int", "str", "char", "true"];

const ITEM_STARTS: &[&str] = &["fn", "struct", "enum", "impl"];

fn expected_message(expected: &[String], at_line_end: bool, found: &str) -> String {
    let raw: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    let has = |names: &[&str]| names.iter().all(|n| raw.contains(n));
    if at_line_end && raw.contains(&"{") {
        return format!("expected `{{`, found {found}");
    }
    let names = expected_names(expected);
    if names.len() <= 2 {
        return match names.as_slice() {
            [] => format!("unexpected {found}"),
            [one] => format!("expected {one}, found {found}"),
            [a, b] => format!("expected one of {a} or {b}, found {found}"),
            _ => unreachable!("at most two names"),
        };
    }
    // Patterns may start with a literal too, but only they with `_`.
    if raw.contains(&"_") && raw.contains(&"int") {
        return format!("expected pattern, found {found}");
    }
    if raw.iter().any(|r| EXPRESSION_STARTS.contains(r)) {
        return format!("expected expression, found {found}");
    }
    if has(ITEM_STARTS) {
        return format!("expected item, found {found}");
    }
    if names.len() > 8 {
        return format!("unexpected {found}");
    }
    let (last, rest) = names.split_last().expect("more than two names");
    format!("expected one of {}, or {last}, found {found}", rest.join(", "))
}

/// Human names for lalrpop's terminal names, without duplicates and, when
/// other tokens are possible, without the operators.
fn expected_names(expected: &[String]) -> Vec<String> {
    let raw: Vec<&str> = expected.iter().map(|e| e.trim_matches('"')).collect();
    let only_operators = raw.iter().all(|r| OPERATORS.contains(r));
    let mut names: Vec<String> = Vec::new();
    for r in raw {
        if !only_operators && OPERATORS.contains(&r) {
            continue;
        }
        let name = match r {
            "ident" => "identifier".to_string(),
            "label" => "a label".to_string(),
            "int" | "float" => "a number".to_string(),
            "str" => "a string literal".to_string(),
            "char" => "a character literal".to_string(),
            "byte" => "a byte literal".to_string(),
            "attr" | "inner_attr" => "an attribute".to_string(),
            ">>" => "`>`".to_string(),
            other => format!("`{other}`"),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    // Separators first and closers last, as people read a list.
    names.sort_by_key(|n| match n.as_str() {
        "`,`" => 0,
        "`;`" => 1,
        "`)`" | "`]`" | "`}`" => 3,
        _ => 2,
    });
    names
}
