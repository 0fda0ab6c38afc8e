//! The `pxic` binary as a user runs it: exit codes, discovery of a project's files,
//! the two message formats, and `pxic explain`.

use std::path::Path;
use std::process::{Command, Output};

fn pxic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("pxic runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The smallest valid project: a cluster.
const MINIMAL: &str = "cluster lab { endpoint = \"https://10.0.0.2:8006/\" }\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_bundled_example_is_clean() {
    let out = pxic(&["check", "examples/homelab"], repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("checked 3 files: no problems"));
}

#[test]
fn errors_in_every_file_are_reported_and_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.pxi", "vm a {\n  memory = 4GB\n}\n");
    write(
        dir.path(),
        "sub/b.pxi",
        "host b {\n  address = 10.0.0.300\n}\n",
    );
    write(dir.path(), "sub/c.pxi", "vm c { cores = 1 }\n");
    let out = pxic(&["check", "."], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("PXI0004"), "{err}");
    assert!(err.contains("[a.pxi:2:13]"), "{err}");
    assert!(err.contains("PXI0006"), "{err}");
    assert!(err.contains("[sub/b.pxi:2:20]"), "{err}");
    assert!(err.contains("help: write `4GiB`"), "{err}");
    assert!(err.contains("checked 3 files: 2 errors"), "{err}");
    // Files are read in sorted order, so a.pxi is reported before sub/b.pxi.
    assert!(err.find("PXI0004") < err.find("PXI0006"));
}

#[test]
fn generated_hidden_and_build_folders_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.pxi", MINIMAL);
    for skipped in [
        ".git",
        "target",
        "ansible",
        "terraform",
        "packer",
        "x/.hidden",
    ] {
        write(dir.path(), &format!("{skipped}/broken.pxi"), "vm {\n");
    }
    write(dir.path(), "notes.txt", "vm {\n");
    let out = pxic(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("checked 1 file: no problems"));
}

#[test]
fn unreadable_input_exits_2_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = pxic(&["check", "nope"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read `nope`: no such file or directory"));

    std::fs::write(dir.path().join("latin1.pxi"), b"vm a { x = \"caf\xe9\" }\n").expect("write");
    let not_utf8 = pxic(&["check", "latin1.pxi"], dir.path());
    assert_eq!(not_utf8.status.code(), Some(2));
    let err = stderr(&not_utf8);
    assert!(
        err.contains("PXI0091") && err.contains("not valid UTF-8"),
        "{err}"
    );
    assert!(err.contains("offset 15 (line 1)"), "{err}");

    let empty = tempfile::tempdir().expect("tempdir");
    let no_sources = pxic(&["check"], empty.path());
    assert_eq!(no_sources.status.code(), Some(2));
    assert!(stderr(&no_sources).contains("PXI0092"));
}

#[test]
fn a_bad_file_does_not_hide_the_errors_of_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.pxi"), b"\xff\xfe").expect("write");
    write(dir.path(), "b.pxi", "vm b { cores = 2.5 }\n");
    let out = pxic(&["check"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("PXI0091") && err.contains("PXI0014"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = pxic(&["check", "--no-such-flag"], repo());
    assert_eq!(out.status.code(), Some(2));
    let out = pxic(&["frobnicate"], repo());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_lines_carry_code_position_and_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.pxi",
        "vm a {\n  cores 4\n}\nvm b { m = 4GB }\n",
    );
    let out = pxic(&["--message-format", "json", "check", "a.pxi"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["code"], "PXI0001");
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(
        lines[0]["message"],
        "expected `=` between `cores` and its value"
    );
    assert_eq!(lines[0]["labels"][0]["file"], "a.pxi");
    assert_eq!(lines[0]["labels"][0]["line"], 2);
    assert_eq!(lines[0]["labels"][0]["column"], 8);
    assert_eq!(lines[0]["labels"][0]["primary"], true);
    assert!(lines[0]["help"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(lines[1]["code"], "PXI0004");
    // Human text stays off stdout, so the JSON can be piped as it is.
    assert!(!stdout(&out).contains('×'));
}

#[test]
fn output_has_no_colour_codes_off_a_terminal_or_with_no_color() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.pxi", "vm a { m = 4GB }\n");
    let piped = pxic(&["check"], dir.path());
    assert!(!stderr(&piped).contains('\u{1b}'));
    let no_color = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .arg("check")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("pxic runs");
    assert!(!stderr(&no_color).contains('\u{1b}'));
    assert!(stderr(&no_color).contains("PXI0004"));
}

#[test]
fn explain_prints_the_page_of_a_code() {
    for spelling in ["PXI0002", "pxi0002", "2"] {
        let out = pxic(&["explain", spelling], repo());
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).starts_with("# PXI0002"), "{}", stdout(&out));
    }
    let unknown = pxic(&["explain", "PXI0999"], repo());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown diagnostic code"));
}

#[test]
fn explain_lists_every_code() {
    let out = pxic(&["explain", "--list"], repo());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), pxic::diag::Code::ALL.len());
    assert!(
        text.lines()
            .any(|l| l.starts_with("PXI0106  unknown-attribute") && l.contains("memroy")),
        "{text}"
    );
    let neither = pxic(&["explain"], repo());
    assert_eq!(neither.status.code(), Some(2));
}

