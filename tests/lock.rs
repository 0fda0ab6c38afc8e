//! `pxi.lock`: allocations stay put when other guests come and go, and `--locked`
//! refuses to change the lock.

use pxic::check::lock::Lock;
use pxic::check::{World, check_project};
use pxic::source::SourceMap;
use std::path::Path;

/// No project here reads files.
struct NoFiles;

impl World for NoFiles {
    fn read_file(&self, _: &Path) -> Result<std::sync::Arc<str>, pxic::check::FileError> {
        Err(pxic::check::FileError::Unreadable(
            "no files in this test".into(),
        ))
    }
}

const BASE: &str = r#"
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  vmids    = 100 .. 199
}
network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}
image cloud { kind = cloud, url = "https://example.org/cloud.img" }
host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local { type = dir, path = "/var/lib/vz", content = [import] }
}
template base { host = pve1, image = cloud, storage = local-lvm, vmid = 9000 }
"#;

fn vm(name: &str) -> String {
    format!("vm {name} {{\n  host = pve1\n  template = base\n  network lan {{ ip = auto }}\n}}\n")
}

/// Checks a project made of BASE and the named VMs, with a lock.
fn build(vms: &[&str], lock: &Lock) -> (pxic::ir::Plan, Lock) {
    let mut text = BASE.to_string();
    for name in vms {
        text.push_str(&vm(name));
    }
    let mut map = SourceMap::new();
    map.add("main.pxi", text);
    let checked = check_project(&mut map, &NoFiles, lock);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    (checked.plan.expect("a plan"), checked.lock)
}

fn allocation(plan: &pxic::ir::Plan, name: &str) -> (u32, String, String) {
    let vm = &plan.vms[name];
    (
        vm.guest.vmid,
        vm.guest.nics[0].address.to_string(),
        vm.guest.nics[0].mac.clone(),
    )
}

#[test]
fn adding_a_vm_in_the_middle_moves_nothing_else() {
    let (first, lock) = build(&["a", "c", "e"], &Lock::default());
    let (second, lock2) = build(&["a", "b", "c", "d", "e"], &lock);
    for name in ["a", "c", "e"] {
        assert_eq!(
            allocation(&first, name),
            allocation(&second, name),
            "{name} moved"
        );
    }
    // The new ones take what is free.
    let taken: Vec<u32> = ["a", "c", "e"]
        .iter()
        .map(|n| first.vms[*n].guest.vmid)
        .collect();
    for name in ["b", "d"] {
        assert!(!taken.contains(&second.vms[name].guest.vmid));
    }
    // A third build with the new lock changes nothing at all.
    let (third, lock3) = build(&["a", "b", "c", "d", "e"], &lock2);
    assert_eq!(second, third);
    assert_eq!(lock2, lock3);
}

#[test]
fn removing_a_vm_moves_nothing_else() {
    let (first, lock) = build(&["a", "b", "c"], &Lock::default());
    let (second, lock2) = build(&["a", "c"], &lock);
    for name in ["a", "c"] {
        assert_eq!(allocation(&first, name), allocation(&second, name));
    }
    assert!(
        !lock2.vmids.contains_key("vm/b"),
        "a removed VM leaves the lock"
    );
}

/// Terraform may create a new guest before it destroys a removed one: in the build
/// that does both, the new one gets neither the removed one's VMID nor its address.
#[test]
fn a_vm_added_with_another_removed_does_not_take_its_values() {
    let (first, lock) = build(&["a", "b", "c"], &Lock::default());
    let (second, lock2) = build(&["a", "c", "d"], &lock);
    let (b_vmid, b_address, _) = allocation(&first, "b");
    let (d_vmid, d_address, _) = allocation(&second, "d");
    assert_ne!(d_vmid, b_vmid);
    assert_ne!(d_address, b_address);
    // A build later, b's values are free again.
    let (third, _) = build(&["a", "c", "d", "e"], &lock2);
    assert_eq!(allocation(&third, "e").0, b_vmid);
}

#[test]
fn reordering_declarations_changes_nothing() {
    let (first, _) = build(&["a", "b", "c"], &Lock::default());
    let (second, _) = build(&["c", "a", "b"], &Lock::default());
    assert_eq!(first, second);
}

#[test]
fn a_locked_value_that_became_invalid_is_allocated_anew() {
    let (_, mut lock) = build(&["a"], &Lock::default());
    lock.vmids.insert("vm/a".into(), 5000); // outside 100 .. 199 now
    let (plan, new_lock) = build(&["a"], &lock);
    assert!((100..=199).contains(&plan.vms["a"].guest.vmid));
    assert_eq!(new_lock.vmids["vm/a"], plan.vms["a"].guest.vmid);
}

fn pxic(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pxic"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("pxic runs")
}

#[test]
fn build_writes_the_lock_and_locked_refuses_to_change_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path();
    std::fs::write(project.join("main.pxi"), format!("{BASE}{}", vm("a"))).expect("write");

    let locked_first = pxic(&["build", "--emit", "ir", "--locked"], project);
    assert_eq!(
        locked_first.status.code(),
        Some(1),
        "a missing lock needs writing"
    );
    assert!(
        !project.join("pxi.lock").exists(),
        "--locked writes nothing"
    );
    assert!(String::from_utf8_lossy(&locked_first.stderr).contains("PXI0096"));

    let first = pxic(&["build", "--emit", "ir"], project);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let lock = std::fs::read_to_string(project.join("pxi.lock")).expect("lock written");
    assert!(lock.contains("\"vm/a\": 100"));

    let unchanged = pxic(&["build", "--emit", "ir", "--locked"], project);
    assert_eq!(unchanged.status.code(), Some(0));
    assert_eq!(first.stdout, unchanged.stdout, "the same IR");

    std::fs::write(
        project.join("main.pxi"),
        format!("{BASE}{}{}", vm("a"), vm("b")),
    )
    .expect("write");
    let needs_change = pxic(&["build", "--emit", "ir", "--locked"], project);
    assert_eq!(needs_change.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(project.join("pxi.lock")).expect("lock"),
        lock,
        "untouched"
    );
}

