//! The real file system as the checker's [`World`]: what `file("…")` may read, and
//! each file read once.

use super::read::{Links, ReadError, read_capped};
use crate::check::{FileError, MAX_READ_FILE, World};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Reads the files `file("…")` names: regular files of at most [`MAX_READ_FILE`]
/// bytes whose real path (every link resolved) is inside the project's folder or a
/// folder the user allowed on the command line (`--files-from`), never one that a
/// `.pxi` file could name on its own. A file named by many declarations is read once
/// and its text shared.
pub struct FsWorld {
    /// The project's folder and the allowed ones, each with every link resolved.
    roots: Vec<PathBuf>,
    /// Where relative paths start.
    project: PathBuf,
    /// What was read, by real path.
    cache: Mutex<HashMap<PathBuf, Arc<str>>>,
}

impl FsWorld {
    /// A world for the project in folder `project`, that may also read below each of
    /// `allowed`.
    pub fn new(project: &Path, allowed: &[PathBuf]) -> FsWorld {
        let real = |dir: &Path| dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        FsWorld {
            roots: std::iter::once(project)
                .chain(allowed.iter().map(PathBuf::as_path))
                .map(real)
                .collect(),
            project: project.to_path_buf(),
            cache: Mutex::default(),
        }
    }

    fn cached(&self, real: &Path) -> Option<Arc<str>> {
        self.cache.lock().ok()?.get(real).cloned()
    }
}

impl World for FsWorld {
    fn read_file(&self, path: &Path) -> Result<Arc<str>, FileError> {
        let real = self
            .project
            .join(path)
            .canonicalize()
            .map_err(|e| FileError::Unreadable(super::describe_io(&e)))?;
        if !self.roots.iter().any(|root| real.starts_with(root)) {
            return Err(FileError::Outside);
        }
        if let Some(text) = self.cached(&real) {
            return Ok(text);
        }
        // The real path has no links left; one put there since is not followed.
        let bytes = read_capped(&real, MAX_READ_FILE, Links::Refuse).map_err(|e| match e {
            ReadError::NotRegular => FileError::NotRegular,
            ReadError::TooLarge => FileError::TooLarge,
            ReadError::Link => FileError::Outside,
            ReadError::Io(e) => FileError::Unreadable(super::describe_io(&e)),
        })?;
        let text: Arc<str> = String::from_utf8(bytes)
            .map_err(|_| FileError::Unreadable("it is not UTF-8 text".to_string()))?
            .into();
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(real, Arc::clone(&text));
        }
        Ok(text)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn world_with(files: &[(&str, &str)]) -> (tempfile::TempDir, FsWorld) {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = dir.path().join("project");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(path, text).expect("write");
        }
        std::fs::create_dir_all(&project).expect("dir");
        let world = FsWorld::new(&project, &[]);
        (dir, world)
    }

    #[test]
    fn file_reads_only_regular_files_inside_the_project() {
        let (dir, world) = world_with(&[
            ("project/keys/admin.pub", "ssh-ed25519 AAAA admin"),
            ("secret", "TOKEN=hunter2"),
        ]);
        let project = dir.path().join("project");
        assert_eq!(
            world.read_file(Path::new("keys/admin.pub")).as_deref(),
            Ok("ssh-ed25519 AAAA admin")
        );
        let outside = dir.path().join("secret");
        std::os::unix::fs::symlink(&outside, project.join("link")).expect("link");
        std::os::unix::fs::symlink(dir.path(), project.join("up")).expect("link");
        for path in [
            outside.as_path(),
            Path::new("../secret"),
            Path::new("link"),
            Path::new("up/secret"),
            Path::new("/proc/self/environ"),
        ] {
            assert_eq!(world.read_file(path), Err(FileError::Outside), "{path:?}");
        }
        assert_eq!(
            world.read_file(Path::new("keys")),
            Err(FileError::NotRegular)
        );
    }

    #[test]
    fn file_refuses_devices_and_large_files_before_reading() {
        let big = "x".repeat(MAX_READ_FILE as usize + 1);
        let (dir, _) = world_with(&[("project/big", &big)]);
        let project = dir.path().join("project");
        std::os::unix::fs::symlink("/dev/zero", project.join("zero")).expect("link");
        // The folder holding /dev/zero is allowed: the device is still refused.
        let world = FsWorld::new(&project, &[PathBuf::from("/dev")]);
        assert_eq!(world.read_file(Path::new("big")), Err(FileError::TooLarge));
        assert_eq!(
            world.read_file(Path::new("zero")),
            Err(FileError::NotRegular)
        );
    }

    #[test]
    fn an_allowed_folder_outside_the_project_may_be_read() {
        let (dir, _) = world_with(&[("shared/admin.pub", "key")]);
        let project = dir.path().join("project");
        let world = FsWorld::new(&project, &[dir.path().join("shared")]);
        assert_eq!(
            world.read_file(Path::new("../shared/admin.pub")).as_deref(),
            Ok("key")
        );
    }

    #[test]
    fn a_file_named_many_times_is_read_once() {
        let (dir, world) = world_with(&[("project/key", "one")]);
        let first = world.read_file(Path::new("key")).expect("read");
        std::fs::write(dir.path().join("project/key"), "two").expect("write");
        let second = world.read_file(Path::new("./key")).expect("read");
        assert!(Arc::ptr_eq(&first, &second));
    }
}
