//! A secret never leaves pxic: a project that tries every way the language and the
//! file system offer to put the API token into generated files, and every command a
//! user or CI runs on it. The token's value must appear in no generated file, no
//! diff, no diagnostic and no printed IR.
//!
//! The ways tried: `env()` where a secret is allowed (the cluster's token) and where
//! it is not (a role variable, a description); `file()` on the process environment
//! (`/proc/self/environ`), on a symlink inside the project that points at it, and on
//! a file outside the project that holds the token; a symlink at a generated path
//! pointing at a file that holds the token (what `build --check` would print if it
//! followed it).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The value every run gets as its API token, and the text searched for.
const SECRET: &str = "root@pam!pxic=5ec7e7-never-in-any-file-0b1e";

fn pxic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PROXMOX_VE_API_TOKEN", SECRET)
        .env("PXIC_TEST_SECRET", SECRET)
        .output()
        .expect("pxic runs")
}

fn assert_no_secret(what: &str, output: &Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(SECRET),
            "`{what}` printed the secret on {stream}:\n{text}"
        );
    }
}

fn assert_no_secret_in_tree(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("entry");
        if entry.path_is_symlink() || !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{} holds the secret",
            entry.path().display()
        );
    }
}

/// A copy of the homelab example at `<tmp>/secrets/<name>/homelab`, built and
/// committed to a git repository (so `pxic diff` has a revision to compare with),
/// and beside it, outside the project, `token.txt` holding the secret.
fn built_homelab(name: &str) -> (PathBuf, PathBuf) {
    let project = common::homelab_copy("secrets", name);
    let outside = project.with_file_name("token.txt");
    std::fs::write(&outside, format!("{SECRET}\n")).expect("write the token file");
    let built = pxic(&["build"], &project);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "base",
        ],
    ] {
        let status = Command::new("git")
            .args(args)
            .current_dir(&project)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
    (project, outside)
}

/// Every command a user, CI or a reviewer runs on a project; none may show the
/// secret, and afterwards no file of the project holds it.
fn run_everything(project: &Path) {
    for args in [
        &["check"][..],
        &["check", "--message-format", "json"],
        &["build", "--check"],
        &["build", "--emit", "ir"],
        &["build"],
        &["build", "--force"],
        &["diff"],
    ] {
        assert_no_secret(&args.join(" "), &pxic(args, project));
    }
    assert_no_secret_in_tree(project);
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_token_in_its_place_reaches_no_file() {
    let (project, _) = built_homelab("clean");
    run_everything(&project);
}

#[test]
fn env_where_a_secret_is_not_allowed_is_refused_without_its_value() {
    let (project, _) = built_homelab("env");
    let vms = project.join("vms.pxi");
    edit(
        &vms,
        "packages = [\"nginx\"]",
        "packages = [\"nginx\"]\n  vars { token = env(\"PXIC_TEST_SECRET\") }",
    );
    edit(
        &vms,
        "description = \"PostgreSQL for the web tier\"",
        "description = env(\"PROXMOX_VE_API_TOKEN\")",
    );
    let check = pxic(&["check"], &project);
    assert!(
        !check.status.success(),
        "env() in a role variable must be refused"
    );
    run_everything(&project);
}

#[test]
fn file_never_reads_the_environment_or_outside_the_project() {
    let (project, outside) = built_homelab("file");
    std::os::unix::fs::symlink("/proc/self/environ", project.join("keys/env.pub")).expect("link");
    std::os::unix::fs::symlink(&outside, project.join("keys/token.pub")).expect("link");
    let vms = project.join("vms.pxi");
    let attempts = [
        "file(\"/proc/self/environ\")",
        "file(\"keys/env.pub\")",
        "file(\"keys/token.pub\")",
        "file(\"../token.txt\")",
        "file(\"keys/../../token.txt\")",
    ];
    edit(
        &vms,
        "ssh_keys = [file(\"keys/admin.pub\")]",
        &format!("ssh_keys = [{}]", attempts.join(", ")),
    );
    edit(
        &vms,
        "description = \"PostgreSQL for the web tier\"",
        "description = file(\"../token.txt\")",
    );
    let check = pxic(&["check", "--message-format", "json"], &project);
    assert!(!check.status.success());
    let errors = String::from_utf8_lossy(&check.stdout)
        .lines()
        .filter(|l| l.contains("\"severity\":\"error\""))
        .count();
    // One error per key read, and one for the description.
    assert!(
        errors > attempts.len(),
        "every read is refused: {errors} errors"
    );
    run_everything(&project);
}

#[test]
fn a_link_at_a_generated_path_is_never_read_or_written_through() {
    let (project, outside) = built_homelab("link");
    let generated = project.join("terraform/vms.tf");
    std::fs::remove_file(&generated).expect("remove");
    std::os::unix::fs::symlink(&outside, &generated).expect("link");
    run_everything(&project);
    let token = std::fs::read_to_string(&outside).expect("read");
    assert_eq!(
        token,
        format!("{SECRET}\n"),
        "the link's target is untouched"
    );
    assert!(
        !generated.is_symlink(),
        "`build --force` replaced the link with the generated file"
    );
}
