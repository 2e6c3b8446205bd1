//! Scanners for the tokens whose extent a regular expression cannot find
//! cheaply: numbers (bases, separators, fractions, exponents, suffixes),
//! strings and raw strings, character and byte literals versus labels, and
//! nested block comments.
//!
//! Each is a `logos` callback: the lexer matches the token's first
//! character(s), and the callback scans the rest of the token once, bumps
//! the lexer past it, and decides the token (a callback on `'` returns
//! either a `Char` or a `Label`). Scanning by hand keeps every token linear
//! in its length, and lets an error inside a literal (a bad escape) be
//! reported at the escape while the lexer still resumes after the literal.

use logos::Lexer;

use crate::lexer::{FloatLit, IntLit, LexError, Token};

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Length in bytes of the identifier characters at the start of `s`.
fn ident_len(s: &str) -> usize {
    s.find(|c: char| !is_ident_continue(c)).unwrap_or(s.len())
}

const INT_SUFFIXES: &[&str] = &["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"];

/// Finishes a number whose first digit `lex` has matched.
pub(crate) fn lex_number(lex: &mut Lexer<Token>) -> Result<Token, LexError> {
    let start = lex.span().start;
    let first = lex.slice().as_bytes()[0];
    let rest = lex.remainder();
    let radix = match (first, rest.as_bytes().first()) {
        (b'0', Some(b'x')) => 16,
        (b'0', Some(b'o')) => 8,
        (b'0', Some(b'b')) => 2,
        _ => 10,
    };
    if radix != 10 {
        return lex_radix_number(lex, radix, start);
    }
    // Decimal digits after the first one.
    let mut len = rest.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(rest.len());
    let mut is_float = false;
    let after = &rest[len..];
    let mut chars = after.chars();
    if chars.next() == Some('.') {
        // `1.5` and `1.` are floats; `1..2` is a range and `1.foo()` a
        // method call on an integer.
        match chars.next() {
            Some(c) if c == '.' || is_ident_start(c) => {}
            Some(c) if c.is_ascii_digit() => {
                is_float = true;
                len += 1;
                let frac = &rest[len..];
                len += frac.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(frac.len());
            }
            _ => {
                is_float = true;
                len += 1;
            }
        }
    }
    // An exponent: `e`, an optional sign, and at least one digit.
    let exp = &rest[len..];
    let eb = exp.as_bytes();
    if matches!(eb.first(), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(eb.get(1), Some(b'+' | b'-')));
        let digits_at = 1 + sign;
        let digits =
            exp[digits_at..].find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(exp.len() - digits_at);
        if exp[digits_at..digits_at + digits].bytes().any(|c| c.is_ascii_digit()) {
            is_float = true;
            len += digits_at + digits;
        } else if sign == 1 {
            lex.bump(len + digits_at);
            return Err(LexError::new("expected at least one digit in exponent"));
        }
    }
    let suffix_len = ident_len(&rest[len..]);
    let body = format!("{}{}", first as char, &rest[..len]);
    let suffix = &rest[len..len + suffix_len];
    lex.bump(len + suffix_len);
    let suffix = (!suffix.is_empty()).then(|| suffix.to_string());
    let text: String = body.chars().filter(|&c| c != '_').collect();
    match suffix.as_deref() {
        None | Some("f32" | "f64") if is_float || suffix.is_some() => Ok(Token::Float(FloatLit { text, suffix })),
        Some(s) if is_float => Err(LexError::at(
            format!("invalid suffix `{s}` for float literal"),
            start + 1 + len,
            start + 1 + len + suffix_len,
        )),
        Some(s) if !INT_SUFFIXES.contains(&s) => Err(LexError::at(
            format!("invalid suffix `{s}` for number literal"),
            start + 1 + len,
            start + 1 + len + suffix_len,
        )),
        _ => {
            let value = parse_digits(&text, 10).ok_or_else(|| LexError::new("integer literal is too large"))?;
            Ok(Token::Int(IntLit { value, suffix }))
        }
    }
}

