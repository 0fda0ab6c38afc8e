//! One build at a time in a folder: two builds writing into one output folder (or one
//! `pxi.lock`) would each undo what the other did. A build holds an exclusive lock on
//! the folder itself (`flock` on the folder's descriptor, so no lock file is left in
//! the user's folder) until it ends; `build --check` holds a shared one, so it never
//! reads a folder halfway through a build. The system drops the lock when the process
//! ends, however it ends.

use crate::diag::{Code, Diagnostic};
use std::fs::{File, TryLockError};
use std::path::Path;

/// A held lock; dropping it unlocks the folder.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
}

/// Whether others may read the folder meanwhile.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A build: it changes the folder.
    Exclusive,
    /// `build --check`: it only reads.
    Shared,
}

/// Locks `dir`, waiting for the build that holds it to finish; `waiting` is called
/// once first if there is one (to say so).
pub fn lock(dir: &Path, access: Access, waiting: &dyn Fn()) -> Result<FolderLock, Diagnostic> {
    let file = File::open(dir).map_err(|e| cannot_lock(dir, &e))?;
    let tried = match access {
        Access::Exclusive => file.try_lock(),
        Access::Shared => file.try_lock_shared(),
    };
    match tried {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            waiting();
            let waited = match access {
                Access::Exclusive => file.lock(),
                Access::Shared => file.lock_shared(),
            };
            waited.map_err(|e| cannot_lock(dir, &e))?;
        }
        Err(TryLockError::Error(e)) => return Err(cannot_lock(dir, &e)),
    }
    Ok(FolderLock { _file: file })
}

/// Locks `dir` if no one else holds it; `None` when someone does.
pub fn try_lock(dir: &Path, access: Access) -> Result<Option<FolderLock>, Diagnostic> {
    let file = File::open(dir).map_err(|e| cannot_lock(dir, &e))?;
    let tried = match access {
        Access::Exclusive => file.try_lock(),
        Access::Shared => file.try_lock_shared(),
    };
    match tried {
        Ok(()) => Ok(Some(FolderLock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(cannot_lock(dir, &e)),
    }
}

fn cannot_lock(dir: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::CannotWrite,
        format!(
            "cannot lock `{}` for this build: {}",
            dir.display(),
            super::describe_io(error)
        ),
    )
    .with_help("check that the folder exists and that you may read it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;

    #[test]
    fn a_second_build_waits_for_the_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = lock(dir.path(), Access::Exclusive, &|| {}).expect("first lock");
        let (told, heard) = mpsc::channel();
        let finished = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                let said = told.clone();
                let second = lock(dir.path(), Access::Shared, &move || {
                    let _ = said.send(());
                });
                assert!(second.is_ok());
                assert!(finished.load(Ordering::SeqCst), "got the lock too early");
            });
            // The second one says it waits, and does.
            heard.recv().expect("the second build says it waits");
            finished.store(true, Ordering::SeqCst);
            drop(first);
        });
    }
}
