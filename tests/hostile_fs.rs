//! What a pull request can put in a project's folder or its output folder, and what
//! pxic must then not do: write through a symbolic link, read a secret through one,
//! delete files that are not its own, hang on a FIFO, or let two builds or a signal
//! leave a folder half-written. Each test runs the binary on a copy of
//! `examples/homelab` and fails without the guard it is named after.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn pxic(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("pxic runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A fresh copy of the homelab example at `<tmp>/<name>/homelab`, and beside it a
/// `victim/` folder outside the project holding `secret`.
fn homelab(name: &str) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("homelab");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/homelab"),
        &project,
    );
    let victim = root.join("victim");
    std::fs::create_dir_all(&victim).expect("mkdir");
    std::fs::write(victim.join("secret"), "TOKEN=hunter2\n").expect("write");
    (project, victim)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Changes an allocation, so that a build would change `pxi.lock`.
fn change_the_lock(project: &Path) {
    let vms = project.join("vms.pxi");
    let text = std::fs::read_to_string(&vms).expect("read");
    std::fs::write(&vms, text.replace("ip = 10.10.0.21", "ip = auto")).expect("write");
}

fn sha256(path: &Path) -> String {
    pxic::io::artifacts::hash(&std::fs::read_to_string(path).expect("read"))
}

