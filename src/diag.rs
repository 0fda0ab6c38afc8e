//! Diagnostics: the one type every phase reports problems with.
//!
//! A [`Diagnostic`] is plain data (a stable [`Code`], a message, labelled spans, a help
//! line). Phases build them through named constructors in their own `errors.rs`;
//! [`render`] turns them into text with miette, and serde into JSON lines.

pub mod codes;
pub mod escape;
pub mod render;

pub use codes::Code;

use crate::source::Span;
use serde::Serialize;

/// How bad a problem is: errors fail the command, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A span with an optional text under it. The primary label marks what is wrong;
/// secondary labels point at related places ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
    pub primary: bool,
}

/// One problem found in the user's input (or in reading it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lowercase, no final period, names in backticks.
    pub message: String,
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn with_primary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
            primary: true,
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            text: Some(text.into()),
            primary: false,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// The primary label's span, or the first label's, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
            .map(|l| l.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file and position (those without a span first), so that output
/// does not depend on the order in which phases found them.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        let span = d.primary_span();
        (
            span.map(|s| (s.file, s.start, s.end)),
            d.code.as_str(),
            d.message.clone(),
        )
    });
}

/// Whether any of them is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Edit-distance suggestions for an unknown name: the candidates close enough to be a
/// plausible typo, nearest first.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = levenshtein(&name.to_lowercase(), &c.to_lowercase());
            (d <= limit).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().map(|(_, c)| c).collect()
}

/// The `count` candidates nearest to `name` by edit distance, nearest first (ties in
/// the candidates' order), however far they are.
pub fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    count: usize,
) -> Vec<&'a str> {
    let name = name.to_lowercase();
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (levenshtein(&name, &c.to_lowercase()), i, c))
        .collect();
    scored.sort();
    scored.into_iter().take(count).map(|(_, _, c)| c).collect()
}

/// Edit distance counting a swap of two neighbours as one edit (`wbe` → `web`), the
/// commonest typo (optimal string alignment).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_near_misses_nearest_first() {
        let kinds = ["vm", "host", "network", "template", "container"];
        assert_eq!(suggest("vmm", kinds), vec!["vm"]);
        assert_eq!(suggest("netwrok", kinds), vec!["network"]);
        assert_eq!(suggest("tempalte", kinds), vec!["template"]);
        assert_eq!(suggest("wbe", ["web", "db"]), vec!["web"]);
        assert!(suggest("zzzz", kinds).is_empty());
    }
}