/// `0x`, `0o` and `0b` literals. Letters are read as digits in hex only, so
/// `0x1fu8` has digits `1f` and suffix `u8`; in base 2 and 8 every decimal
/// digit is read, so that `0b102` reports its bad digit.
fn lex_radix_number(lex: &mut Lexer<Token>, radix: u32, start: usize) -> Result<Token, LexError> {
    let rest = &lex.remainder()[1..];
    let is_digit = |c: char| c == '_' || if radix == 16 { c.is_ascii_hexdigit() } else { c.is_ascii_digit() };
    let digits_len = rest.find(|c: char| !is_digit(c)).unwrap_or(rest.len());
    let digits = &rest[..digits_len];
    let suffix_len = ident_len(&rest[digits_len..]);
    let suffix = &rest[digits_len..digits_len + suffix_len];
    lex.bump(1 + digits_len + suffix_len);
    let base_name = match radix {
        16 => "hexadecimal",
        8 => "octal",
        _ => "binary",
    };
    let digits_at = start + 2;
    if let Some(pos) = digits.find(|c: char| c.to_digit(radix).is_none() && c != '_') {
        return Err(LexError::at(
            format!("invalid digit for a base {radix} literal"),
            digits_at + pos,
            digits_at + pos + 1,
        ));
    }
    if !digits.bytes().any(|c| c != b'_') {
        return Err(LexError::new(format!("no valid digits found for {base_name} number")));
    }
    if !suffix.is_empty() && !INT_SUFFIXES.contains(&suffix) {
        let lo = digits_at + digits_len;
        return Err(LexError::at(format!("invalid suffix `{suffix}` for number literal"), lo, lo + suffix_len));
    }
    let value = parse_digits(digits, radix).ok_or_else(|| LexError::new("integer literal is too large"))?;
    Ok(Token::Int(IntLit { value, suffix: (!suffix.is_empty()).then(|| suffix.to_string()) }))
}

/// The value of a digit string (underscores allowed), or `None` on
/// overflow of `u128`.
fn parse_digits(digits: &str, radix: u32) -> Option<u128> {
    let mut value: u128 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix)? as u128;
        value = value.checked_mul(radix as u128)?.checked_add(d)?;
    }
    Some(value)
}

/// What an escape sequence in a literal stands for.
enum Escaped {
    Char(char),
    /// `\` followed by a newline inside a string: the newline and the next
    /// line's leading whitespace are dropped.
    LineContinuation,
}

/// Reads one escape sequence starting at the backslash `s[0]`. Returns the
/// value (or an error with a span relative to `s`) and the bytes consumed.
fn read_escape(s: &str, in_string: bool) -> (Result<Escaped, (String, usize, usize)>, usize) {
    let mut chars = s[1..].chars();
    let Some(c) = chars.next() else {
        return (Err(("unterminated escape sequence".to_string(), 0, 1)), 1);
    };
    let simple = |ch| (Ok(Escaped::Char(ch)), 1 + c.len_utf8());
    match c {
        'n' => simple('\n'),
        't' => simple('\t'),
        'r' => simple('\r'),
        '\\' => simple('\\'),
        '"' => simple('"'),
        '\'' => simple('\''),
        '0' => simple('\0'),
        '\n' if in_string => {
            let rest = &s[2..];
            let ws = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
            (Ok(Escaped::LineContinuation), 2 + ws)
        }
        'x' => {
            let hex: String = s[2..].chars().take(2).collect();
            let used = 2 + hex.len();
            match u8::from_str_radix(&hex, 16) {
                Ok(v) if hex.len() == 2 && v <= 0x7f => (Ok(Escaped::Char(v as char)), used),
                Ok(_) if hex.len() == 2 => {
                    (Err(("out of range hex escape: must be at most `\\x7f`".to_string(), 0, used)), used)
                }
                _ => (Err(("invalid hex escape: expected two hex digits".to_string(), 0, used)), used),
            }
        }
        'u' => {
            if !s[2..].starts_with('{') {
                return (Err(("incorrect unicode escape sequence: expected `{`".to_string(), 0, 2)), 2);
            }
            let Some(close) = s[3..].find(['}', '"', '\'', '\n']).filter(|&i| s[3 + i..].starts_with('}')) else {
                return (Err(("unterminated unicode escape: expected `}`".to_string(), 0, 3)), 3);
            };
            let used = 3 + close + 1;
            let digits: String = s[3..3 + close].chars().filter(|&c| c != '_').collect();
            if digits.is_empty() || digits.len() > 6 {
                return (Err(("invalid unicode escape: expected 1 to 6 hex digits".to_string(), 0, used)), used);
            }
            match u32::from_str_radix(&digits, 16).ok().map(char::from_u32) {
                Some(Some(ch)) => (Ok(Escaped::Char(ch)), used),
                Some(None) => {
                    (Err(("invalid unicode character escape: not a valid scalar value".to_string(), 0, used)), used)
                }
                None => (Err(("invalid character in unicode escape".to_string(), 0, used)), used),
            }
        }
        other => {
            let used = 1 + other.len_utf8();
            (Err((format!("unknown character escape: `{}`", other.escape_debug()), 0, used)), used)
        }
    }
}