#[test]
fn the_global_message_format_flag_has_a_one_line_help() {
    let out = pxic(&["check", "--help"], repo());
    let line = stdout(&out)
        .lines()
        .find(|l| l.contains("--message-format"))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(line.len() < 140, "{line}");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("\u{feff}{MINIMAL}");
    std::fs::write(dir.path().join("bom.pxi"), text).expect("write");
    let out = pxic(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Copies the homelab example into a temporary folder to build in.
fn homelab_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = repo().join("examples/homelab");
    for entry in walk(&from) {
        let relative = entry.strip_prefix(&from).expect("below");
        let text = std::fs::read_to_string(&entry).expect("readable");
        write(dir.path(), &relative.to_string_lossy(), &text);
    }
    dir
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn build_writes_the_generated_files_beside_the_project_and_rewrites_only_changes() {
    let dir = homelab_copy();
    let first = pxic(&["build"], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("wrote 33 files (33 changed)"),
        "{}",
        stderr(&first)
    );
    let vms = std::fs::read_to_string(dir.path().join("terraform/vms.tf")).expect("vms.tf");
    assert!(vms.starts_with("# generated by pxic — do not edit"));
    assert!(vms.contains("resource \"proxmox_virtual_environment_vm\" \"web_01\""));

    let again = pxic(&["build"], dir.path());
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stderr(&again).contains("wrote 33 files (0 changed)"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn build_writes_into_the_folder_given_with_out() {
    let dir = homelab_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let result = pxic(
        &["build", ".", "-o", &out.path().display().to_string()],
        dir.path(),
    );
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(out.path().join("terraform/versions.tf").is_file());
    assert!(!dir.path().join("terraform").exists());
}

#[test]
fn a_build_with_errors_writes_nothing() {
    let dir = homelab_copy();
    let first = pxic(&["build"], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = std::fs::read_to_string(dir.path().join("terraform/vms.tf")).expect("vms.tf");
    let hosts = std::fs::read_to_string(dir.path().join("hosts.pxi")).expect("hosts.pxi");
    // Another VM, and a mistake elsewhere.
    write(
        dir.path(),
        "more.pxi",
        "vm extra {\n  host = pve1\n  template = ubuntu-2404\n  network lan { ip = auto }\n}\n",
    );
    write(
        dir.path(),
        "hosts.pxi",
        &hosts.replacen("cores", "coers", 1),
    );
    let broken = pxic(&["build"], dir.path());
    assert_eq!(broken.status.code(), Some(1), "{}", stderr(&broken));
    assert!(stderr(&broken).contains("PXI0106"), "{}", stderr(&broken));
    let after = std::fs::read_to_string(dir.path().join("terraform/vms.tf")).expect("vms.tf");
    assert_eq!(before, after, "the previous files stay as they were");
}

/// Runs `pxic` in `dir` and kills it if it has not finished within `limit`.
fn pxic_within(args: &[&str], dir: &Path, limit: std::time::Duration) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("pxic runs");
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn diamond_inheritance_is_evaluated_once_per_profile() {
    // Each profile inherits twice from the one before: evaluated along every path,
    // the 40 levels would take 2^40 steps.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(MINIMAL);
    text.push_str("profile p0 { cores = 2 }\n");
    for i in 1..40 {
        text.push_str(&format!("profile p{i} : p{}, p{} {{ }}\n", i - 1, i - 1));
    }
    text.push_str("vm web : p39 { host = nowhere }\n");
    write(dir.path(), "main.pxi", &text);
    let out = pxic_within(
        &["check", "."],
        dir.path(),
        std::time::Duration::from_secs(30),
    )
    .expect("check finishes within 30 s");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("unknown name `nowhere`"), "{err}");
    assert!(!err.contains("PXI0120"), "{err}");
}

#[test]
fn a_long_profile_chain_is_one_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(MINIMAL);
    text.push_str("profile p0 { cores = 2 }\n");
    for i in 1..100_000 {
        text.push_str(&format!("profile p{i} : p{} {{ }}\n", i - 1));
    }
    write(dir.path(), "main.pxi", &text);
    let out = pxic_within(
        &["check", "."],
        dir.path(),
        std::time::Duration::from_secs(60),
    )
    .expect("check finishes within 60 s");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("PXI0120").count(), 1, "{err}");
    assert!(
        err.contains("`p64` inherits through more than 64 levels"),
        "{err}"
    );
}

/// Runs `pxic` in `dir` with stdout going to `stdout` (a closed pipe, a full device).
fn pxic_to(args: &[&str], dir: &Path, stdout: std::process::Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("pxic runs")
}

/// A pipe whose reading end is already closed: every write to it fails with EPIPE.
fn closed_pipe() -> std::process::Stdio {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer.into()
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_run_s_own_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(MINIMAL);
    for i in 0..2000 {
        text.push_str(&format!("vm v{i} {{ cores = \"x\" }}\n"));
    }
    write(dir.path(), "main.pxi", &text);
    // Under `set -o pipefail`, `pxic check --message-format json | head` must still
    // fail a CI job when the project has errors.
    for (args, code) in [
        (&["explain", "PXI0001"][..], 0),
        (&["check", "--message-format", "json", "."][..], 1),
    ] {
        let out = pxic_to(args, dir.path(), closed_pipe());
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    }
}

#[test]
fn the_ir_that_could_not_be_printed_writes_no_lock() {
    let dir = homelab_copy();
    let lock = dir.path().join("pxi.lock");
    let _ = std::fs::remove_file(&lock);
    let out = pxic_to(&["build", "--emit", "ir", "."], dir.path(), closed_pipe());
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!lock.exists(), "the lock was written without its IR");
}

#[test]
fn a_full_stdout_is_a_clear_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let out = pxic_to(&["explain", "PXI0001"], repo(), full.into());
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write the output on stdout"), "{err}");
}

#[test]
fn an_error_past_column_65535_is_shown_without_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("vm a {{ tags = [{}zz@ ] }}\n", "\"x\", ".repeat(20_000));
    write(dir.path(), "main.pxi", &text);
    let out = pxic(&["check", "."], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[main.pxi:1:100018]"), "{err}");
}

#[test]
fn control_characters_in_sources_are_escaped_in_diagnostics() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "main.pxi",
        &format!(
            "{MINIMAL}vm \"web\u{1b}[2J\u{1b}]0;pwned\u{7}\" {{\n  host = \"x\u{202E}\r\u{9b}\"\n}}\n"
        ),
    );
    for format in ["human", "json"] {
        let out = pxic(&["check", "--message-format", format, "."], dir.path());
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\r', '\u{202E}', '\u{9b}']),
            "{format}: {text:?}"
        );
    }
}
