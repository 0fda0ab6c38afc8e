//! A project as it is at a git revision, read with `git show` (nothing is checked
//! out), for `pxic diff --against REV`.

use crate::check::lock::Lock;
use crate::diag::{Code, Diagnostic};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The project at `path` as of `revision`: its sources (named as in the working tree,
/// relative to the project's folder), its `pxi.lock`, and a world that reads the
/// files `file()` names from the same revision.
pub struct AtRevision {
    pub sources: SourceMap,
    pub lock: Lock,
    pub world: RevisionWorld,
}

/// Reads files from a revision; paths are relative to the project's folder.
pub struct RevisionWorld {
    repo: PathBuf,
    /// As the user wrote it, for messages.
    revision: String,
    /// What it named when the project was read.
    commit: String,
    /// The project's folder within the repository (`examples/homelab/`), or empty.
    prefix: String,
}

impl crate::check::World for RevisionWorld {
    fn read_file(&self, path: &Path) -> Result<String, String> {
        let relative = normalize(&format!("{}{}", self.prefix, path.to_string_lossy()))
            .ok_or_else(|| "it is outside the repository".to_string())?;
        show(&self.repo, &self.commit, &relative)
            .map_err(|e| format!("not in revision `{}`: {e}", self.revision))
    }
}

pub fn load(project: &Path, revision: &str) -> Result<AtRevision, Diagnostic> {
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
    let mut sources = SourceMap::new();
    for name in &names {
        let text = show(&repo, &commit, &format!("{prefix}{name}")).map_err(unreadable)?;
        let id = sources.add(name.clone(), text);
        sources.set_project_path(id, name.clone());
    }
    if sources.is_empty() {
        return Err(unreadable(format!(
            "it has no `.pxi` files in `{}`",
            dir.display()
        )));
    }
    let lock = match show(&repo, &commit, &format!("{prefix}pxi.lock")) {
        Ok(text) => Lock::parse(&text).map_err(|e| unreadable(format!("its pxi.lock: {e}")))?,
        Err(_) => Lock::default(),
    };
    Ok(AtRevision {
        sources,
        lock,
        world: RevisionWorld {
            repo,
            revision: revision.to_string(),
            commit,
            prefix,
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

/// `a/./b/../c` → `a/c`; `None` when it climbs out of the repository.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn show(repo: &Path, commit: &str, path: &str) -> Result<String, String> {
    git(repo, &["show", &format!("{commit}:{path}")])
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
    use super::{is_source, normalize};

    #[test]
    fn paths_stay_inside_and_sources_are_found_as_on_disk() {
        assert_eq!(normalize("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("../x"), None);
        assert!(is_source("vms.pxi") && is_source("prod/web.pxi"));
        assert!(!is_source("terraform/x.pxi") && !is_source(".git/x.pxi") && !is_source("a.tf"));
    }
}
