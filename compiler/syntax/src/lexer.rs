//! The lexer: source text to tokens with byte spans, built on `logos`.
//!
//! Simple tokens (keywords, operators, identifiers) are declared as `logos`
//! patterns. Everything whose extent depends on more than a regular
//! expression can express cheaply (nested block comments, strings with
//! escapes, raw strings with `#` fences, character literals versus labels,
//! numbers with bases, exponents and suffixes) is matched on its first
//! character and finished by a callback in `literals.rs` that scans the
//! rest once. That keeps the lexer linear on every input: a regex that
//! could match an unterminated string would rescan the rest of the file
//! from every quote.
//!
//! Two decisions differ from a naive lexer and matter to the parser:
//! - `>` is always a token of its own (`>=` and `>>=` stay whole), so that
//!   `Vec<Vec<i64>>` closes two generic lists. A `>` directly followed by
//!   another becomes `GtJoint`, from which the grammar builds the shift
//!   operator `>>`; a spaced `> >` is two comparisons' worth of `>`.
//! - A float such as `0.1` directly after a `.` is split into `0` `.` `1`,
//!   as rustc does, so that `x.0.1` reads two tuple fields.
//!
//! Newlines are not tokens: the semicolon adapter (`asi.rs`) looks at the
//! source between two tokens to see whether a line ended there.

use std::collections::VecDeque;

use logos::{Lexer, Logos};

use crate::literals::{lex_block_comment, lex_byte, lex_number, lex_quote, lex_raw_string, lex_string};

use crate::ast::Span;
use crate::SyntaxError;

/// The value of an integer literal as written, before any type is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntLit {
    pub value: u128,
    pub suffix: Option<String>,
}

/// A float literal's text without `_` and suffix, parsed later by the
/// checker once it knows the literal's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FloatLit {
    pub text: String,
    pub suffix: Option<String>,
}

/// A lexical error found inside a token. `span` is absolute and narrower
/// than the token when the problem is one escape inside a string; `None`
/// means the whole token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LexError {
    pub message: String,
    pub span: Option<(usize, usize)>,
}

impl LexError {
    pub(crate) fn new(message: impl Into<String>) -> LexError {
        LexError { message: message.into(), span: None }
    }

    pub(crate) fn at(message: impl Into<String>, lo: usize, hi: usize) -> LexError {
        LexError { message: message.into(), span: Some((lo, hi)) }
    }

