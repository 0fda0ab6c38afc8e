//! The only file-system code: finding a project's `.pxi` files and reading them into a
//! [`SourceMap`]. Problems here are diagnostics too, without a span.
//!
//! Everything read may come from a pull request: each file is looked at before it is
//! read (regular files only) and read up to a limit ([`read`]); temporary files are
//! created exclusively, never through a link someone left at their name.

pub mod artifacts;
pub mod folder_lock;
pub mod git;
pub mod read;
mod world;

pub use world::FsWorld;

use crate::diag::{Code, Diagnostic};
use crate::source::{MAX_FILE_LEN, SourceMap};
use read::{Links, ReadError, read_capped};
use std::path::{Path, PathBuf};

/// The largest `pxi.lock` or manifest pxic reads: the lock of 100,000 guests is a few
/// megabytes.
pub const MAX_STATE_LEN: u64 = 256 << 20;

/// Folders never searched for sources: build output, and the folders `pxic build`
/// writes (their files are not `.pxi`, but a copy of a project may sit there).
const SKIPPED_DIRS: &[&str] = &["target", "ansible", "terraform", "packer", "node_modules"];

/// The `.pxi` files a path names: the file itself, or every `.pxi` file below a
/// directory in sorted order, skipping hidden folders and generated ones. Symbolic
/// links are followed only while they stay inside the folder: one leading out (a
/// `.pxi` link to `/proc/self/environ`, a folder link to `/`) is an error, not read.
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let metadata = std::fs::metadata(path).map_err(|e| cannot_read(path, &e))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let root = path.canonicalize().map_err(|e| cannot_read(path, &e))?;
    let mut outside = None;
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 || is_skipped(entry) {
                return entry.depth() == 0;
            }
            let inside = !entry.path_is_symlink()
                || entry
                    .path()
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(&root));
            // Other files are never read: a link out among them is no matter.
            if !inside && outside.is_none() && (entry.file_type().is_dir() || is_source(entry)) {
                outside = Some(entry.path().to_path_buf());
            }
            inside
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let at = e.path().unwrap_or(path).to_path_buf();
            let io = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("a symbolic link loops"));
            cannot_read(&at, &io)
        })?;
        if entry.file_type().is_file() && is_source(&entry) {
            found.push(entry.into_path());
        }
    }
    if let Some(link) = outside {
        return Err(Diagnostic::error(
            Code::SourceOutsideProject,
            format!(
                "`{}` is a symbolic link out of the project's folder",
                link.display()
            ),
        )
        .with_help("replace the link with the file or folder itself; pxic reads sources only inside the project"));
    }
    if found.is_empty() {
        return Err(Diagnostic::error(
            Code::NoSourceFiles,
            format!("no `.pxi` files in `{}`", path.display()),
        )
        .with_help("point pxic at a `.pxi` file or at a folder that holds some"));
    }
    Ok(found)
}

fn is_source(entry: &walkdir::DirEntry) -> bool {
    entry.path().extension().is_some_and(|e| e == "pxi")
}

fn is_skipped(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir() && is_skipped_dir(&entry.file_name().to_string_lossy())
}

/// Whether a folder of this name holds no sources: hidden, build output or
/// generated files.
fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// Reads every file named, reporting every file that cannot be read (not only the
/// first). The map holds the files that could be read.
pub fn read_sources(root: &Path, paths: &[PathBuf]) -> (SourceMap, Vec<Diagnostic>) {
    let mut map = SourceMap::new();
    let mut problems = Vec::new();
    for path in paths {
        match read_source(path) {
            Ok(text) => {
                let id = map.add(display_name(path), text);
                map.set_project_path(id, project_path(root, path));
            }
            Err(d) => problems.push(d),
        }
    }
    (map, problems)
}

