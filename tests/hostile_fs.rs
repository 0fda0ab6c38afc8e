//! What a pull request can put in a project's folder or its output folder, and what
//! pxic must then not do: write through a symbolic link, read a secret through one,
//! delete files that are not its own, hang on a FIFO, or let two builds or a signal
//! leave a folder half-written. Each test runs the binary on a copy of
//! `examples/homelab` and fails without the guard it is named after.
#![cfg(unix)]

use crate::common;

use common::{output_text as text, pxic};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh copy of the homelab example at `<tmp>/<name>/homelab`, and beside it a
/// `victim/` folder outside the project holding `secret`.
fn homelab(name: &str) -> (PathBuf, PathBuf) {
    let project = common::homelab_copy("hostile", name);
    let victim = project.with_file_name("victim");
    std::fs::create_dir_all(&victim).expect("mkdir");
    std::fs::write(victim.join("secret"), "TOKEN=hunter2\n").expect("write");
    (project, victim)
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
    // A lock that is a link is not followed, wherever it points.
    let (project, victim) = homelab("lock-link");
    std::fs::remove_file(project.join("pxi.lock")).expect("rm");
    symlink(victim.join("secret"), project.join("pxi.lock")).expect("link");
    let check = pxic(&["check", "."], &project);
    let said = text(&check);
    assert!(
        said.contains("PXI0078") && said.contains("symbolic link"),
        "{said}"
    );
    assert!(!said.contains("hunter2"), "{said}");
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
fn sources_are_never_read_through_a_link_out_of_the_project() {
    let (project, victim) = homelab("source-links");
    std::fs::write(victim.join("more.pxi"), "TOKEN=hunter2\n").expect("write");
    for (link, target) in [
        ("env.pxi", victim.join("secret")),
        ("shared", victim.clone()),
    ] {
        symlink(&target, project.join(link)).expect("link");
        let check = pxic(&["check", "."], &project);
        let said = text(&check);
        assert_eq!(check.status.code(), Some(2), "{link}: {said}");
        assert!(said.contains("PXI0080") && said.contains(link), "{said}");
        assert!(!said.contains("hunter2"), "{said}");
        std::fs::remove_file(project.join(link)).expect("rm");
    }
    // A link that stays inside the project is followed as before (a hidden folder
    // is not searched itself).
    std::fs::create_dir_all(project.join(".real")).expect("mkdir");
    std::fs::rename(project.join("hosts.pxi"), project.join(".real/hosts.pxi")).expect("mv");
    symlink(".real", project.join("linked")).expect("link");
    let check = pxic(&["check", "."], &project);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
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

/// A project of `hosts` Proxmox hosts: each has its own generated interfaces file,
/// and all of them change with the gateway.
fn many_hosts(dir: &Path, hosts: usize, gateway: &str) {
    let mut text = format!(
        "cluster lab {{ endpoint = \"https://10.0.0.2:8006/\" }}\nnetwork lan {{\n  cidr = 10.0.0.0/16\n  gateway = {gateway}\n}}\n"
    );
    for i in 0..hosts {
        text.push_str(&format!(
            "host h{i} {{\n  address = 10.0.{}.{}\n  bridge vmbr0 {{ network = lan }}\n}}\n",
            i / 250 + 1,
            i % 250 + 2
        ));
    }
    std::fs::write(dir.join("main.pxi"), text).expect("write");
}

/// Whether every file the manifest lists has the recorded contents, and every
/// interfaces file names the same gateway: the folder is one build's, not a mix.
fn is_whole(dir: &Path) -> Result<(), String> {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(".pxic-manifest.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let mut gateways = std::collections::BTreeSet::new();
    for (path, sum) in manifest["files"].as_object().into_iter().flatten() {
        let text = std::fs::read_to_string(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        if pxic::io::artifacts::hash(&text) != sum.as_str().unwrap_or_default() {
            return Err(format!("{path} is not what the manifest says"));
        }
        // The interfaces files only: other generated files (the network module) say
        // "gateway" too.
        if !path.ends_with("/interfaces") {
            continue;
        }
        if let Some(line) = text.lines().find(|l| l.contains("gateway ")) {
            gateways.insert(line.to_string());
        }
    }
    match gateways.len() {
        1 => Ok(()),
        n => Err(format!("{n} different gateways")),
    }
}

/// Ctrl-C or SIGTERM while a build rewrites 1,000 files leaves the folder as before
/// or as after the build, never a mix.
#[test]
fn a_signal_during_a_build_leaves_the_old_or_the_new_files() {
    const HOSTS: usize = 1000;
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile/signal");
    let _ = std::fs::remove_dir_all(&root);
    let built = root.join("built");
    std::fs::create_dir_all(&built).expect("mkdir");
    many_hosts(&built, HOSTS, "10.0.0.1");
    assert_eq!(pxic(&["build", "."], &built).status.code(), Some(0));
    // Each signal is sent once the build has started putting files in place (the
    // first interfaces file is the new one), to land among the renames.
    let first = Path::new("ansible/files/h0/interfaces");
    for (n, delay_ms) in [0, 5, 20, 50].into_iter().enumerate() {
        let project = root.join(format!("run-{n}"));
        let copied = Command::new("cp")
            .args(["-a".as_ref(), built.as_os_str(), project.as_os_str()])
            .status()
            .expect("cp");
        assert!(copied.success());
        many_hosts(&project, HOSTS, "10.0.0.254");
        let mut child = Command::new(env!("CARGO_BIN_EXE_pxic"))
            .args(["build", "."])
            .current_dir(&project)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("runs");
        let started = Instant::now();
        while child.try_wait().expect("wait").is_none()
            && !std::fs::read_to_string(project.join(first))
                .is_ok_and(|text| text.contains("10.0.0.254"))
        {
            assert!(started.elapsed() < Duration::from_secs(120), "too slow");
            std::thread::sleep(Duration::from_micros(100));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let signal = if n % 2 == 0 { "-INT" } else { "-TERM" };
        let _ = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status();
        let _ = child.wait();
        if let Err(mix) = is_whole(&project) {
            panic!("a signal after {delay_ms} ms left a mix: {mix}");
        }
        let _ = std::fs::remove_dir_all(&project);
    }
}
