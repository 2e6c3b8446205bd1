//! The format-string language of `println!`/`format!` (Rust's subset):
//! `{}`, `{name}`, `{0}`, `{:?}`, `{:>8.3}`, `{:<4}`, `{:05}`, `{:+}`,
//! `{name:.2}`, `{{` and `}}`, and the numeric forms `{:x}`, `{:X}`,
//! `{:b}`, `{:o}`, `{:e}`, `{:E}` (`{:#x}` with the `0x` prefix).
//!
//! The grammar is Rust's (`std::fmt`):
//! `'{' [argument] [':' [[fill]align][sign]['#']['0'][width]['.' precision][type]] '}'`
//! where `argument` is an index or an identifier, `width` and `precision`
//! are integers (the `$` and `*` forms are rejected with a message), and
//! `type` is empty, `?`, `x?`, `X?`, `x`, `X`, `b`, `o`, `e` or `E`. Errors
//! carry a byte offset into the string and rustc's words.

use serde::{Deserialize, Serialize};

/// Alignment inside a padded field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sign {
    /// No sign flag: `-` only for negatives.
    Default,
    /// `{:+}`
    Plus,
}

/// Everything after the `:` of one placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FormatSpec {
    pub fill: char,
    pub align: Option<Align>,
    pub sign: Sign,
    /// `#`
    pub alternate: bool,
    /// `0` flag
    pub zero: bool,
    pub width: Option<u32>,
    pub precision: Option<u32>,
    /// `?`
    pub debug: bool,
    /// The numeric form (`x`, `X`, `b`, `o`, `e`, `E`); `Plain` for
    /// Display or Debug as `debug` says.
    pub ty: FormatType,
}

/// The numeric forms of a placeholder's type letter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormatType {
    /// `{}` / `{:?}`
    #[default]
    Plain,
    /// `{:x}` (and `{:x?}` with `debug`)
    LowerHex,
    /// `{:X}`
    UpperHex,
    /// `{:b}`
    Binary,
    /// `{:o}`
    Octal,
    /// `{:e}`
    LowerExp,
    /// `{:E}`
    UpperExp,
}

impl Default for FormatSpec {
    fn default() -> Self {
        FormatSpec {
            fill: ' ',
            align: None,
            sign: Sign::Default,
            alternate: false,
            zero: false,
            width: None,
            precision: None,
            debug: false,
            ty: FormatType::Plain,
        }
    }
}

