//! The pull-request workflow as a user lives it, on copies of `examples/homelab` in
//! temporary folders: `pxic build`, `pxic build --check`, the manifest that lets a
//! build remove its stale files and leave the user's alone, hand-edited files, builds
//! that fail half-way and leave the folder as it was, determinism, and `pxic diff`
//! against git revisions.

use crate::common;

use common::{output_text as text, pxic};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Removes the homelab's container, the last declaration of `vms.pxi`.
fn remove_container(project: &Path) {
    let vms = project.join("vms.pxi");
    let text = std::fs::read_to_string(&vms).expect("read");
    let cut = text.find("container dns-01").expect("the container");
    std::fs::write(&vms, &text[..cut]).expect("write");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn check_fails_with_a_diff_until_the_files_are_rebuilt() {
    let project = homelab("check");
    let build = pxic(&["build", "."], &project);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    assert!(project.join(".pxic-manifest.json").is_file());
    let check = pxic(&["build", "--check", "."], &project);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    assert!(text(&check).contains("up to date"), "{}", text(&check));

    edit(
        &project.join("main.pxi"),
        "cores = 4, memory = 8GiB",
        "cores = 6, memory = 8GiB",
    );
    let before = tree(&project);
    let check = pxic(&["build", "--check", "."], &project);
    let said = text(&check);
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(
        said.contains("--- terraform/vms.tf (on disk)\n+++ terraform/vms.tf (generated)"),
        "{said}"
    );
    assert!(
        said.contains("-    cores   = 4\n+    cores   = 6"),
        "{said}"
    );
    assert!(
        said.contains("PXI0087") && said.contains("run `pxic build`"),
        "{said}"
    );
    assert_eq!(tree(&project), before, "--check writes nothing");
    // With JSON diagnostics, stdout still carries the diffs alone.
    let json = pxic(
        &["--message-format", "json", "build", "--check", "."],
        &project,
    );
    let stdout = String::from_utf8_lossy(&json.stdout);
    assert!(
        stdout.starts_with("--- terraform/vms.tf") && !stdout.contains("\"code\""),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&json.stderr).contains("\"code\":\"PXI0087\""));

    let build = pxic(&["build", "."], &project);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    assert!(text(&build).contains("(1 changed)"), "{}", text(&build));
    let check = pxic(&["build", "--check", "."], &project);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
}

#[test]
fn check_notices_a_missing_file_and_a_lock_that_would_change() {
    let project = homelab("check-missing");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    std::fs::remove_file(project.join("ansible/site.yml")).expect("rm");
    let check = pxic(&["build", "--check", "."], &project);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check).contains("--- /dev/null\n+++ ansible/site.yml (generated)"),
        "{}",
        text(&check)
    );

    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    let lock = std::fs::read_to_string(project.join("pxi.lock")).expect("lock");
    let entry = "    \"vm/worker-1\": 102,\n";
    assert!(lock.contains(entry), "{lock}");
    std::fs::write(project.join("pxi.lock"), lock.replace(entry, "")).expect("write");
    let check = pxic(&["build", "--check", "."], &project);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(
        text(&check).contains("+++ pxi.lock (generated)"),
        "{}",
        text(&check)
    );
}

#[test]
fn user_files_survive_and_files_no_longer_generated_go() {
    let project = homelab("stale");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    let user_files = [
        "terraform/terraform.tfvars",
        "terraform/.terraform/providers/x",
        "ansible/group_vars/all.yml",
        "packer/notes.txt",
    ];
    for path in user_files {
        let path = project.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, "mine\n").expect("write");
    }
    // The container goes, and with it containers.tf; the Packer template goes, and
    // with it packer/ubuntu-2404-docker.pkr.hcl and the template's playbook.
    remove_container(&project);
    let hosts = project.join("hosts.pxi");
    let text_of_hosts = std::fs::read_to_string(&hosts).expect("read");
    let start = text_of_hosts
        .find("template ubuntu-2404-docker")
        .expect("the template");
    let end = start + text_of_hosts[start..].find("\n}\n").expect("its end") + 3;
    std::fs::write(
        &hosts,
        format!("{}{}", &text_of_hosts[..start], &text_of_hosts[end..]),
    )
    .expect("write");

    let build = pxic(&["build", "."], &project);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    assert!(
        text(&build).contains("stale files removed"),
        "{}",
        text(&build)
    );
    for gone in [
        "terraform/containers.tf",
        "packer/ubuntu-2404-docker.pkr.hcl",
        "ansible/template-ubuntu-2404-docker.yml",
    ] {
        assert!(!project.join(gone).exists(), "{gone} was not removed");
    }
    for path in user_files {
        assert_eq!(
            std::fs::read_to_string(project.join(path)).expect("kept"),
            "mine\n",
            "{path}"
        );
    }
    let manifest = std::fs::read_to_string(project.join(".pxic-manifest.json")).expect("manifest");
    assert!(
        !manifest.contains("containers.tf") && !manifest.contains("tfvars"),
        "{manifest}"
    );
}