    /// The error for input that starts no token at all.
    fn unknown(lex: &mut Lexer<Token>) -> LexError {
        let ch = lex.slice().chars().next().unwrap_or('?');
        LexError::new(format!("unknown start of token: {}", ch.escape_debug()))
    }
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error(LexError, LexError::unknown))]
pub enum Token {
    // Keywords of LANGUAGE.md section 1.
    #[token("fn")]
    Fn,
    #[token("let")]
    Let,
    #[token("mut")]
    Mut,
    #[token("const")]
    Const,
    #[token("static")]
    Static,
    #[token("struct")]
    Struct,
    #[token("enum")]
    Enum,
    #[token("trait")]
    Trait,
    #[token("impl")]
    Impl,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("while")]
    While,
    #[token("loop")]
    Loop,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("match")]
    Match,
    #[token("return")]
    Return,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("go")]
    Go,
    #[token("defer")]
    Defer,
    #[token("select")]
    Select,
    #[token("use")]
    Use,
    #[token("mod")]
    Mod,
    #[token("pub")]
    Pub,
    #[token("as")]
    As,
    #[token("move")]
    Move,
    #[token("self")]
    SelfValue,
    #[token("Self")]
    SelfType,
    #[token("true")]
    True,
    #[token("false")]
    False,
    /// `dyn` and `ref` are not in LANGUAGE.md's list, but they are Rust
    /// keywords and are reserved here too: `Box<dyn Fn()>` and `ref x`
    /// then parse without guessing, and no valid Rust names them.
    #[token("dyn")]
    Dyn,
    #[token("ref")]
    Ref,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice().to_string())]
    Ident(String),
    /// `_` on its own: a wildcard, never an identifier.
    #[token("_", priority = 100)]
    Underscore,
    /// `'name`: a loop label (without the quote).
    Label(String),

    Int(IntLit),
    Float(FloatLit),
    Char(char),
    Byte(u8),
    Str(String),

    // Tokens produced only by callbacks, which decide the real variant.
    #[regex("[0-9]", lex_number)]
    NumberStart,
    #[token("'", lex_quote)]
    QuoteStart,
    #[token("b'", lex_byte)]
    ByteStart,
    #[token("\"", lex_string)]
    StringStart,
    #[regex("r#*\"", lex_raw_string)]
    RawStringStart,
    /// Whitespace and comments are tokens that `Lexed` drops, rather than
    /// `logos` skips: logos 0.16 handles a skip by recursing into itself,
    /// so a file with tens of thousands of comment lines in a row would
    /// overflow the stack.
    #[regex(r"[ \t\r\n\f]+")]
    Whitespace,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LineComment,
    #[token("/*", lex_block_comment)]
    BlockComment,

    // Punctuation.
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token("::")]
    PathSep,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("..=")]
    DotDotEq,
    #[token("...")]
    DotDotDot,
    #[token("->")]
    Arrow,
    #[token("=>")]
    FatArrow,
    #[token("|>")]
    Pipe,
    #[token("#")]
    Hash,
    #[token("@")]
    At,
    #[token("?")]
    Question,
    #[token("$")]
    Dollar,

    // Operators.
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("^")]
    Caret,
    #[token("!")]
    Bang,
    #[token("&")]
    Amp,
    #[token("|")]
    Or,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("<<")]
    Shl,
    #[token("=")]
    Eq,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    /// A `>` directly followed by another `>`: the first half of the shift
    /// operator `>>`, or a `>` closing an inner generic list in
    /// `Vec<Vec<T>>`. Splitting lets the LR(1) grammar tell `a >> b` from
    /// `a > b` with one token of lookahead.
    GtJoint,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("^=")]
    CaretEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    OrEq,
    #[token("<<=")]
    ShlEq,
    #[token(">>=")]
    ShrEq,

    /// A `#[...]` attribute, folded into one token by the semicolon
    /// adapter: its name (`derive`, `intrinsic`). The lexer itself never
    /// produces it.
    Attr(String),
    /// A `#![...]` inner attribute, folded like `Attr`.
    InnerAttr(String),
    /// A `;` inserted by the semicolon adapter at a line end. The grammar
    /// treats it exactly as `;`; it is separate only so that an error
    /// message can say "found end of line" instead of "found `;`".
    AutoSemi,
}

impl Token {
    /// How a diagnostic names this token: rustc's words, with backquotes.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("`{name}`"),
            Token::Label(name) => format!("label `'{name}`"),
            Token::Int(lit) => format!("`{}`", lit.value),
            Token::Float(lit) => format!("`{}`", lit.text),
            Token::Char(c) => format!("`{:?}`", c),
            Token::Byte(b) => format!("`b{:?}`", *b as char),
            Token::Str(_) => "string literal".to_string(),
            Token::Attr(name) => format!("attribute `#[{name}]`"),
            Token::InnerAttr(name) => format!("attribute `#![{name}]`"),
            Token::AutoSemi => "end of line".to_string(),
            other => format!("`{}`", other.spelling()),
        }
    }

    /// The fixed spelling of a punctuation or keyword token; literals and
    /// identifiers have none and answer with a category.
    pub fn spelling(&self) -> &'static str {
        use Token::*;
        match self {
            Fn => "fn",
            Let => "let",
            Mut => "mut",
            Const => "const",
            Static => "static",
            Struct => "struct",
            Enum => "enum",
            Trait => "trait",
            Impl => "impl",
            For => "for",
            In => "in",
            While => "while",
            Loop => "loop",
            If => "if",
            Else => "else",
            Match => "match",
            Return => "return",
            Break => "break",
            Continue => "continue",
            Go => "go",
            Defer => "defer",
            Select => "select",
            Use => "use",
            Mod => "mod",
            Pub => "pub",
            As => "as",
            Move => "move",
            SelfValue => "self",
            SelfType => "Self",
            True => "true",
            False => "false",
            Dyn => "dyn",
            Ref => "ref",
            Underscore => "_",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Semi | AutoSemi => ";",
            Colon => ":",
            PathSep => "::",
            Dot => ".",
            DotDot => "..",
            DotDotEq => "..=",
            DotDotDot => "...",
            Arrow => "->",
            FatArrow => "=>",
            Pipe => "|>",
            Hash => "#",
            At => "@",
            Question => "?",
            Dollar => "$",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Caret => "^",
            Bang => "!",
            Amp => "&",
            Or => "|",
            AndAnd => "&&",
            OrOr => "||",
            Shl => "<<",
            Eq => "=",
            EqEq => "==",
            Ne => "!=",
            Lt => "<",
            Gt | GtJoint => ">",
            Le => "<=",
            Ge => ">=",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            PercentEq => "%=",
            CaretEq => "^=",
            AmpEq => "&=",
            OrEq => "|=",
            ShlEq => "<<=",
            ShrEq => ">>=",
            Ident(_) => "identifier",
            Label(_) => "label",
            Int(_) | Float(_) => "number",
            Char(_) => "character literal",
            Byte(_) => "byte literal",
            Str(_) => "string literal",
            Attr(_) | InnerAttr(_) => "attribute",
            NumberStart | QuoteStart | ByteStart | StringStart | RawStringStart | BlockComment => "token",
            Whitespace | LineComment => "whitespace",
        }
    }
}

