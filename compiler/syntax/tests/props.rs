//! Property tests: no input makes the front end panic. Three generators:
//! soups of tokens from the language's own vocabulary (which reach deep
//! into the grammar, unlike random bytes), the same with balanced
//! delimiters (which get past the adapter's delimiter check into the
//! parser and its statement recovery), and random byte-level mutations of
//! valid programs (which reach the lexer's error paths). Each property only
//! asks that `parse` returns, `Ok` or `Err`; a panic fails the test. The
//! case counts keep the whole file at about ten seconds in release.

use proptest::prelude::*;

const VOCABULARY: &[&str] = &[
    "fn",
    "let",
    "mut",
    "const",
    "static",
    "struct",
    "enum",
    "trait",
    "impl",
    "for",
    "in",
    "while",
    "loop",
    "if",
    "else",
    "match",
    "return",
    "break",
    "continue",
    "go",
    "defer",
    "select",
    "use",
    "pub",
    "as",
    "move",
    "self",
    "Self",
    "true",
    "false",
    "_",
    "x",
    "y",
    "Vec",
    "i64",
    "Some",
    "None",
    "default",
    "ref",
    "dyn",
    "Fn",
    "main",
    "'a",
    "0",
    "1",
    "42u8",
    "1.5",
    "1e3",
    "'c'",
    "b'x'",
    "\"s\"",
    "r#\"raw\"#",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ":",
    "::",
    ".",
    "..",
    "..=",
    "->",
    "=>",
    "|>",
    "#",
    "#[derive(Debug)]",
    "@",
    "?",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "!",
    "&",
    "|",
    "&&",
    "||",
    "<<",
    ">>",
    "=",
    "==",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "+=",
    "-=",
    ">>=",
    "println!",
    "vec!",
    "\n",
    " ",
    "/* c */",
    "// c\n",
];

const PROGRAMS: &[&str] =
    &[include_str!("programs/items.gos"), include_str!("programs/exprs.gos"), include_str!("programs/asi.gos")];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..120).prop_map(|words| words.join(" "))
}

/// Words without delimiters, for balanced soups.
fn leaf() -> impl Strategy<Value = String> {
    let leaves: Vec<&'static str> =
        VOCABULARY.iter().copied().filter(|w| !w.contains(['(', ')', '[', ']', '{', '}'])).collect();
    prop::sample::select(leaves).prop_map(str::to_string)
}

/// Soups whose delimiters balance, so that they get past the adapter's
/// delimiter check and exercise the parser and its statement recovery.
fn balanced_soup() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 160, 12, |inner| {
        (prop::sample::select(&[("(", ")"), ("[", "]"), ("{", "}")][..]), prop::collection::vec(inner, 0..12))
            .prop_map(|((open, close), parts)| format!("{open} {} {close}", parts.join(" ")))
    })
}

fn balanced_soups() -> impl Strategy<Value = String> {
    prop::collection::vec(balanced_soup(), 0..12).prop_map(|parts| parts.join(" "))
}

/// Byte-level edits: delete, duplicate, or replace a range, or insert a
/// byte. The result may be invalid UTF-8, which is turned into a string
/// lossily, as a file reader would have to.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, u8),
    Replace(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), prop::sample::select(b"(){}[]<>;,.:'\"|&-+=!#\n \\0_xr".to_vec()))
            .prop_map(|(a, b)| Edit::Replace(a, b)),
    ]
}

fn apply(src: &str, edits: &[Edit]) -> String {
    let mut bytes = src.as_bytes().to_vec();
    for e in edits {
        let len = bytes.len().max(1);
        match *e {
            Edit::Delete(a, n) => {
                let a = a % len;
                let b = (a + n).min(bytes.len());
                if a < b {
                    bytes.drain(a..b);
                }
            }
            Edit::Duplicate(a, n) => {
                let a = a % len;
                let b = (a + n).min(bytes.len());
                if a < b {
                    let copy = bytes[a..b].to_vec();
                    bytes.splice(b..b, copy);
                }
            }
            Edit::Insert(a, byte) => {
                let a = a % (bytes.len() + 1);
                bytes.insert(a, byte);
            }
            Edit::Replace(a, byte) => {
                if !bytes.is_empty() {
                    let a = a % bytes.len();
                    bytes[a] = byte;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn token_soups_never_panic(src in soup()) {
        let _ = gos_syntax::parse(&src);
    }

    #[test]
    fn token_soups_inside_a_function_never_panic(body in soup()) {
        let _ = gos_syntax::parse(&format!("fn main() {{\n{body}\n}}"));
    }

    #[test]
    fn balanced_soups_inside_a_function_never_panic(body in balanced_soups()) {
        let _ = gos_syntax::parse(&format!("fn main() {{\n{body}\n}}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8_000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_programs_never_panic(which in 0..PROGRAMS.len(), edits in prop::collection::vec(edit(), 1..6)) {
        let src = apply(PROGRAMS[which], &edits);
        let _ = gos_syntax::parse(&src);
    }
}

/// Successful parses are stable under re-lexing: the token stream of a
/// valid program has spans that are in order and inside the source.
#[test]
fn token_spans_are_ordered_and_in_bounds() {
    for src in PROGRAMS {
        let tokens = gos_syntax::tokens(src).expect("valid program");
        let mut last = 0;
        for (lo, _, hi) in tokens {
            assert!(lo <= hi && hi <= src.len(), "span {lo}..{hi}");
            assert!(lo >= last, "spans out of order at {lo}");
            last = hi;
        }
    }
}