/// Which argument a placeholder takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgRef {
    /// `{}`: the next positional argument.
    Next,
    /// `{0}`
    Index(usize),
    /// `{name}`: a variable in scope (or a named argument).
    Name(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FmtSegment {
    Lit(String),
    Arg { arg: ArgRef, spec: FormatSpec },
}

/// The largest width or precision Rust accepts.
const MAX_COUNT: u64 = u16::MAX as u64;

fn error(at: usize, msg: impl std::fmt::Display) -> (usize, String) {
    (at, format!("invalid format string: {msg}"))
}

/// Parses a format string. On error returns the byte offset inside `s` and
/// a message in rustc's words.
pub fn parse_format_string(s: &str) -> Result<Vec<FmtSegment>, (usize, String)> {
    let mut segs = Vec::new();
    let mut lit = String::new();
    let mut p = Parser { s, i: 0 };
    while let Some(c) = p.peek() {
        match c {
            '{' if p.peek_at(1) == Some('{') => {
                lit.push('{');
                p.i += 2;
            }
            '}' if p.peek_at(1) == Some('}') => {
                lit.push('}');
                p.i += 2;
            }
            '}' => return Err(error(p.i, "unmatched `}` found")),
            '{' => {
                if !lit.is_empty() {
                    segs.push(FmtSegment::Lit(std::mem::take(&mut lit)));
                }
                p.i += 1;
                segs.push(p.placeholder()?);
            }
            _ => {
                lit.push(c);
                p.i += c.len_utf8();
            }
        }
    }
    if !lit.is_empty() {
        segs.push(FmtSegment::Lit(lit));
    }
    Ok(segs)
}

struct Parser<'a> {
    s: &'a str,
    /// Byte offset of the next char.
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.i..].chars().next()
    }

    /// The char `n` chars ahead of the next one.
    fn peek_at(&self, n: usize) -> Option<char> {
        self.s[self.i..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// The rest of a placeholder, after its `{`.
    fn placeholder(&mut self) -> Result<FmtSegment, (usize, String)> {
        let arg = self.argument()?;
        let mut spec = FormatSpec::default();
        if self.eat(':') {
            self.spec(&mut spec)?;
        }
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += self.peek().map_or(1, char::len_utf8);
        }
        match self.peek() {
            Some('}') => {
                self.i += 1;
                Ok(FmtSegment::Arg { arg, spec })
            }
            Some(c) => Err(error(self.i, format_args!("expected `'}}'`, found `{c:?}`"))),
            None => Err(error(self.i, "expected `'}'` but string was terminated")),
        }
    }

    fn argument(&mut self) -> Result<ArgRef, (usize, String)> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = self.integer()?;
                Ok(ArgRef::Index(usize::try_from(n).map_err(|_| error(start, "argument index is too large"))?))
            }
            Some(c) if c == '_' || c.is_alphabetic() => {
                while self.peek().is_some_and(|c| c == '_' || c.is_alphanumeric()) {
                    self.bump();
                }
                let name = &self.s[start..self.i];
                if name == "_" {
                    return Err(error(start, "invalid argument name `_`"));
                }
                Ok(ArgRef::Name(name.to_string()))
            }
            _ => Ok(ArgRef::Next),
        }
    }

    /// A decimal integer (the caller has seen its first digit).
    fn integer(&mut self) -> Result<u64, (usize, String)> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.s[start..self.i].parse::<u64>().map_err(|_| error(start, "integer is too large"))
    }

    /// A width or precision: an integer that fits in `u16`.
    fn count(&mut self, what: &str) -> Result<u32, (usize, String)> {
        let start = self.i;
        let n = self.integer()?;
        if self.peek() == Some('$') {
            return Err(error(start, format_args!("{what} parameters (`$`) are not supported")));
        }
        if n > MAX_COUNT {
            return Err(error(
                start,
                format_args!("integer `{}` does not fit into the type `u16` whose range is `0..=65535`", &self.s[start..self.i]),
            ));
        }
        Ok(n as u32)
    }

    fn spec(&mut self, spec: &mut FormatSpec) -> Result<(), (usize, String)> {
        let align_of = |c: Option<char>| match c {
            Some('<') => Some(Align::Left),
            Some('^') => Some(Align::Center),
            Some('>') => Some(Align::Right),
            _ => None,
        };
        // [[fill]align]
        if let (Some(fill), Some(a)) = (self.peek(), align_of(self.peek_at(1))) {
            spec.fill = fill;
            spec.align = Some(a);
            self.bump();
            self.bump();
        } else if let Some(a) = align_of(self.peek()) {
            spec.align = Some(a);
            self.bump();
        }
        // [sign]
        if self.eat('+') {
            spec.sign = Sign::Plus;
        } else {
            // `-` is accepted and means nothing, as in Rust.
            self.eat('-');
        }
        if self.eat('#') {
            spec.alternate = true;
        }
        // ['0'] (not a width of `0$`)
        if self.peek() == Some('0') && self.peek_at(1) != Some('$') {
            self.i += 1;
            spec.zero = true;
        }
        // [width]
        match self.peek() {
            Some(c) if c.is_ascii_digit() => spec.width = Some(self.count("width")?),
            Some(c) if (c == '_' || c.is_alphabetic()) && self.ident_then_dollar() => {
                return Err(error(self.i, "width parameters (`$`) are not supported"));
            }
            _ => {}
        }
        // ['.' precision]
        if self.eat('.') {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => spec.precision = Some(self.count("precision")?),
                Some('*') => return Err(error(self.i, "precision `*` is not supported")),
                Some(c) if (c == '_' || c.is_alphabetic()) && self.ident_then_dollar() => {
                    return Err(error(self.i, "precision parameters (`$`) are not supported"));
                }
                _ => return Err(error(self.i, "expected a precision after `.`")),
            }
        }
        // [type]
        let start = self.i;
        while self.peek().is_some_and(|c| c == '_' || c.is_alphanumeric()) {
            self.bump();
        }
        let word = &self.s[start..self.i];
        spec.ty = match word {
            "" => FormatType::Plain,
            "x" => FormatType::LowerHex,
            "X" => FormatType::UpperHex,
            "b" => FormatType::Binary,
            "o" => FormatType::Octal,
            "e" => FormatType::LowerExp,
            "E" => FormatType::UpperExp,
            _ => return Err(error(start, format_args!("unknown format trait `{word}`"))),
        };
        if self.eat('?') {
            if !matches!(spec.ty, FormatType::Plain | FormatType::LowerHex | FormatType::UpperHex) {
                return Err(error(start, format_args!("unknown format trait `{word}?`")));
            }
            spec.debug = true;
        }
        Ok(())
    }

    /// Whether an identifier followed by `$` starts here.
    fn ident_then_dollar(&self) -> bool {
        let rest = &self.s[self.i..];
        let end = rest.find(|c: char| !(c == '_' || c.is_alphanumeric())).unwrap_or(rest.len());
        rest[end..].starts_with('$')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(arg: ArgRef, spec: FormatSpec) -> FmtSegment {
        FmtSegment::Arg { arg, spec }
    }

    fn lit(s: &str) -> FmtSegment {
        FmtSegment::Lit(s.to_string())
    }

    #[test]
    fn literals_and_escapes() {
        assert_eq!(parse_format_string("").unwrap(), vec![]);
        assert_eq!(parse_format_string("héllo").unwrap(), vec![lit("héllo")]);
        assert_eq!(parse_format_string("{{}}").unwrap(), vec![lit("{}")]);
        assert_eq!(parse_format_string("a {{x}} b").unwrap(), vec![lit("a {x} b")]);
    }

    #[test]
    fn arguments() {
        let d = FormatSpec::default();
        assert_eq!(
            parse_format_string("x = {} {name} {0}!").unwrap(),
            vec![
                lit("x = "),
                arg(ArgRef::Next, d.clone()),
                lit(" "),
                arg(ArgRef::Name("name".into()), d.clone()),
                lit(" "),
                arg(ArgRef::Index(0), d.clone()),
                lit("!")
            ]
        );
        assert_eq!(parse_format_string("{ }").unwrap(), vec![arg(ArgRef::Next, d)]);
    }

    #[test]
    fn specs() {
        let one = |s: &str| match parse_format_string(s).unwrap().pop() {
            Some(FmtSegment::Arg { spec, .. }) => spec,
            other => panic!("{other:?}"),
        };
        let s = one("{:>8.3}");
        assert_eq!((s.align, s.width, s.precision), (Some(Align::Right), Some(8), Some(3)));
        let s = one("{:*^+#012.5?}");
        assert_eq!(s.fill, '*');
        assert_eq!(s.align, Some(Align::Center));
        assert_eq!(s.sign, Sign::Plus);
        assert!(s.alternate && s.zero && s.debug);
        assert_eq!((s.width, s.precision), (Some(12), Some(5)));
        let s = one("{:05}");
        assert!(s.zero);
        assert_eq!(s.width, Some(5));
        let s = one("{:0}");
        assert!(s.zero);
        assert_eq!(s.width, None);
        let s = one("{:<<4}");
        assert_eq!((s.fill, s.align, s.width), ('<', Some(Align::Left), Some(4)));
        let s = one("{:é>3}");
        assert_eq!((s.fill, s.align), ('é', Some(Align::Right)));
        let s = one("{name:.2}");
        assert_eq!(s.precision, Some(2));
        assert_eq!(one("{:#x}").ty, FormatType::LowerHex);
        assert!(one("{:#x}").alternate);
        assert_eq!(one("{:X}").ty, FormatType::UpperHex);
        assert_eq!(one("{:b}").ty, FormatType::Binary);
        assert_eq!(one("{:o}").ty, FormatType::Octal);
        assert_eq!(one("{:e}").ty, FormatType::LowerExp);
        let s = one("{:x?}");
        assert!(s.debug && s.ty == FormatType::LowerHex);
        assert_eq!(one("{:-}").sign, Sign::Default);
        assert!(one("{:#?}").alternate);
    }

    #[test]
    fn errors_have_offsets_and_rustc_words() {
        assert_eq!(
            parse_format_string("ab {").unwrap_err(),
            (4, "invalid format string: expected `'}'` but string was terminated".to_string())
        );
        assert_eq!(parse_format_string("a } b").unwrap_err(), (2, "invalid format string: unmatched `}` found".to_string()));
        assert_eq!(parse_format_string("{a b}").unwrap_err(), (3, "invalid format string: expected `'}'`, found `'b'`".to_string()));
        assert_eq!(parse_format_string("{:y}").unwrap_err(), (2, "invalid format string: unknown format trait `y`".to_string()));
        assert_eq!(
            parse_format_string("{:99999}").unwrap_err(),
            (2, "invalid format string: integer `99999` does not fit into the type `u16` whose range is `0..=65535`".to_string())
        );
        assert!(parse_format_string("{:1$}").unwrap_err().1.contains("not supported"));
        assert!(parse_format_string("{:.*}").unwrap_err().1.contains("not supported"));
        assert!(parse_format_string("{:w$}").unwrap_err().1.contains("not supported"));
        assert!(parse_format_string("{:.}").is_err());
        assert!(parse_format_string("{_}").is_err());
        assert!(parse_format_string("{:e?}").is_err());
        assert!(parse_format_string("{:5").is_err());
    }

    #[test]
    fn random_strings_parse_or_fail_with_a_valid_offset() {
        // A fixed pseudo-random generator over the grammar's alphabet: every
        // input parses or fails, and an error's offset is a char boundary
        // inside the string.
        let alphabet: Vec<char> = "{}:<>^+-#0.?x$*é9a_ bX😀".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            let mut s = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (state >> 60) as usize;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            if let Err((at, msg)) = parse_format_string(&s) {
                assert!(at <= s.len() && s.is_char_boundary(at), "{s:?}: offset {at}");
                assert!(msg.starts_with("invalid format string: "), "{s:?}: {msg}");
            }
        }
    }

    #[test]
    fn never_panics_on_arbitrary_input() {
        // Every prefix of tricky strings (including cuts inside multi-byte
        // chars' neighbours) parses or fails cleanly.
        let samples = ["{:é>3}", "{{é}}", "{0:>+#08.3?}", "}{", "{:\u{1F600}^9}", "{é", "{:😀<5}x"];
        for s in samples {
            for (i, _) in s.char_indices() {
                let _ = parse_format_string(&s[..i]);
                let _ = parse_format_string(&s[i..]);
            }
        }
    }
}
