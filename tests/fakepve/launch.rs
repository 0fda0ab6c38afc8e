//! Starting fakepve (`serve.py`, in the venv `setup.sh` makes) with a scenario, and
//! stopping it: shared by the tests (`tests/common/fakepve.rs`) and the benches.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running fake cluster; killed when dropped.
pub struct Fake {
    pub child: Child,
    pub host: String,
    /// The CA its certificate is signed by, for `PXIC_CA_FILE`.
    pub ca: PathBuf,
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts fakepve on `host` (a loopback address of the caller's own) with a
/// scenario (see `tests/fakepve/serve.py`), its files in `dir`, and waits until it
/// answers. `repo` is the repository's root.
pub fn start(repo: &Path, dir: &Path, host: &str, mut scenario: Value) -> Fake {
    let setup = Command::new("bash")
        .arg(repo.join("tests/fakepve/setup.sh"))
        .output()
        .expect("bash runs");
    assert!(
        setup.status.success(),
        "tests/fakepve/setup.sh failed:\n{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("mkdir");
    scenario["host"] = json!(host);
    scenario["ca_dir"] = json!(dir);
    let file = dir.join("scenario.json");
    std::fs::write(&file, scenario.to_string()).expect("write scenario");
    let mut child = Command::new(repo.join("target/fakepve-venv/bin/python"))
        .arg(repo.join("tests/fakepve/serve.py"))
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("fakepve starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped");
    BufReader::new(stdout).read_line(&mut line).expect("read");
    assert!(
        line.starts_with("listening"),
        "fakepve did not start: {line:?}"
    );
    Fake {
        child,
        host: host.to_string(),
        ca: dir.join("pve.crt"),
    }
}