/// `"..."`: scans to the closing quote, processing escapes. On a bad escape
/// the scan continues so that the lexer resumes after the string; the
/// first bad escape is reported.
pub(crate) fn lex_string(lex: &mut Lexer<Token>) -> Result<Token, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let mut out = String::new();
    let mut error: Option<LexError> = None;
    let mut i = 0;
    while i < rest.len() {
        let c = rest[i..].chars().next().unwrap_or('\0');
        match c {
            '"' => {
                lex.bump(i + 1);
                return match error {
                    Some(e) => Err(e),
                    None => Ok(Token::Str(out)),
                };
            }
            '\\' => {
                let (value, used) = read_escape(&rest[i..], true);
                match value {
                    Ok(Escaped::Char(ch)) => out.push(ch),
                    Ok(Escaped::LineContinuation) => {}
                    Err((msg, lo, hi)) => {
                        let at = start + 1 + i;
                        error.get_or_insert(LexError::at(msg, at + lo, at + hi));
                    }
                }
                i += used;
            }
            _ => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    lex.bump(rest.len());
    Err(LexError::at("unterminated double quote string", start, start + 1))
}

/// `r"..."`, `r#"..."#`: no escapes; ends at a quote followed by as many
/// `#` as opened it.
pub(crate) fn lex_raw_string(lex: &mut Lexer<Token>) -> Result<Token, LexError> {
    let start = lex.span().start;
    let hashes = lex.slice().len() - 2;
    let rest = lex.remainder();
    let mut search = 0;
    while let Some(pos) = rest[search..].find('"') {
        let quote = search + pos;
        let after = &rest[quote + 1..];
        if after.len() >= hashes && after.as_bytes()[..hashes].iter().all(|&b| b == b'#') {
            let text = rest[..quote].to_string();
            lex.bump(quote + 1 + hashes);
            return Ok(Token::Str(text));
        }
        search = quote + 1;
    }
    lex.bump(rest.len());
    Err(LexError::at("unterminated raw string", start, start + 2 + hashes))
}

/// After `'`: a character literal `'a'`, `'\n'`, or a label `'outer`.
pub(crate) fn lex_quote(lex: &mut Lexer<Token>) -> Result<Token, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let Some(c) = rest.chars().next() else {
        return Err(LexError::new("unterminated character literal"));
    };
    if c == '\\' {
        let (value, used) = read_escape(rest, false);
        let closed = rest[used..].starts_with('\'');
        lex.bump(used + usize::from(closed));
        let ch = match value {
            Ok(Escaped::Char(ch)) => ch,
            Ok(Escaped::LineContinuation) => '\n',
            Err((msg, lo, hi)) => return Err(LexError::at(msg, start + 1 + lo, start + 1 + hi)),
        };
        return if closed { Ok(Token::Char(ch)) } else { Err(LexError::new("unterminated character literal")) };
    }
    if c == '\'' {
        lex.bump(1);
        return Err(LexError::new("empty character literal"));
    }
    let after = &rest[c.len_utf8()..];
    if after.starts_with('\'') {
        lex.bump(c.len_utf8() + 1);
        return if c == '\n' || c == '\t' || c == '\r' {
            Err(LexError::new(format!("character constant must be escaped: `{}`", c.escape_debug())))
        } else {
            Ok(Token::Char(c))
        };
    }
    if is_ident_start(c) {
        let len = ident_len(rest);
        if rest[len..].starts_with('\'') {
            lex.bump(len + 1);
            return Err(LexError::new("character literal may only contain one codepoint"));
        }
        lex.bump(len);
        return Ok(Token::Label(rest[..len].to_string()));
    }
    if c != '\n' {
        lex.bump(c.len_utf8());
    }
    Err(LexError::new("unterminated character literal"))
}