/// A token with its byte span `[lo, hi)`.
pub type Spanned = (usize, Token, usize);

/// Lexes the whole source into a vector (for tests and tools; the parser
/// streams through `Lexed` instead).
pub fn lex(src: &str) -> (Vec<Spanned>, Vec<SyntaxError>) {
    let mut lexed = Lexed::new(src);
    let tokens: Vec<Spanned> = lexed.by_ref().collect();
    (tokens, lexed.errors)
}

/// The lexer as a stream of tokens. Lexical errors do not stop it (it
/// resumes after the bad token, except that an unterminated string or
/// comment runs to the end of the file); they are collected in `errors`.
/// Streaming matters for hostile input: the adapter stops pulling at the
/// first nesting error, so a 10 MB file of `(` is never held as tokens.
pub struct Lexed<'src> {
    inner: Lexer<'src, Token>,
    /// Tokens lexed but not yet handed out. The newest one is held back
    /// until the next token is known, because that token may rewrite it
    /// (`>` followed by `>` becomes `GtJoint`) or be split after it (`0.1`
    /// after a `.`).
    queue: VecDeque<Spanned>,
    done: bool,
    pub errors: Vec<SyntaxError>,
}

impl<'src> Lexed<'src> {
    pub fn new(src: &'src str) -> Lexed<'src> {
        Lexed { inner: Token::lexer(src), queue: VecDeque::new(), done: false, errors: Vec::new() }
    }

    fn accept(&mut self, token: Token, lo: usize, hi: usize) {
        match token {
            Token::Whitespace | Token::LineComment | Token::BlockComment => {}
            Token::Float(lit) if self.follows_dot() && is_plain_fraction(&lit) => {
                split_tuple_fields(&mut self.queue, &lit.text, lo);
            }
            Token::Gt => {
                if let Some((_, last @ Token::Gt, last_hi)) = self.queue.back_mut() {
                    if *last_hi == lo {
                        *last = Token::GtJoint;
                    }
                }
                self.queue.push_back((lo, Token::Gt, hi));
            }
            token => self.queue.push_back((lo, token, hi)),
        }
    }

    fn follows_dot(&self) -> bool {
        matches!(self.queue.back(), Some((_, Token::Dot, _)))
    }
}

impl Iterator for Lexed<'_> {
    type Item = Spanned;

    fn next(&mut self) -> Option<Spanned> {
        loop {
            if self.queue.len() >= 2 || (self.done && !self.queue.is_empty()) {
                return self.queue.pop_front();
            }
            if self.done {
                return None;
            }
            match self.inner.next() {
                None => self.done = true,
                Some(result) => {
                    let range = self.inner.span();
                    match result {
                        Ok(token) => self.accept(token, range.start, range.end),
                        Err(err) => {
                            let (lo, hi) = err.span.unwrap_or((range.start, range.end));
                            self.errors.push(SyntaxError { span: Span::new(lo, hi), message: err.message });
                        }
                    }
                }
            }
        }
    }
}