#[test]
fn a_hand_edited_generated_file_is_reported_and_kept_unless_forced() {
    let project = homelab("edited");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    let vms = project.join("terraform/vms.tf");
    let mut edited = std::fs::read_to_string(&vms).expect("read");
    edited.push_str("# my tweak\n");
    std::fs::write(&vms, &edited).expect("write");
    edit(
        &project.join("main.pxi"),
        "cores = 4, memory = 8GiB",
        "cores = 6, memory = 8GiB",
    );
    let before = tree(&project);

    let build = pxic(&["build", "."], &project);
    let said = text(&build);
    assert_eq!(build.status.code(), Some(1), "{said}");
    assert!(
        said.contains("PXI0088") && said.contains("`terraform/vms.tf` was edited by hand"),
        "{said}"
    );
    assert!(said.contains("--force"), "{said}");
    assert_eq!(
        tree(&project),
        before,
        "a blocked build writes nothing, not even pxi.lock"
    );

    let forced = pxic(&["build", "--force", "."], &project);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    let rebuilt = std::fs::read_to_string(&vms).expect("read");
    assert!(
        !rebuilt.contains("# my tweak") && rebuilt.contains("cores   = 6"),
        "{rebuilt}"
    );
}

#[test]
fn a_file_pxic_did_not_write_is_never_written_over_without_force() {
    let project = homelab("in-the-way");
    std::fs::create_dir_all(project.join("terraform")).expect("mkdir");
    std::fs::write(project.join("terraform/vms.tf"), "# written by hand\n").expect("write");
    // A file from a build before manifests existed carries the header: it is adopted.
    std::fs::create_dir_all(project.join("ansible")).expect("mkdir");
    std::fs::write(
        project.join("ansible/site.yml"),
        "---\n# generated by pxic — do not edit; change the .pxi files and run `pxic build`\n",
    )
    .expect("write");
    let build = pxic(&["build", "."], &project);
    let said = text(&build);
    assert_eq!(build.status.code(), Some(1), "{said}");
    assert!(
        said.contains("PXI0089") && said.contains("`terraform/vms.tf` is in the way"),
        "{said}"
    );
    assert!(!said.contains("site.yml"), "{said}");
    assert_eq!(
        std::fs::read_to_string(project.join("terraform/vms.tf")).expect("read"),
        "# written by hand\n"
    );
    let forced = pxic(&["build", "--force", "."], &project);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
}

/// A build that cannot write its output folder fails with a clear error and leaves
/// everything as it was, `pxi.lock` included. (The tests run as root, which file
/// modes do not stop: the folder is blocked by a file where a folder must be.)
#[test]
fn a_build_that_cannot_write_changes_nothing() {
    let project = homelab("unwritable");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    edit(
        &project.join("main.pxi"),
        "cores = 4, memory = 8GiB",
        "cores = 6, memory = 8GiB",
    );
    // A change of allocation too, so that the lock would change.
    edit(&project.join("vms.pxi"), "ip = 10.10.0.21", "ip = auto");
    std::fs::remove_dir_all(project.join("packer")).expect("rm");
    std::fs::write(project.join("packer"), "in the way\n").expect("write");
    let before = tree(&project);
    let build = pxic(&["build", "."], &project);
    let said = text(&build);
    assert_eq!(build.status.code(), Some(2), "{said}");
    assert!(
        said.contains("PXI0095") && said.contains("nothing in it was changed"),
        "{said}"
    );
    assert_eq!(tree(&project), before);
}

