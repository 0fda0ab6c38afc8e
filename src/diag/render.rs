//! Turns a [`Diagnostic`] into text (through miette's graphical handler) or into a JSON
//! line. This is the only place that knows miette.

use super::{Diagnostic, Label, Severity, escape};
use crate::source::{FileId, SourceFile, SourceMap};
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
        out = format!(
            "{}: {}\n",
            diagnostic.code,
            escape::line(&diagnostic.message)
        );
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
    let line = serde_json::to_string(&json).unwrap_or_else(|e| {
        format!(r#"{{"code":"PXI0900","severity":"error","message":"cannot serialise a diagnostic: {e}"}}"#)
    });
    // serde escapes the C0 controls but not the C1 ones or the bidirectional
    // overrides; written `\uXXXX` they mean the same to JSON, and nothing to a terminal.
    match escape::json(&line) {
        std::borrow::Cow::Borrowed(_) => line,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
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
            file: f,
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

impl Report<'_> {
    /// The part of a label miette underlines: all of it, except that a label longer
    /// than [`LINE_AROUND_LABEL`] on one line is cut to that (a long string, say),
    /// so that its snippet stays short.
    fn shown_range(&self, label: &Label) -> std::ops::Range<usize> {
        let range = label.span.range();
        let Some(source) = &self.source else {
            return range;
        };
        let text = source.file.shown_text();
        match text.get(range.clone()) {
            Some(inside) if inside.len() > LINE_AROUND_LABEL && !inside.contains('\n') => {
                range.start..ceil_char_boundary(text, range.start + LINE_AROUND_LABEL)
            }
            _ => range,
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
            f.write_str(&escape::line(&self.diagnostic.message))
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
        let mut text = self
            .diagnostic
            .help
            .as_deref()
            .map(|h| escape::line(h).into_owned())
            .unwrap_or_default();
        for note in &self.diagnostic.notes {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str("note: ");
            text.push_str(&escape::line(note));
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
            let span = SourceSpan::from(self.shown_range(label));
            let text = label.text.as_deref().map(|t| escape::line(t).into_owned());
            if label.primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
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
///
/// miette's own `SourceCode` for text scans it from the start for every snippet,
/// which makes thousands of diagnostics in one file quadratic; this one finds lines
/// through the file's line index and gives exactly what miette's would (the tests'
/// snapshots compare), with three differences: it shows [`SourceFile::shown_text`],
/// it cuts a long line around the label (miette pads to the label's column, which
/// cannot pass 65,535), and its `line_count` is the number of lines shown. miette's
/// counts the lines from the start of the file, and joins two labels' snippets when
/// a snippet's first line plus that count reaches the next one: a label on line 20
/// was shown with every line up to another on line 40.
struct Named<'a> {
    name: &'a str,
    file: &'a SourceFile,
}

/// How much of a line is shown before and after a label, in bytes, at most.
const LINE_AROUND_LABEL: usize = 256;

/// The longest line a snippet holds, in bytes: labels that would need a longer one
/// (two far apart on one line) are shown one by one.
const MAX_SHOWN_LINE: usize = 4096;

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.file.shown_text();
        let starts = self.file.line_starts();
        let (start, end) = (span.offset(), span.offset() + span.len());
        // As miette reads it: the span's last byte must be in the text, or just past it.
        let last = end.saturating_sub(1);
        if last > text.len() || start > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
        let line = line_of(start);
        let line_start = starts.get(line).copied().unwrap_or(0);
        let (mut from, mut first_line, column) = if context_lines_before == 0 {
            (start, line, start - line_start)
        } else {
            let first = line.saturating_sub(context_lines_before);
            (starts.get(first).copied().unwrap_or(0), first, 0)
        };
        let mut to = if context_lines_after == 0 {
            // miette's own may cut a character here; its data is not shown then.
            ceil_char_boundary(text, last + 1)
        } else {
            // The line breaks counted after the span start at its end (at 1 for an
            // empty span at 0); the data ends after the last counted one.
            // (miette reads `\r\n` as one break, so one that the span's last byte
            // starts is not counted.)
            let mut counted = end.max(1);
            if text.as_bytes().get(counted - 1..=counted) == Some(b"\r\n") {
                counted += 1;
            }
            let counted_from = starts.partition_point(|&s| s <= counted);
            starts
                .get(counted_from + context_lines_after)
                .copied()
                .unwrap_or(text.len())
        };
        if context_lines_before > 0 && start - line_start > LINE_AROUND_LABEL {
            from = floor_char_boundary(text, start - LINE_AROUND_LABEL);
            first_line = line;
        }
        let end_line_end = starts
            .get(line_of(last.max(start)) + 1)
            .copied()
            .unwrap_or(text.len());
        if context_lines_after > 0 && end_line_end.saturating_sub(end) > LINE_AROUND_LABEL {
            to = ceil_char_boundary(text, end.max(start) + LINE_AROUND_LABEL);
        }
        let data = text.get(from..to).ok_or(MietteError::OutOfBounds)?;
        if (context_lines_before > 0 || context_lines_after > 0)
            && data.split('\n').any(|l| l.len() > MAX_SHOWN_LINE)
        {
            return Err(MietteError::OutOfBounds);
        }
        let last_shown = line_of(to.saturating_sub(1).max(from));
        let line_count = last_shown + 1 - first_line.min(last_shown);
        Ok(Box::new(MietteSpanContents::new_named(
            escape::line(self.name).into_owned(),
            data.as_bytes(),
            SourceSpan::from(from..to),
            first_line,
            column,
            line_count,
        )))
    }
}

/// The last character boundary at or before `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

/// The first character boundary at or after `at`.
fn ceil_char_boundary(text: &str, at: usize) -> usize {
    (at.min(text.len())..=text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a snippet read gives, to compare two sources (all but the line count,
    /// which differs on purpose).
    fn read(
        source: &dyn SourceCode,
        span: SourceSpan,
        context: usize,
    ) -> Option<(Vec<u8>, SourceSpan, usize, usize, usize)> {
        let c = source.read_span(&span, context, context).ok()?;
        Some((c.data().to_vec(), *c.span(), c.line(), c.column(), 0))
    }

    #[test]
    fn the_line_index_reads_what_miette_reads() {
        let texts = [
            "",
            "a",
            "\n",
            "vm a {\n  cores = 2\n}\n",
            "x\n\n\nyz\nlast",
            "é\r\nü\r\n\r\nend\r\n",
            "a\nb\nc\nd\ne\nf\ng\n",
        ];
        for text in texts {
            let mut map = SourceMap::new();
            let id = map.add("t.pxi", text);
            let Some(file) = map.get(id) else { continue };
            let named = Named {
                name: "t.pxi",
                file,
            };
            for start in 0..=text.len() {
                for len in 0..=text.len() - start {
                    let end = start + len;
                    // pxic's spans hold whole characters, and no span starts or
                    // ends inside a `\r\n`.
                    let inside_crlf = |at: usize| at > 0 && text.get(at - 1..=at) == Some("\r\n");
                    if !text.is_char_boundary(start)
                        || !text.is_char_boundary(end)
                        || inside_crlf(start)
                        || inside_crlf(end)
                    {
                        continue;
                    }
                    for context in [0, 1, 2] {
                        let span = SourceSpan::from(start..end);
                        let mut theirs = read(&text, span, context);
                        let mut ours = read(&named, span, context);
                        // Without context miette uses only the line and column.
                        if context == 0 {
                            theirs = theirs.map(|t| (Vec::new(), span, t.2, t.3, 0));
                            ours = ours.map(|o| (Vec::new(), span, o.2, o.3, 0));
                        }
                        assert_eq!(
                            ours, theirs,
                            "{text:?} at {start}..{end}, {context} lines around"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn an_error_past_column_65535_renders() {
        let text = format!("vm a {{ tags = [{}zz@ ] }}\n", "\"x\", ".repeat(20_000));
        let mut map = SourceMap::new();
        let id = map.add("long.pxi", text.as_str());
        let at = text.find('@').unwrap_or(0);
        let d = Diagnostic::error(crate::diag::Code::SyntaxError, "found `@`")
            .with_primary(crate::source::Span::new(id, at, at + 1), "here")
            .with_secondary(crate::source::Span::new(id, 0, 2), "in this");
        let out = render(&map, &d, Style::Plain, 80);
        assert!(out.contains("[long.pxi:1:100018]"), "{out}");
        assert!(out.contains("zz@"), "{out}");
        // A label as long as a long line (an unterminated string) is cut too.
        let text = format!("vm a {{ x = \"{}\n}}\n", "a".repeat(100_000));
        let id = map.add("string.pxi", text.as_str());
        let d = Diagnostic::error(crate::diag::Code::UnterminatedString, "unterminated")
            .with_primary(crate::source::Span::new(id, 11, 100_012), "never closed");
        let out = render(&map, &d, Style::Plain, 80);
        assert!(out.contains("[string.pxi:1:12]"), "{out}");
        assert!(
            out.contains("never closed") && !out.contains("Failed"),
            "{out}"
        );
    }

    #[test]
    fn control_characters_from_the_source_never_reach_the_terminal() {
        let text = "vm \"a\u{1b}[2J\" {\n  tags = [\"\u{202E}gpj.exe\", \"\u{9b}31m\r\"]\n}\n";
        let mut map = SourceMap::new();
        let id = map.add("evil\u{1b}]0;x\u{7}.pxi", text);
        let d = Diagnostic::error(crate::diag::Code::UnknownName, "unknown name `a\u{1b}[2J`")
            .with_primary(crate::source::Span::new(id, 3, 10), "not \u{8}\u{8}here")
            .with_help("did you mean `b\r\u{1b}[1A`?")
            .with_note("in the generated `x\u{2066}`");
        for style in [Style::Plain, Style::Colored] {
            let out = render(&map, &d, style, 80);
            let bad: Vec<char> = out
                .chars()
                .filter(|c| {
                    (c.is_control() && *c != '\n' && *c != '\u{1b}')
                        || ('\u{202A}'..='\u{2069}').contains(c)
                })
                .collect();
            assert!(bad.is_empty(), "{bad:?} in {out}");
            if style == Style::Plain {
                assert!(!out.contains('\u{1b}'), "{out}");
                assert!(out.contains("unknown name `a\\u{1b}[2J`"), "{out}");
            } else {
                assert!(
                    !out.contains("\u{1b}[2J") && !out.contains("\u{1b}]0"),
                    "{out}"
                );
            }
        }
        let json = to_json(&map, &d);
        assert!(!json.contains('\u{1b}'), "{json}");
    }
}
