//! Reading a file that anyone may have put in a pull request: look at what it is
//! before reading, and read no more than a limit. A FIFO would make a plain read wait
//! forever and `/dev/zero` would feed it until memory runs out; a symbolic link may
//! point anywhere.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A folder, device, FIFO or socket.
    NotRegular,
    /// Larger than the limit asked for.
    TooLarge,
    /// A symbolic link, when links are not followed.
    Link,
    /// Anything else the system says, such as "no such file".
    Io(std::io::Error),
}

/// Whether the last component of a path may be a symbolic link.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

/// The bytes of a regular file of at most `limit` bytes. Opening never blocks (a FIFO
/// opens at once and is then refused by its kind), and at most `limit + 1` bytes are
/// read, whatever the size said when it was opened.
pub fn read_capped(path: &Path, limit: u64, links: Links) -> Result<Vec<u8>, ReadError> {
    let mut file = open(path, links)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular);
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge);
    }
    // The size is a hint only: the file may grow while it is read.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open(path: &Path, links: Links) -> Result<File, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| {
            if links == Links::Refuse && e.raw_os_error() == Some(libc::ELOOP) {
                ReadError::Link
            } else {
                ReadError::Io(e)
            }
        })
}

#[cfg(not(unix))]
fn open(path: &Path, links: Links) -> Result<File, ReadError> {
    if links == Links::Refuse {
        let metadata = std::fs::symlink_metadata(path).map_err(ReadError::Io)?;
        if metadata.file_type().is_symlink() {
            return Err(ReadError::Link);
        }
    }
    File::open(path).map_err(ReadError::Io)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_links_are_refused_without_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: `name` is a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_capped(&fifo, 10, Links::Follow),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_capped(Path::new("/dev/zero"), 10, Links::Follow),
            Err(ReadError::NotRegular)
        ));
        let file = dir.path().join("file");
        std::fs::write(&file, "0123456789").expect("write");
        assert_eq!(
            read_capped(&file, 10, Links::Follow).expect("read"),
            b"0123456789"
        );
        assert!(matches!(
            read_capped(&file, 9, Links::Follow),
            Err(ReadError::TooLarge)
        ));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).expect("link");
        assert!(matches!(
            read_capped(&link, 10, Links::Refuse),
            Err(ReadError::Link)
        ));
        assert!(read_capped(&link, 10, Links::Follow).is_ok());
    }
}
