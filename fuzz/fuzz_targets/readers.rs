//! The readers of files a pull request can change besides the sources: the lock
//! (`pxi.lock`) and the output folder's manifest. Arbitrary text is refused with a
//! reason, never a panic; what is read renders and reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pxic::check::lock::Lock;
use pxic::io::artifacts::Manifest;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(lock) = Lock::parse(text) {
        let again = Lock::parse(&lock.render());
        assert_eq!(again.map(|l| l.render()), Ok(lock.render()));
    }
    if let Ok(manifest) = Manifest::parse(text) {
        assert_eq!(Manifest::parse(&manifest.render()), Ok(manifest));
    }
});