/// A build that fails at any step of putting its files and `pxi.lock` in place (here
/// made to fail through the library's hook, step after step) undoes what it did.
#[test]
fn a_build_failing_at_any_step_leaves_the_folder_as_it_was() {
    let project = homelab("every-step");
    assert_eq!(pxic(&["build", "."], &project).status.code(), Some(0));
    // A change that writes and removes files: fewer cores, no container.
    edit(
        &project.join("main.pxi"),
        "cores = 4, memory = 8GiB",
        "cores = 6, memory = 8GiB",
    );
    remove_container(&project);
    std::fs::write(project.join("terraform/terraform.tfvars"), "mine\n").expect("write");
    let before = tree(&project);
    let mut map = pxic::source::SourceMap::new();
    for path in pxic::io::discover(&project).expect("sources") {
        let name = path
            .strip_prefix(&project)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let id = map.add(
            path.to_string_lossy().into_owned(),
            std::fs::read_to_string(&path).expect("read"),
        );
        map.set_project_path(id, name);
    }
    let lock = pxic::io::read_lock(&project.join("pxi.lock")).expect("lock");
    let checked =
        pxic::check::check_project(&mut map, &pxic::io::FsWorld::new(&project, &[]), &lock);
    let plan = checked.plan.expect("a plan");
    let files = pxic::backend::emit_all(&plan);
    let mut changes = pxic::io::artifacts::compare(&project, &files).expect("compare");
    // The lock goes in the same transaction: rolled back with the files.
    changes.also_write(project.join("pxi.lock"), checked.lock.render());
    assert!(
        !changes.writes.is_empty() && !changes.removals.is_empty(),
        "{} writes, {} removals",
        changes.writes.len(),
        changes.removals.len()
    );
    let mut failed_at = 0;
    for step in 1.. {
        let mut hook = |n: usize| {
            if n == step {
                Err(pxic::diag::Diagnostic::error(
                    pxic::diag::Code::CannotWrite,
                    "injected",
                ))
            } else {
                Ok(())
            }
        };
        match pxic::io::artifacts::apply_checked(&project, &changes, &mut hook) {
            Err(_) => {
                assert_eq!(
                    tree(&project),
                    before,
                    "failing at step {step} left changes"
                );
                failed_at = step;
            }
            Ok(()) => break,
        }
    }
    assert!(failed_at > 5, "only {failed_at} steps were tried");
    let after = tree(&project);
    assert_ne!(
        after, before,
        "the last run, with no failure, applied the changes"
    );
    assert_eq!(
        after.get("terraform/terraform.tfvars").map(Vec::as_slice),
        Some(&b"mine\n"[..])
    );
}

/// The same project gives byte-identical files whatever the working directory, the
/// way the project is named, the order its files were created in, and the user.
#[test]
fn output_is_the_same_from_anywhere() {
    let first = homelab("anywhere-1");
    let second = homelab("anywhere-2");
    // Recreate the second copy's sources in reverse order.
    let mut sources: Vec<_> = std::fs::read_dir(&second)
        .expect("read")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pxi"))
        .collect();
    sources.sort();
    for path in sources.iter().rev() {
        let text = std::fs::read(path).expect("read");
        std::fs::remove_file(path).expect("rm");
        std::fs::write(path, text).expect("write");
    }
    let out = pxic(&["build", "homelab"], first.parent().expect("parent"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let absolute = second.to_string_lossy().into_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(["build", &absolute])
        .current_dir("/")
        .env("HOME", "/nonexistent")
        .env("USER", "someone-else")
        .env("LC_ALL", "C")
        .env("TZ", "Pacific/Auckland")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(tree(&first), tree(&second));
}

/// A git repository holding the homelab example, committed, for `pxic diff`.
fn git_project(name: &str) -> PathBuf {
    let project = homelab(name);
    commit_all(&project);
    project
}

/// Makes the folder above `project` a git repository with everything committed.
fn commit_all(project: &Path) {
    let root = project.parent().expect("parent").to_path_buf();
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.email=ci@example.org",
            "-c",
            "user.name=ci",
            "commit",
            "-qm",
            "homelab",
        ],
    ] {
        let status = Command::new("git")
            .args(args)
            .current_dir(&root)
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
    }
}

/// A key that is a symbolic link inside the project reads the same at the revision
/// (through git) as in the working tree: no phantom change.
#[cfg(unix)]
#[test]
fn diff_reads_a_linked_file_as_the_working_tree_does() {
    let project = homelab("diff-link");
    let keys = project.join("keys");
    std::fs::rename(keys.join("admin.pub"), keys.join("real.pub")).expect("rename");
    std::os::unix::fs::symlink("real.pub", keys.join("admin.pub")).expect("link");
    commit_all(&project);
    let diff = pxic(&["diff", "."], &project);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
    assert_eq!(
        String::from_utf8_lossy(&diff.stdout),
        "no changes since HEAD\n"
    );
}

/// The summary part of `pxic diff`'s output.
fn summary(output: &Output) -> String {
    let out = String::from_utf8_lossy(&output.stdout);
    out.split("\n\n").next().unwrap_or_default().to_string()
}