/// Adds entries to the manifest a build wrote.
fn add_to_manifest(project: &Path, entries: &[(&str, String)]) {
    let path = project.join(".pxic-manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    for (entry, sum) in entries {
        manifest["files"][*entry] = serde_json::Value::String(sum.clone());
    }
    std::fs::write(&path, manifest.to_string()).expect("write");
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

#[test]
fn a_link_at_the_lock_temporary_name_is_not_written_through() {
    let (project, victim) = homelab("lock-temp");
    symlink(victim.join("secret"), project.join(".pxi.lock.pxic-tmp")).expect("link");
    change_the_lock(&project);
    let build = pxic(&["build", "."], &project);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    assert_eq!(
        std::fs::read_to_string(victim.join("secret")).expect("read"),
        "TOKEN=hunter2\n"
    );
    assert!(
        !is_link(&project.join("pxi.lock")),
        "pxi.lock became a link"
    );
    assert!(
        std::fs::read_to_string(project.join("pxi.lock"))
            .expect("read")
            .contains("\"vm/web-01/lan\"")
    );
}

#[test]
fn a_manifest_cannot_delete_sources_keys_or_the_lock() {
    for entry in ["pxi.lock", "vms.pxi", "keys/admin.pub", "terraform/x.pxi"] {
        let (project, _) = homelab("manifest-sources");
        assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
        let target = project.join(entry);
        if !target.exists() {
            std::fs::write(&target, "cluster x {}\n").expect("write");
        }
        add_to_manifest(&project, &[(entry, sha256(&target))]);
        // A change, so that the build would remove what the manifest names.
        change_the_lock(&project);
        for force in [false, true] {
            let args: &[&str] = if force {
                &["build", "--force", "."]
            } else {
                &["build", "."]
            };
            let build = pxic(args, &project);
            let said = text(&build);
            assert_eq!(build.status.code(), Some(2), "{entry}: {said}");
            assert!(said.contains("PXI0076"), "{entry}: {said}");
            assert!(target.exists(), "{entry} was removed");
        }
    }
}

#[test]
fn a_manifest_entry_through_a_linked_folder_deletes_nothing() {
    let (project, victim) = homelab("manifest-link");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    symlink(&victim, project.join("terraform/evil")).expect("link");
    add_to_manifest(
        &project,
        &[("terraform/evil/secret", sha256(&victim.join("secret")))],
    );
    for args in [&["build", "."][..], &["build", "--force", "."]] {
        let build = pxic(args, &project);
        let said = text(&build);
        assert_eq!(build.status.code(), Some(2), "{said}");
        assert!(
            said.contains("PXI0077") && said.contains("`terraform/evil`"),
            "{said}"
        );
        assert!(
            victim.join("secret").exists(),
            "the build deleted through a link"
        );
    }
}

#[test]
fn a_linked_generated_folder_is_never_written_through() {
    let (project, victim) = homelab("linked-folder");
    symlink(&victim, project.join("terraform")).expect("link");
    for args in [
        &["build", "."][..],
        &["build", "--force", "."],
        &["build", "--check", "."],
    ] {
        let build = pxic(args, &project);
        let said = text(&build);
        assert_eq!(build.status.code(), Some(2), "{args:?}: {said}");
        assert!(said.contains("PXI0077"), "{said}");
    }
    let files: Vec<_> = std::fs::read_dir(&victim).expect("read").collect();
    assert_eq!(files.len(), 1, "the build wrote into the linked folder");
}

#[test]
fn only_unedited_regular_files_are_removed_even_when_forced() {
    let (project, victim) = homelab("removals");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    // An old generated file, edited since; a link and a folder where others were.
    std::fs::write(project.join("terraform/old.tf"), "# mine now\n").expect("write");
    symlink(victim.join("secret"), project.join("terraform/gone.tf")).expect("link");
    std::fs::create_dir_all(project.join("terraform/dir.tf/inner")).expect("mkdir");
    add_to_manifest(
        &project,
        &[
            (
                "terraform/old.tf",
                pxic::io::artifacts::hash("# generated\n"),
            ),
            ("terraform/gone.tf", sha256(&victim.join("secret"))),
            ("terraform/dir.tf", pxic::io::artifacts::hash("")),
        ],
    );
    let build = pxic(&["build", "."], &project);
    let said = text(&build);
    assert_eq!(build.status.code(), Some(1), "{said}");
    assert!(
        said.contains("PXI0088") && said.contains("`terraform/old.tf`"),
        "{said}"
    );
    let forced = pxic(&["build", "--force", "."], &project);
    let said = text(&forced);
    assert_eq!(forced.status.code(), Some(0), "{said}");
    assert!(said.contains("left `terraform/old.tf` in place"), "{said}");
    assert_eq!(
        std::fs::read_to_string(project.join("terraform/old.tf")).expect("kept"),
        "# mine now\n"
    );
    assert!(
        is_link(&project.join("terraform/gone.tf")),
        "the link was removed"
    );
    assert!(victim.join("secret").exists());
    assert!(project.join("terraform/dir.tf/inner").is_dir());
    let manifest = std::fs::read_to_string(project.join(".pxic-manifest.json")).expect("read");
    assert!(
        ["old.tf", "gone.tf", "dir.tf"]
            .iter()
            .all(|name| !manifest.contains(name))
    );
}

#[test]
fn check_never_reads_through_a_link_at_a_generated_path() {
    let (project, victim) = homelab("check-link");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    let vms = project.join("terraform/vms.tf");
    std::fs::remove_file(&vms).expect("rm");
    symlink(victim.join("secret"), &vms).expect("link");
    let check = pxic(&["build", "--check", "."], &project);
    let said = text(&check);
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(
        !said.contains("hunter2"),
        "the check printed the link's target: {said}"
    );
    assert!(
        said.contains("PXI0089") && said.contains("symbolic link"),
        "{said}"
    );
    let build = pxic(&["build", "."], &project);
    assert_eq!(build.status.code(), Some(1), "{}", text(&build));
    let forced = pxic(&["build", "--force", "."], &project);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert!(!is_link(&vms), "the link is replaced by the generated file");
    assert_eq!(
        std::fs::read_to_string(victim.join("secret")).expect("read"),
        "TOKEN=hunter2\n"
    );
}

#[test]
fn a_fifo_or_device_as_source_lock_or_manifest_is_refused_without_reading() {
    for name in ["pxi.lock", ".pxic-manifest.json"] {
        let (project, _) = homelab("fifo");
        let path = project.join(name);
        let _ = std::fs::remove_file(&path);
        let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
        assert!(made.success());
        let started = Instant::now();
        let build = pxic(&["build", "."], &project);
        let said = text(&build);
        assert_eq!(build.status.code(), Some(2), "{name}: {said}");
        assert!(said.contains("PXI0078"), "{name}: {said}");
        assert!(started.elapsed() < Duration::from_secs(10));
        std::fs::remove_file(&path).expect("rm");
        symlink("/dev/zero", &path).expect("link");
        let build = pxic(&["build", "."], &project);
        assert!(text(&build).contains("PXI0078"), "{name}: {}", text(&build));
    }
    // A source named on the command line is looked at before it is read too.
    let (project, _) = homelab("fifo-source");
    let made = Command::new("mkfifo")
        .arg(project.join("more.pxi"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for source in ["more.pxi", "/dev/zero"] {
        let check = pxic(&["check", source], &project);
        let said = text(&check);
        assert_eq!(check.status.code(), Some(2), "{source}: {said}");
        assert!(said.contains("PXI0078"), "{source}: {said}");
    }
}

#[test]
fn a_second_build_waits_for_the_first_to_finish() {
    let (project, _) = homelab("two-builds");
    // The test holds the lock a first build would hold.
    let held = std::fs::File::open(&project).expect("open");
    held.lock().expect("lock");
    let second = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(["build", "."])
        .current_dir(&project)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("runs");
    std::thread::sleep(Duration::from_millis(500));
    let mut second = second;
    assert!(
        second.try_wait().expect("wait").is_none(),
        "the second build did not wait"
    );
    assert!(!project.join("terraform").exists(), "it wrote while locked");
    held.unlock().expect("unlock");
    let output = second.wait_with_output().expect("wait");
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(said.contains("waiting for another build"), "{said}");
    assert!(project.join("terraform/vms.tf").exists());
}

#[test]
fn a_stale_staging_entry_does_not_stop_builds() {
    let (project, victim) = homelab("stale-staging");
    std::fs::write(project.join(".pxic-staging"), "left over\n").expect("write");
    symlink(&victim, project.join(".pxic-staging-1-0")).expect("link");
    let build = pxic(&["build", "."], &project);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    assert!(
        victim.join("secret").exists(),
        "cleaning up followed a link"
    );
    let left: Vec<String> = std::fs::read_dir(&project)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".pxic-staging") || name.contains("pxic-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Every file below `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("entry");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("inside");
            files.insert(
                relative.to_string_lossy().into_owned(),
                std::fs::read(entry.path()).expect("read"),
            );
        }
    }
    files
}

/// Ctrl-C or SIGTERM at any moment leaves the folder as before or as after the
/// build, never a mix. (The example is small: few of the signals land while files
/// are renamed, so this samples the window rather than hitting it every time.)
#[test]
fn a_signal_during_a_build_leaves_the_old_or_the_new_files() {
    let (before_dir, _) = homelab("signal-before");
    assert_eq!(pxic(&["build", "."], &before_dir).status.code(), Some(0));
    let before = tree(&before_dir);
    let (after_dir, _) = homelab("signal-after");
    assert_eq!(pxic(&["build", "."], &after_dir).status.code(), Some(0));
    change_the_lock(&after_dir);
    assert_eq!(pxic(&["build", "."], &after_dir).status.code(), Some(0));
    let after = tree(&after_dir);
    assert_ne!(before, after);
    for delay_us in (0..40).map(|n| n * 400) {
        let (project, _) = homelab("signal");
        assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
        change_the_lock(&project);
        let mut child = Command::new(env!("CARGO_BIN_EXE_pxic"))
            .args(["build", "."])
            .current_dir(&project)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("runs");
        std::thread::sleep(Duration::from_micros(delay_us));
        let signal = if delay_us % 800 == 0 { "-INT" } else { "-TERM" };
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let _ = child.wait();
        let mut now = tree(&project);
        // Only the sources differ between the two copies.
        now.insert("vms.pxi".into(), after["vms.pxi"].clone());
        let mut old = before.clone();
        old.insert("vms.pxi".into(), after["vms.pxi"].clone());
        assert!(
            now == old || now == after,
            "after a signal at {delay_us} µs the folder is a mix"
        );
    }
}