/// A file's path within the project (`vms.pxi`, `prod/web.pxi`), `/`-separated.
fn project_path(root: &Path, path: &Path) -> String {
    let relative = match path.strip_prefix(root) {
        Ok(r) if !r.as_os_str().is_empty() => r,
        _ => Path::new(path.file_name().unwrap_or(path.as_os_str())),
    };
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The name a file is shown under: its path as given, without a leading `./`.
fn display_name(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

fn read_source(path: &Path) -> Result<String, Diagnostic> {
    let bytes = read_capped(path, MAX_FILE_LEN as u64, Links::Follow).map_err(|e| match e {
        ReadError::TooLarge => Diagnostic::error(
            Code::SourceTooLarge,
            format!("`{}` is 4 GiB or larger", path.display()),
        )
        .with_help("split the project over several `.pxi` files"),
        e => unreadable(path, e),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(
            Code::SourceNotUtf8,
            format!("`{}` is not valid UTF-8", path.display()),
        )
        .with_help(format!(
            "save the file as UTF-8; the first invalid byte is at offset {at} (line {line})"
        ))
    })?;
    // Some Windows editors start UTF-8 files with a byte-order mark; it is not text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Why a file could not be read, when its size is not the problem or has no code of
/// its own.
fn unreadable(path: &Path, error: ReadError) -> Diagnostic {
    match error {
        ReadError::NotRegular => Diagnostic::error(
            Code::NotARegularFile,
            format!("`{}` is not a regular file", path.display()),
        )
        .with_help("replace it with a regular file, or remove it"),
        ReadError::TooLarge => Diagnostic::error(
            Code::InputTooLarge,
            format!(
                "`{}` is larger than {} MiB",
                path.display(),
                MAX_STATE_LEN >> 20
            ),
        )
        .with_help("it is not a file pxic wrote: restore it from version control"),
        ReadError::Link => Diagnostic::error(
            Code::NotARegularFile,
            format!("`{}` is a symbolic link", path.display()),
        )
        .with_help("replace it with a regular file, or remove it"),
        ReadError::Io(e) => cannot_read(path, &e),
    }
}

fn cannot_read(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::CannotReadSource,
        format!("cannot read `{}`: {}", path.display(), describe_io(error)),
    )
    .with_help("check that the path exists and that you may read it")
}

/// The I/O error in words, without the "(os error 2)" suffix.
pub(crate) fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// A project's folder: the folder given, or the one holding a lone file.
pub fn project_dir(project: &Path) -> PathBuf {
    if project.is_dir() {
        project.to_path_buf()
    } else {
        match project.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// Where a project's lock file lives: in the project folder, or beside a lone file.
pub fn lock_path(project: &Path) -> PathBuf {
    project_dir(project).join("pxi.lock")
}

/// Reads `pxi.lock`; a missing file is an empty lock. A symbolic link there is
/// refused, not followed: pxic writes the lock as a regular file, and a link could
/// point anywhere.
pub fn read_lock(path: &Path) -> Result<crate::check::lock::Lock, Diagnostic> {
    match read_capped(path, MAX_STATE_LEN, Links::Refuse) {
        Ok(bytes) => {
            crate::check::lock::Lock::parse(&String::from_utf8_lossy(&bytes)).map_err(|reason| {
                Diagnostic::error(
                    Code::BadLockFile,
                    format!("cannot read `{}`: {reason}", path.display()),
                )
                .with_help("fix the file, or delete it to let pxic allocate everything anew")
            })
        }
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => Err(unreadable(path, e)),
    }
}

/// Writes a file atomically: a new temporary file beside it (see [`create_temp`]),
/// then a rename, so a reader never sees half of it. The rename replaces whatever is
/// at `path`, a symbolic link included, and never writes through it.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let cannot = |e: &std::io::Error| {
        Diagnostic::error(
            Code::CannotWrite,
            format!("cannot write `{}`: {}", path.display(), describe_io(e)),
        )
        .with_help("check that the folder exists and that you may write to it")
    };
    let temp = write_temp(path, text).map_err(|e| cannot(&e))?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        cannot(&e)
    })
}

/// Writes `text` into a new temporary file beside `path` (see [`create_temp`]) and
/// returns its path; nothing is left behind when writing fails.
pub(crate) fn write_temp(path: &Path, text: &str) -> std::io::Result<PathBuf> {
    use std::io::Write;
    let (temp, mut file) = create_temp(path)?;
    file.write_all(text.as_bytes()).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })?;
    Ok(temp)
}

/// Creates a new, empty file beside `path` under a name no other file has
/// (`.<name>.pxic-tmp-<pid>-<n>`), with `O_CREAT | O_EXCL`: a file or a symbolic link
/// already at that name is never opened, let alone written through; the next name is
/// tried instead.
pub(crate) fn create_temp(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    let mut last = std::io::Error::other("no free temporary name");
    for _ in 0..100 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.pxic-tmp-{pid}-{n}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}
