//! A project as it is at a git revision, read with `git cat-file` (nothing is checked
//! out), for `pxic diff --against REV`.

use super::FsWorld;
use crate::check::lock::Lock;
use crate::check::{FileError, MAX_READ_FILE};
use crate::diag::{Code, Diagnostic};
use crate::source::SourceMap;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// The project at `path` as of `revision`: its sources (named as in the working tree,
/// relative to the project's folder), its `pxi.lock`, and a world that reads the
/// files `file()` names from the same revision.
pub struct AtRevision {
    pub sources: SourceMap,
    pub lock: Lock,
    pub world: RevisionWorld,
}

/// Reads files from a revision; paths are relative to the project's folder. A path
/// that leads out of the project is no part of the revision: it is read from the
/// working tree, by the same rules (`disk`), so both sides of a diff agree.
pub struct RevisionWorld {
    repo: PathBuf,
    /// What it named when the project was read.
    commit: String,
    /// The project's folder within the repository (`examples/homelab/`), or empty.
    prefix: String,
    disk: FsWorld,
    /// What was read, by path: every guest may name the same key.
    cache: Mutex<HashMap<PathBuf, Result<Arc<str>, FileError>>>,
}

impl crate::check::World for RevisionWorld {
    fn read_file(&self, path: &Path) -> Result<Arc<str>, FileError> {
        if path.is_absolute() || path.starts_with("..") {
            return self.disk.read_file(path);
        }
        if let Some(found) = self.cache.lock().ok().and_then(|c| c.get(path).cloned()) {
            return found;
        }
        let relative = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let found = read_blob(
            &self.repo,
            &self.commit,
            &format!("{}{relative}", self.prefix),
        );
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(path.to_path_buf(), found.clone());
        }
        found
    }
}

/// Reads the project at `project` as of `revision`; `disk` reads what `file("…")`
/// names outside the project.
pub fn load(project: &Path, revision: &str, disk: FsWorld) -> Result<AtRevision, Diagnostic> {
    let unreadable = |reason: String| {
        Diagnostic::error(
            Code::RevisionUnreadable,
            format!("cannot read the project at `{revision}`: {reason}"),
        )
        .with_help("name a commit, branch or tag of this repository (`git log` lists them); fetch it first if it is a remote branch")
    };
    let dir = super::project_dir(project);
    // The repository's root and the project's folder within it, one per line.
    let located =
        git(&dir, &["rev-parse", "--show-toplevel", "--show-prefix"]).map_err(unreadable)?;
    let mut lines = located.lines();
    let repo = PathBuf::from(lines.next().unwrap_or_default());
    let prefix = lines.next().unwrap_or_default().to_string();
    // Resolved once: every file is then read from this one commit, even if a branch
    // named by `revision` moves meanwhile.
    let commit = git(
        &repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map_err(|_| unreadable("no such revision".to_string()))?
    .trim()
    .to_string();
    let names: Vec<String> = if project.is_dir() || project.as_os_str().is_empty() {
        let mut args = vec!["ls-tree", "-r", "--name-only", "--full-tree", &commit];
        if !prefix.is_empty() {
            args.extend(["--", prefix.as_str()]);
        }
        let listing = git(&repo, &args).map_err(unreadable)?;
        listing
            .lines()
            .filter_map(|full| full.strip_prefix(&prefix))
            .filter(|relative| is_source(relative))
            .map(str::to_string)
            .collect()
    } else {
        let name = project
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        vec![name]
    };
    // Every source and the lock, read by one git process.
    let paths: Vec<String> = names
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("pxi.lock"))
        .map(|name| format!("{prefix}{name}"))
        .collect();
    let mut contents = read_files(&repo, &commit, &paths).map_err(unreadable)?;
    let lock_text = contents.pop().flatten();
    let mut sources = SourceMap::new();
    for (name, text) in names.iter().zip(contents) {
        let text = text.ok_or_else(|| unreadable(format!("`{name}` is not in it")))?;
        let id = sources.add(name.clone(), text);
        sources.set_project_path(id, name.clone());
    }
    if sources.is_empty() {
        return Err(unreadable(format!(
            "it has no `.pxi` files in `{}`",
            dir.display()
        )));
    }
    let lock = match lock_text {
        Some(text) => Lock::parse(&text).map_err(|e| unreadable(format!("its pxi.lock: {e}")))?,
        None => Lock::default(),
    };
    Ok(AtRevision {
        sources,
        lock,
        world: RevisionWorld {
            repo,
            commit,
            prefix,
            disk,
            cache: Mutex::default(),
        },
    })
}

/// Whether a path (relative to the project) is a source the working tree would read:
/// a `.pxi` file outside hidden and generated folders.
fn is_source(relative: &str) -> bool {
    let mut parts: Vec<&str> = relative.split('/').collect();
    let Some(file) = parts.pop() else {
        return false;
    };
    file.ends_with(".pxi") && !parts.iter().any(|dir| super::is_skipped_dir(dir))
}