#[test]
fn a_broken_lock_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.pxi"), BASE).expect("write");
    std::fs::write(dir.path().join("pxi.lock"), "{ not json").expect("write");
    let out = pxic(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PXI0094"));
}

/// The IR is byte-identical whether the project is named from inside it, from its
/// parent, or by an absolute path: no path of the machine leaks into it.
#[test]
fn the_ir_does_not_depend_on_the_working_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("infra");
    std::fs::create_dir(&project).expect("mkdir");
    std::fs::write(project.join("main.pxi"), format!("{BASE}{}", vm("a"))).expect("write");
    let inside = pxic(&["build", "--emit", "ir"], &project);
    let parent = pxic(&["build", "infra", "--emit", "ir"], dir.path());
    let absolute = pxic(
        &["build", &project.display().to_string(), "--emit", "ir"],
        Path::new("/"),
    );
    assert_eq!(inside.status.code(), Some(0));
    assert_eq!(inside.stdout, parent.stdout);
    assert_eq!(inside.stdout, absolute.stdout);
    let ir = String::from_utf8_lossy(&inside.stdout);
    assert!(ir.contains("\"file\": \"main.pxi\""), "{ir}");
    assert!(!ir.contains(&dir.path().display().to_string()));
}

/// A static address that the lock gave another guest's `ip = auto` moves that guest,
/// perhaps a running one: a warning names it and both its addresses (PXI0381).
#[test]
fn a_static_address_taking_a_locked_one_warns_that_the_other_guest_moves() {
    let (first, lock) = build(&["a", "b"], &Lock::default());
    let (_, b_address, _) = allocation(&first, "b");
    let mut text = BASE.to_string();
    text.push_str(&vm("a"));
    text.push_str(&vm("b"));
    text.push_str(&format!(
        "vm c {{\n  host = pve1\n  template = base\n  network lan {{ ip = {b_address} }}\n}}\n"
    ));
    let mut map = SourceMap::new();
    map.add("main.pxi", text);
    let checked = check_project(&mut map, &NoFiles, &lock);
    let warnings: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == pxic::diag::Code::AddressTakenFromGuest)
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(checked.diagnostics.len(), 1, "{:?}", checked.diagnostics);
    let plan = checked.plan.expect("a warning leaves a plan");
    let (_, moved_to, _) = allocation(&plan, "b");
    assert_ne!(moved_to, b_address);
    assert_eq!(
        warnings[0].message,
        format!("`b` moves from {b_address} to {moved_to}: another guest is given {b_address}")
    );
    // Without the lock, nothing was taken from anyone.
    let mut map = SourceMap::new();
    map.add(
        "main.pxi",
        format!(
            "{BASE}{}vm c {{\n  host = pve1\n  template = base\n  network lan {{ ip = {b_address} }}\n}}\n",
            vm("b")
        ),
    );
    assert!(
        check_project(&mut map, &NoFiles, &Lock::default())
            .diagnostics
            .is_empty()
    );
}

/// With `template_vmids`, templates and Packer's base VMs get VMIDs from that range
/// and guests from `vmids`; a template the lock placed among the guests stays put.
#[test]
fn templates_get_vmids_from_their_own_range() {
    let project = |template_vmids: &str| {
        format!(
            r#"
cluster lab {{
  endpoint = "https://10.0.0.2:8006/"
  vmids    = 100 .. 199
  {template_vmids}
}}
network lan {{
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}}
image cloud {{ kind = cloud, url = "https://example.org/cloud.img" }}
host pve1 {{
  address = 10.0.0.2
  bridge vmbr0 {{ network = lan }}
  storage local-lvm {{ type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }}
  storage local {{ type = dir, path = "/var/lib/vz", content = [import, snippets] }}
}}
template base {{ host = pve1, image = cloud, storage = local-lvm }}
template built {{
  host    = pve1
  image   = cloud
  storage = local-lvm
  build {{ packages = ["htop"] }}
}}
{}"#,
            vm("a")
        )
    };
    let check = |text: String, lock: &Lock| {
        let mut map = SourceMap::new();
        map.add("main.pxi", text);
        let checked = check_project(&mut map, &NoFiles, lock);
        assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
        (checked.plan.expect("a plan"), checked.lock)
    };
    let apart = "template_vmids = 9000 .. 9099";
    let (plan, _) = check(project(apart), &Lock::default());
    let in_templates = |v: u32| (9000..=9099).contains(&v);
    assert!(in_templates(plan.templates["base"].vmid));
    assert!(in_templates(plan.templates["built"].vmid));
    let base_vm = plan.templates["built"].base_vmid.expect("a Packer base VM");
    assert!(in_templates(base_vm), "{base_vm}");
    assert_eq!(plan.vms["a"].guest.vmid, 100);

    // Shared range first: the templates take VMIDs among the guests; declaring the
    // range afterwards keeps them, and only what is new comes from it.
    let (shared, lock) = check(project(""), &Lock::default());
    assert!(shared.templates["base"].vmid < 200);
    let (kept, _) = check(project(apart), &lock);
    assert_eq!(kept.templates["base"].vmid, shared.templates["base"].vmid);
    assert_eq!(kept.vms["a"].guest.vmid, shared.vms["a"].guest.vmid);
}