/// After `b'`: one ASCII character or escape, then `'`.
pub(crate) fn lex_byte(lex: &mut Lexer<Token>) -> Result<Token, LexError> {
    let start = lex.span().start;
    let rest = lex.remainder();
    let (value, used) = match rest.chars().next() {
        Some('\\') => {
            let (value, used) = read_escape(rest, false);
            let value = match value {
                Ok(Escaped::Char(ch)) => Ok(ch),
                Ok(Escaped::LineContinuation) => Ok('\n'),
                Err((msg, lo, hi)) => Err(LexError::at(msg, start + 2 + lo, start + 2 + hi)),
            };
            (value, used)
        }
        Some('\'') => (Err(LexError::new("empty byte literal")), 0),
        Some('\n') | None => (Err(LexError::new("unterminated byte literal")), 0),
        Some(c) => (Ok(c), c.len_utf8()),
    };
    let closed = rest[used..].starts_with('\'');
    lex.bump(used + usize::from(closed));
    let ch = value?;
    if !closed {
        return Err(LexError::new("unterminated byte literal"));
    }
    if !ch.is_ascii() {
        return Err(LexError::new("non-ASCII character in byte literal"));
    }
    Ok(Token::Byte(ch as u8))
}

/// `/* ... */` with nesting; the comment token is dropped like whitespace.
pub(crate) fn lex_block_comment(lex: &mut Lexer<Token>) -> Result<(), LexError> {
    let start = lex.span().start;
    let bytes = lex.remainder().as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    lex.bump(i);
                    return Ok(());
                }
            }
            _ => i += 1,
        }
    }
    lex.bump(bytes.len());
    Err(LexError::at("unterminated block comment", start, start + 2))
}

#[cfg(test)]
mod tests {
    use crate::ast::Span;
    use crate::lexer::tests::{err, int, toks};
    use crate::lexer::{lex, FloatLit, IntLit, Token};

    fn float(text: &str) -> Token {
        Token::Float(FloatLit { text: text.to_string(), suffix: None })
    }

    #[test]
    fn integers_in_every_base_with_suffixes() {
        assert_eq!(toks("42 1_000 0xff 0o17 0b1010"), vec![int(42), int(1000), int(255), int(15), int(10)]);
        assert_eq!(
            toks("7u8 3usize 0x1fi64"),
            vec![
                Token::Int(IntLit { value: 7, suffix: Some("u8".into()) }),
                Token::Int(IntLit { value: 3, suffix: Some("usize".into()) }),
                Token::Int(IntLit { value: 31, suffix: Some("i64".into()) }),
            ]
        );
        assert_eq!(toks("340282366920938463463374607431768211455"), vec![int(u128::MAX)]);
    }

