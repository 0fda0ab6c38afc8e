//! The whole pipeline on one arbitrary `.pxi` file: parse, check, render every
//! diagnostic (text and JSON), and when the file checks cleanly, every backend and
//! the summary `pxic diff` prints. Nothing may panic, overflow the stack or run away.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pxic::check::{self, lock::Lock};
use pxic::diag::render::{Style, render, to_json};
use pxic::source::SourceMap;
use std::path::Path;
use std::sync::Arc;

/// `file("…")` gives the same short key for every path: the fuzzer explores the
/// language, not the file system.
struct OneKey;

impl check::World for OneKey {
    fn read_file(&self, _path: &Path) -> Result<Arc<str>, check::FileError> {
        Ok(Arc::from("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFuzz fuzz@pxic\n"))
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    sources.add("fuzz.pxi".to_string(), text);
    let checked = check::check_project(&mut sources, &OneKey, &Lock::default());
    for diagnostic in &checked.diagnostics {
        let _ = render(&sources, diagnostic, Style::Plain, 80);
        let _ = to_json(&sources, diagnostic);
    }
    if let Some(plan) = &checked.plan {
        let files = pxic::backend::emit_all(plan);
        let _ = pxic::io::artifacts::Manifest::of(&files);
        let _ = pxic::plan_diff::summarize(plan, plan);
        let _ = checked.lock.render();
    }
});
