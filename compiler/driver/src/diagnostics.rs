//! Rendering of compile errors with `codespan-reporting`.
//!
//! The contract (LANGUAGE.md §8) is one line `file:line:col: error: message`
//! followed by the source line and a caret. codespan's short style prints
//! exactly that first line; its rich style prints the source snippet under
//! a header line of its own, which we drop because the short line already
//! said it. Diagnostics are sorted by position so that several errors read
//! top to bottom.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, DisplayStyle};
use gos_syntax::ast::Span;

/// Prints every diagnostic `(span, message, notes)` to stderr.
pub fn emit(file: &str, src: &str, diags: &[(Span, String, Vec<String>)]) {
    let files = SimpleFile::new(file, src);
    let mut sorted: Vec<&(Span, String, Vec<String>)> = diags.iter().collect();
    sorted.sort_by_key(|(span, _, _)| (span.lo, span.hi));
    let mut out = String::new();
    for (span, message, notes) in sorted {
        let lo = (span.lo as usize).min(src.len());
        let hi = (span.hi as usize).clamp(lo, src.len());
        let label = Label::primary((), lo..hi);
        let short = Diagnostic::error().with_message(message).with_labels(vec![label.clone()]);
        let short_cfg = Config { display_style: DisplayStyle::Short, ..Config::default() };
        let rich_cfg = Config { display_style: DisplayStyle::Rich, ..Config::default() };
        let header = term::emit_into_string(&short_cfg, &files, &short).unwrap_or_default();
        out.push_str(&header);
        let rich = Diagnostic::error().with_labels(vec![label]).with_notes(notes.clone());
        let body = term::emit_into_string(&rich_cfg, &files, &rich).unwrap_or_default();
        // Drop the rich style's own header ("error: ") line.
        let body = body.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
        out.push_str(body);
    }
    eprint!("{out}");
}