/// The text of each file at a commit (`None` where there is no such file), read by
/// one `git cat-file --batch`: starting a `git show` per file took longer than
/// checking a whole project.
fn read_files(repo: &Path, commit: &str, paths: &[String]) -> Result<Vec<Option<String>>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("cannot talk to git".to_string());
    };
    let mut stdout = BufReader::new(stdout);
    let broken = |e: std::io::Error| format!("reading from git failed: {e}");
    // One question and its answer at a time, so that neither side waits on a full pipe.
    let mut found = Vec::with_capacity(paths.len());
    for path in paths {
        writeln!(stdin, "{commit}:{path}")
            .and_then(|()| stdin.flush())
            .map_err(broken)?;
        // `<id> <type> <size>` and the contents, or `<name> missing`.
        let mut header = String::new();
        if stdout.read_line(&mut header).map_err(broken)? == 0 {
            return Err("git stopped answering".to_string());
        }
        let fields: Vec<&str> = header.trim_end().rsplitn(3, ' ').collect();
        match fields.as_slice() {
            ["missing", ..] => found.push(None),
            [size, kind, _] => {
                let size: usize = size
                    .parse()
                    .map_err(|_| format!("git answered `{}`", header.trim_end()))?;
                // The contents and a newline.
                let mut contents = vec![0; size + 1];
                stdout.read_exact(&mut contents).map_err(broken)?;
                contents.pop();
                found.push(
                    (*kind == "blob").then(|| String::from_utf8_lossy(&contents).into_owned()),
                );
            }
            _ => return Err(format!("git answered `{}`", header.trim_end())),
        }
    }
    drop(stdin);
    let _ = child.wait();
    Ok(found)
}

/// A file's text at a commit, as the working tree would give it: symbolic links are
/// followed inside the repository (`--follow-symlinks`), so a link reads as what it
/// points to, not as the link's own text; one that leaves the repository is refused,
/// as on disk. Sizes are checked before reading.
fn read_blob(repo: &Path, commit: &str, path: &str) -> Result<Arc<str>, FileError> {
    let failed = |e: String| FileError::Unreadable(format!("cannot read it with git: {e}"));
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "--batch", "--follow-symlinks"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    let found = answer(&mut child, &format!("{commit}:{path}"));
    let _ = child.kill();
    let _ = child.wait();
    found.map_err(failed)?
}

/// Asks a `git cat-file --batch --follow-symlinks` for one object, and reads its
/// answer: the text, or why there is none.
fn answer(
    child: &mut std::process::Child,
    object: &str,
) -> Result<Result<Arc<str>, FileError>, String> {
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("cannot talk to git".to_string());
    };
    writeln!(stdin, "{object}").map_err(|e| e.to_string())?;
    drop(stdin);
    let mut stdout = BufReader::new(stdout);
    let mut header = String::new();
    stdout.read_line(&mut header).map_err(|e| e.to_string())?;
    let fields: Vec<&str> = header.trim_end().split(' ').collect();
    let missing = || FileError::Unreadable("no such file in that revision".to_string());
    Ok(match fields.as_slice() {
        [_, "blob", size] => {
            let size: u64 = size
                .parse()
                .map_err(|_| format!("git answered `{header}`"))?;
            if size > MAX_READ_FILE {
                return Ok(Err(FileError::TooLarge));
            }
            let mut contents = Vec::new();
            stdout
                .take(size)
                .read_to_end(&mut contents)
                .map_err(|e| e.to_string())?;
            String::from_utf8(contents)
                .map(Arc::from)
                .map_err(|_| FileError::Unreadable("it is not UTF-8 text".to_string()))
        }
        [_, "tree" | "commit", _] => Err(FileError::NotRegular),
        // A link that leaves the repository.
        ["symlink", _] => Err(FileError::Outside),
        ["dangling" | "loop" | "notdir", _] | [.., "missing"] => Err(missing()),
        _ => return Err(format!("git answered `{}`", header.trim_end())),
    })
}

/// Runs git in `dir`; its stdout, or the first line of what it said went wrong.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let said = String::from_utf8_lossy(&output.stderr);
        Err(said.lines().next().unwrap_or("git failed").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{git, is_source, read_files};
    use std::path::Path;

    #[test]
    fn files_at_a_commit_are_read_in_one_go() {
        let repo = std::env::temp_dir().join(format!("pxic-git-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&repo);
        std::fs::create_dir_all(repo.join("dir")).expect("temp dir");
        std::fs::write(repo.join("a b.pxi"), "cluster lab {}\n").expect("write");
        std::fs::write(repo.join("dir/c.pxi"), "").expect("write");
        let run = |args: &[&str]| git(&repo, args).expect("git");
        run(&["init", "-q"]);
        run(&["add", "."]);
        run(&[
            "-c",
            "user.email=t@example.org",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "x",
        ]);
        let commit = run(&["rev-parse", "HEAD"]).trim().to_string();
        let paths = ["a b.pxi", "missing.pxi", "dir", "dir/c.pxi"].map(String::from);
        let found = read_files(Path::new(&repo), &commit, &paths).expect("read");
        assert_eq!(
            found,
            vec![
                Some("cluster lab {}\n".to_string()),
                None,
                None,
                Some(String::new())
            ]
        );
        let _ = std::fs::remove_dir_all(&repo);
    }

    #[test]
    fn paths_stay_inside_and_sources_are_found_as_on_disk() {
        assert!(is_source("vms.pxi") && is_source("prod/web.pxi"));
        assert!(!is_source("terraform/x.pxi") && !is_source(".git/x.pxi") && !is_source("a.tf"));
    }
}