#[test]
fn diff_says_what_changed_since_a_revision() {
    let project = git_project("diff");
    let unchanged = pxic(&["diff", "."], &project);
    assert_eq!(unchanged.status.code(), Some(0), "{}", text(&unchanged));
    assert_eq!(
        String::from_utf8_lossy(&unchanged.stdout),
        "no changes since HEAD\n"
    );

    // Added, removed and changed VMs, a changed Packer template, a removed container.
    edit(&project.join("vms.pxi"), "for i in 1..=3", "for i in 1..=2");
    edit(
        &project.join("main.pxi"),
        "cores = 4, memory = 8GiB",
        "cores = 4, memory = 16GiB",
    );
    edit(
        &project.join("hosts.pxi"),
        "build { roles = [roles.docker] }",
        "build { roles = [roles.docker], packages = [\"jq\"] }",
    );
    remove_container(&project);
    let vms = project.join("vms.pxi");
    let mut text_of_vms = std::fs::read_to_string(&vms).expect("read");
    text_of_vms.push_str(
        "vm web-02 : small {\n  host     = pve1\n  template = ubuntu-2404\n  network lan { ip = 10.10.0.22 }\n}\n",
    );
    std::fs::write(&vms, text_of_vms).expect("write");
    let diff = pxic(&["diff", "."], &project);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
    insta::assert_snapshot!("diff_summary", summary(&diff));
    let out = String::from_utf8_lossy(&diff.stdout);
    assert!(
        out.contains("--- terraform/containers.tf (HEAD)\n+++ /dev/null"),
        "{out}"
    );
    assert!(out.contains("+++ terraform/vms.tf (working tree)"), "{out}");
    assert!(out.contains("+    dedicated = 16384"), "{out}");
    // What is lost is said again last, loudly.
    assert!(
        out.contains("\n!! 2 guests destroyed or replaced by this change, disks included"),
        "{out}"
    );
    // diff writes nothing, not even the lock the change needs.
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(&project)
        .output()
        .expect("git");
    assert!(!String::from_utf8_lossy(&status.stdout).contains("pxi.lock"));

    let bad = pxic(&["diff", ".", "--against", "no-such-branch"], &project);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("PXI0086"), "{}", text(&bad));
}

/// A renamed guest keeps its VMID, address and MAC, and Terraform moves it: nothing
/// is destroyed.
#[test]
fn diff_shows_a_rename_as_a_move() {
    let project = git_project("diff-rename");
    edit(
        &project.join("vms.pxi"),
        "vm web-01 : small {\n",
        "vm www-01 : small {\n  renamed_from = \"web-01\"\n",
    );
    let diff = pxic(&["diff", "."], &project);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
    let out = String::from_utf8_lossy(&diff.stdout);
    assert!(
        out.contains(
            "  vm web-01 removed (vmid 100, 10.10.0.21, pve1)\n    → vm web-01 is renamed to www-01"
        ),
        "{out}"
    );
    assert!(
        out.contains("  vm www-01 added (vmid 100, 10.10.0.21, pve1)"),
        "{out}"
    );
    assert!(!out.contains("!!"), "{out}");
    assert!(
        out.contains(
            "+moved {\n+  from = proxmox_virtual_environment_vm.web_01\n+  to   = proxmox_virtual_environment_vm.www_01\n+}"
        ),
        "{out}"
    );
}

#[test]
fn diff_against_an_older_revision_shows_a_template_added_and_a_vm_removed() {
    let project = git_project("diff-history");
    let root = project.parent().expect("parent").to_path_buf();
    edit(&project.join("vms.pxi"), "for i in 1..=3", "for i in 1..=4");
    let hosts = project.join("hosts.pxi");
    let text_of_hosts = std::fs::read_to_string(&hosts).expect("read");
    std::fs::write(
        &hosts,
        format!("{text_of_hosts}\ntemplate debian-12 {{\n  host    = pve1\n  vmid    = 9002\n  image   = os.debian_12_iso\n  storage = local-lvm\n}}\n"),
    )
    .expect("write");
    let status = Command::new("git")
        .args([
            "-c",
            "user.email=ci@example.org",
            "-c",
            "user.name=ci",
            "commit",
            "-qam",
            "more",
        ])
        .current_dir(&root)
        .status()
        .expect("git");
    assert!(status.success());
    edit(&project.join("vms.pxi"), "for i in 1..=4", "for i in 1..=2");
    let diff = pxic(&["diff", ".", "--against", "HEAD~1"], &project);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
    insta::assert_snapshot!("diff_history_summary", summary(&diff));
}

/// A fresh copy of the homelab example for one test.
fn homelab(name: &str) -> PathBuf {
    common::homelab_copy("workflow", name)
}