    #[test]
    fn integer_errors() {
        assert_eq!(err("340282366920938463463374607431768211456"), "integer literal is too large");
        assert_eq!(err("0b102"), "invalid digit for a base 2 literal");
        assert_eq!(err("0o8"), "invalid digit for a base 8 literal");
        assert_eq!(err("0x"), "no valid digits found for hexadecimal number");
        assert_eq!(err("12abc"), "invalid suffix `abc` for number literal");
        assert_eq!(err("1.5u8"), "invalid suffix `u8` for float literal");
        assert_eq!(err("1e+"), "expected at least one digit in exponent");
    }

    #[test]
    fn floats() {
        assert_eq!(
            toks("1.5 1e9 2.5e-3 4.8e+00 1_0.2_5"),
            vec![float("1.5"), float("1e9"), float("2.5e-3"), float("4.8e+00"), float("10.25")]
        );
        assert_eq!(
            toks("1.5f32 2f64"),
            vec![
                Token::Float(FloatLit { text: "1.5".into(), suffix: Some("f32".into()) }),
                Token::Float(FloatLit { text: "2".into(), suffix: Some("f64".into()) }),
            ]
        );
        assert_eq!(toks("1. "), vec![float("1.")]);
    }

    #[test]
    fn chars_labels_and_bytes() {
        assert_eq!(
            toks(r"'a' '\n' '\u{1F600}' '\''"),
            vec![Token::Char('a'), Token::Char('\n'), Token::Char('😀'), Token::Char('\'')]
        );
        assert_eq!(toks("'outer: loop"), vec![Token::Label("outer".into()), Token::Colon, Token::Loop]);
        assert_eq!(toks("break 'a"), vec![Token::Break, Token::Label("a".into())]);
        assert_eq!(toks("'a'..='z'"), vec![Token::Char('a'), Token::DotDotEq, Token::Char('z')]);
        assert_eq!(toks(r"b'a' b'\n' b"), vec![Token::Byte(b'a'), Token::Byte(b'\n'), Token::Ident("b".into())]);
        assert_eq!(toks("'é'"), vec![Token::Char('é')]);
    }

    #[test]
    fn char_errors() {
        assert_eq!(err("''"), "empty character literal");
        assert_eq!(err("'ab'"), "character literal may only contain one codepoint");
        assert_eq!(err(r"'\q'"), "unknown character escape: `q`");
        assert_eq!(err("'"), "unterminated character literal");
        assert_eq!(err("b'é'"), "non-ASCII character in byte literal");
        assert_eq!(err(r"'\u{110000}'"), "invalid unicode character escape: not a valid scalar value");
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(toks(r#""a\n\t\r\\\"\0\'\u{e9}""#), vec![Token::Str("a\n\t\r\\\"\0'é".into())]);
        assert_eq!(toks("\"two\nlines\""), vec![Token::Str("two\nlines".into())]);
        assert_eq!(toks("\"joined \\\n    here\""), vec![Token::Str("joined here".into())]);
        assert_eq!(
            toks(r#####"r"raw\n" r#"has "quotes""#"#####),
            vec![Token::Str("raw\\n".into()), Token::Str("has \"quotes\"".into())]
        );
    }

    #[test]
    fn string_errors_point_at_the_problem() {
        let (tokens, errors) = lex(r#"x "a\qb" y"#);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "unknown character escape: `q`");
        assert_eq!(errors[0].span, Span::new(4, 6));
        // The lexer resumes after the bad string.
        assert_eq!(tokens.last().map(|t| t.1.clone()), Some(Token::Ident("y".into())));
        assert_eq!(err("\"abc"), "unterminated double quote string");
        assert_eq!(err("r#\"abc\""), "unterminated raw string");
    }

    #[test]
    fn comments_nest() {
        assert_eq!(
            toks("a /* x /* y */ z */ b // c\nd"),
            vec![Token::Ident("a".into()), Token::Ident("b".into()), Token::Ident("d".into())]
        );
        assert_eq!(err("/* /* */"), "unterminated block comment");
    }
}
