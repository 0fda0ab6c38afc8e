//! Source files and positions in them.
//!
//! Every text pxic reads lives in one [`SourceMap`]; everything else refers to it by
//! [`FileId`] and byte [`Span`], so spans stay small (`Copy`) and line/column numbers
//! are computed only when a diagnostic is shown.

use serde::Serialize;

/// Identifies one file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(u32);

impl FileId {
    /// The id of a file that is not in any map; for parsing a lone string in tests.
    pub const DETACHED: FileId = FileId(u32::MAX);
}

/// A byte range in one file. Offsets are `u32`: a `.pxi` file over 4 GiB is refused on
/// reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: to_u32(start),
            end: to_u32(end.max(start)),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// The largest source file pxic reads, so that every offset fits a [`Span`].
pub const MAX_FILE_LEN: usize = u32::MAX as usize;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One source text and the name it is shown under.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it in diagnostics.
    pub name: String,
    /// The path relative to the project's folder, with `/` separators: the same on
    /// every machine, so it may appear in generated files.
    pub project_path: String,
    pub text: String,
    /// Where each line starts: made the first time a position is shown, since most
    /// runs show none and a large project has hundreds of thousands of lines.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// The text as a terminal may show it, made when first shown (see
    /// [`SourceFile::shown_text`]).
    shown: std::sync::OnceLock<Option<String>>,
}

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        SourceFile {
            project_path: name.clone(),
            name,
            text,
            line_starts: std::sync::OnceLock::new(),
            shown: std::sync::OnceLock::new(),
        }
    }

    /// The offset where each line starts (after each `\n`), the first being 0.
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The text with each byte of a control character (or a bidirectional override)
    /// shown as `?`: the same length, so every offset stays valid.
    pub fn shown_text(&self) -> &str {
        self.shown
            .get_or_init(|| match crate::diag::escape::same_length(&self.text) {
                std::borrow::Cow::Borrowed(_) => None,
                std::borrow::Cow::Owned(text) => Some(text),
            })
            .as_deref()
            .unwrap_or(&self.text)
    }

    /// Line and column of a byte offset; offsets past the end clamp to the end.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let line_start = line_starts[line];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count());
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }
}

/// Owns the text of every file in a run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(to_u32(self.files.len()));
        self.files.push(SourceFile::new(name.into(), text.into()));
        id
    }

    /// Records where a file is within its project (see [`SourceFile::project_path`]).
    pub fn set_project_path(&mut self, id: FileId, path: impl Into<String>) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.project_path = path.into();
        }
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(to_u32(i)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let mut map = SourceMap::new();
        let id = map.add("a.pxi", "ab\nçd\n");
        let file = map.get(id).expect("file was added");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(file.line_col(99), LineCol { line: 3, column: 1 });
    }
}
