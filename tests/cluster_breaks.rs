//! The three-node example, broken one way at a time: each edit must give exactly the
//! diagnostic it is about, and nothing else. This is the checker seen from a real
//! project rather than from a minimal fixture.

use pxic::check::check_project;
use pxic::source::SourceMap;
use std::path::Path;

/// The example's files with one textual edit applied (`from` must occur in `file`).
fn checked_with(file: &str, from: &str, to: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cluster");
    let paths = pxic::io::discover(&dir).expect("example files");
    let (mut map, unreadable) = pxic::io::read_sources(&dir, &paths);
    assert!(unreadable.is_empty());
    let mut edited = SourceMap::new();
    let mut found = false;
    for (_, source) in map.files() {
        let text = if source.project_path == file {
            assert!(source.text.contains(from), "`{from}` is not in {file}");
            found = true;
            source.text.replacen(from, to, 1)
        } else {
            source.text.clone()
        };
        let id = edited.add(source.name.clone(), text);
        edited.set_project_path(id, source.project_path.clone());
    }
    assert!(found, "no file {file}");
    map = edited;
    let lock = pxic::io::read_lock(&pxic::io::lock_path(&dir)).expect("lock");
    let checked = check_project(&mut map, &pxic::io::FsWorld::new(&dir, &[]), &lock);
    checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect()
}

#[test]
fn the_example_is_clean() {
    assert!(checked_with("nodes.pxi", "cores   = 64", "cores   = 64").is_empty());
}

#[test]
fn each_way_to_break_the_cluster_is_reported_precisely() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        // Two databases with one VMID.
        (
            "prod.pxi",
            "vmid        = 2002",
            "vmid        = 2001",
            &["PXI0301"],
        ),
        // A static address outside the LAN.
        (
            "prod.pxi",
            "ip = 10.20.0.41",
            "ip = 10.20.1.41",
            &["PXI0303"],
        ),
        // Two guests with one address.
        (
            "prod.pxi",
            "ip = 10.20.0.42",
            "ip = 10.20.0.41",
            &["PXI0302"],
        ),
        // An address that is the gateway.
        (
            "prod.pxi",
            "ip = 10.20.0.41",
            "ip = 10.20.0.1",
            &["PXI0305"],
        ),
        // A typo in a template name.
        (
            "prod.pxi",
            "template    = ubuntu-2404",
            "template    = ubuntu-2204",
            &["PXI0104"],
        ),
        // A host that loses its DMZ bridge while DMZ guests run on it.
        (
            "nodes.pxi",
            "bridge vmbr1 { ports = [\"enp65s0f0\"], network = dmz, vlan_aware = true }",
            "",
            &["PXI0310"],
        ),
        // The DMZ VLAN tag out of range.
        (
            "cluster.pxi",
            "vlan    = 30",
            "vlan    = 4095",
            &["PXI0318"],
        ),
        // Ceph no longer allowed to hold disks.
        (
            "cluster.pxi",
            "content = [images, rootdir]",
            "content = [rootdir]",
            &["PXI0312"],
        ),
        // A secret written into a description.
        (
            "prod.pxi",
            "description = \"PostgreSQL 16 primary\"",
            "description = env(\"PGPASSWORD\")",
            &["PXI0207"],
        ),
        // Memory without a unit.
        (
            "nodes.pxi",
            "memory  = 256GiB",
            "memory  = 256",
            &["PXI0202"],
        ),
        // A module used without `use`.
        ("cluster.pxi", "use std.profiles", "", &["PXI0103"]),
    ];
    for (file, from, to, expected) in cases {
        let mut codes = checked_with(file, from, to);
        codes.dedup();
        assert_eq!(&codes, expected, "editing {file}: `{from}` → `{to}`");
    }
}