/// `0.1`, written without exponent, suffix or separators: after a `.` it is
/// two tuple indices.
fn is_plain_fraction(lit: &FloatLit) -> bool {
    lit.suffix.is_none()
        && lit.text.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
}

fn split_tuple_fields(tokens: &mut VecDeque<Spanned>, text: &str, start: usize) {
    let (a, b) = text.split_once('.').unwrap_or((text, ""));
    // Both halves are short digit strings checked by `is_plain_fraction`;
    // a value beyond u128 saturates and the checker rejects the index.
    let int = |s: &str| Token::Int(IntLit { value: s.parse().unwrap_or(u128::MAX), suffix: None });
    let dot = start + a.len();
    tokens.push_back((start, int(a), dot));
    tokens.push_back((dot, Token::Dot, dot + 1));
    tokens.push_back((dot + 1, int(b), dot + 1 + b.len()));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn toks(src: &str) -> Vec<Token> {
        let (tokens, errors) = lex(src);
        assert!(errors.is_empty(), "unexpected errors for {src:?}: {errors:?}");
        tokens.into_iter().map(|(_, t, _)| t).collect()
    }

    pub(crate) fn err(src: &str) -> String {
        let (_, errors) = lex(src);
        assert!(!errors.is_empty(), "expected an error for {src:?}");
        errors[0].message.clone()
    }

    pub(crate) fn int(value: u128) -> Token {
        Token::Int(IntLit { value, suffix: None })
    }

    #[test]
    fn keywords_identifiers_and_spans() {
        let (tokens, _) = lex("fn main_1 _ self Self go");
        assert_eq!(
            tokens,
            vec![
                (0, Token::Fn, 2),
                (3, Token::Ident("main_1".into()), 9),
                (10, Token::Underscore, 11),
                (12, Token::SelfValue, 16),
                (17, Token::SelfType, 21),
                (22, Token::Go, 24),
            ]
        );
        assert_eq!(toks("_x fnord"), vec![Token::Ident("_x".into()), Token::Ident("fnord".into())]);
    }

    #[test]
    fn ranges_methods_and_tuple_fields_are_not_floats() {
        assert_eq!(toks("1..2"), vec![int(1), Token::DotDot, int(2)]);
        assert_eq!(toks("1..=2"), vec![int(1), Token::DotDotEq, int(2)]);
        assert_eq!(toks("1.max(2)")[..3], [int(1), Token::Dot, Token::Ident("max".into())]);
        let (tokens, _) = lex("x.0.1");
        assert_eq!(
            tokens,
            vec![
                (0, Token::Ident("x".into()), 1),
                (1, Token::Dot, 2),
                (2, int(0), 3),
                (3, Token::Dot, 4),
                (4, int(1), 5),
            ]
        );
    }

    #[test]
    fn operators() {
        use Token::*;
        assert_eq!(
            toks("|> ..= :: -> => += -= *= /= %= ^= &= |= <<= >>= == != <= >= && || << >> # ! ? @"),
            vec![
                Pipe, DotDotEq, PathSep, Arrow, FatArrow, PlusEq, MinusEq, StarEq, SlashEq, PercentEq, CaretEq, AmpEq,
                OrEq, ShlEq, ShrEq, EqEq, Ne, Le, Ge, AndAnd, OrOr, Shl, GtJoint, Gt, Hash, Bang, Question, At
            ]
        );
    }

    #[test]
    fn adjacent_greater_thans_are_joined() {
        use Token::*;
        assert_eq!(toks("a >> b"), vec![Ident("a".into()), GtJoint, Gt, Ident("b".into())]);
        assert_eq!(toks("a > > b")[1..3], [Gt, Gt]);
        assert_eq!(toks(">>>"), vec![GtJoint, GtJoint, Gt]);
    }

    #[test]
    fn unknown_characters_are_errors() {
        assert_eq!(err("a ~ b"), "unknown start of token: ~");
        assert_eq!(err("π"), "unknown start of token: π");
    }
}
