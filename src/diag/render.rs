//! Turns a [`Diagnostic`] into text (through miette's graphical handler) or into a JSON
//! line. This is the only place that knows miette.

use super::{Diagnostic, Label, Severity};
use crate::source::{FileId, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;
use std::fmt;

/// Whether rendered text may contain colour codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// No ANSI codes: for pipes, files, `NO_COLOR` and tests.
    Plain,
    /// Colours for a terminal.
    Colored,
}

/// Renders one diagnostic as miette shows it: code and message, file, line and column,
/// the source line with the labels under it, then the help line.
pub fn render(map: &SourceMap, diagnostic: &Diagnostic, style: Style, width: usize) -> String {
    let theme = match style {
        Style::Plain => GraphicalTheme::unicode_nocolor(),
        Style::Colored => GraphicalTheme::unicode(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .with_urls(false);
    let report = Report::new(map, diagnostic);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // A label outside its file would be a compiler bug; still say what is wrong.
        out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
    }
    out
}

/// Renders a diagnostic as one line of JSON (no trailing newline), with line and
/// column numbers resolved, for CI systems and editors.
pub fn to_json(map: &SourceMap, diagnostic: &Diagnostic) -> String {
    let labels = diagnostic
        .labels
        .iter()
        .filter_map(|label| {
            let file = map.get(label.span.file)?;
            let start = file.line_col(label.span.start as usize);
            let end = file.line_col(label.span.end as usize);
            Some(JsonLabel {
                file: &file.name,
                start: label.span.start,
                end: label.span.end,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                text: label.text.as_deref(),
                primary: label.primary,
            })
        })
        .collect();
    let json = JsonDiagnostic {
        code: diagnostic.code.as_str(),
        severity: diagnostic.severity,
        message: &diagnostic.message,
        labels,
        help: diagnostic.help.as_deref(),
        notes: &diagnostic.notes,
    };
    serde_json::to_string(&json).unwrap_or_else(|e| {
        format!(r#"{{"code":"PXI0900","severity":"error","message":"cannot serialise a diagnostic: {e}"}}"#)
    })
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    start: u32,
    end: u32,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    text: Option<&'a str>,
    primary: bool,
}

/// A diagnostic bound to the text of one file, in the shape miette wants. Labels that
/// point into other files become related reports, each with its own source.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    /// Labels in `source`; the rest are in `related`.
    labels: Vec<&'a Label>,
    source: Option<Named<'a>>,
    related: Vec<Report<'a>>,
    /// Related reports show only their labels, not the message again.
    is_related: bool,
}

impl<'a> Report<'a> {
    fn new(map: &'a SourceMap, diagnostic: &'a Diagnostic) -> Report<'a> {
        let main_file = diagnostic.primary_span().map(|s| s.file);
        let mut other_files: Vec<FileId> = diagnostic
            .labels
            .iter()
            .map(|l| l.span.file)
            .filter(|f| Some(*f) != main_file)
            .collect();
        other_files.sort();
        other_files.dedup();
        let related = other_files
            .into_iter()
            .map(|file| Report::for_file(map, diagnostic, Some(file), true))
            .collect();
        Report {
            related,
            ..Report::for_file(map, diagnostic, main_file, false)
        }
    }

    fn for_file(
        map: &'a SourceMap,
        diagnostic: &'a Diagnostic,
        file: Option<FileId>,
        is_related: bool,
    ) -> Report<'a> {
        let source = file.and_then(|f| map.get(f)).map(|f| Named {
            name: &f.name,
            text: &f.text,
        });
        let labels = diagnostic
            .labels
            .iter()
            .filter(|l| Some(l.span.file) == file && source.is_some())
            .collect();
        Report {
            diagnostic,
            labels,
            source,
            related: Vec::new(),
            is_related,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_related {
            f.write_str("see also")
        } else {
            f.write_str(&self.diagnostic.message)
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.is_related).then(|| Box::new(self.diagnostic.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match (self.is_related, self.diagnostic.severity) {
            (true, _) => miette::Severity::Advice,
            (false, Severity::Error) => miette::Severity::Error,
            (false, Severity::Warning) => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.is_related {
            return None;
        }
        let mut text = self.diagnostic.help.clone().unwrap_or_default();
        for note in &self.diagnostic.notes {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str("note: ");
            text.push_str(note);
        }
        (!text.is_empty()).then(|| Box::new(text) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|label| {
            let span = SourceSpan::from(label.span.range());
            if label.primary {
                LabeledSpan::new_primary_with_span(label.text.clone(), span)
            } else {
                LabeledSpan::new_with_span(label.text.clone(), span)
            }
        })))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// A file's text under its display name; miette shows the name above the snippet.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}
