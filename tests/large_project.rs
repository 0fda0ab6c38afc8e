//! A project large enough to be parsed and evaluated on several threads (see
//! `src/parallel.rs`): every declaration must still get its own record and every
//! problem be reported once, in order, exactly as a small project's are.

use pxic::check::{World, check_project};
use pxic::diag::Code;
use pxic::source::SourceMap;
use std::fmt::Write;
use std::path::Path;

struct NoFiles;

impl World for NoFiles {
    fn read_file(&self, _: &Path) -> Result<std::sync::Arc<str>, pxic::check::FileError> {
        Err(pxic::check::FileError::Unreadable("no files here".into()))
    }
}

const VMS: usize = 4000;

/// Every VM's memory differs from its neighbours', so a record given to the wrong VM
/// shows in the IR.
fn memory_mib(i: usize) -> u64 {
    64 * (1 + (i % 97) as u64)
}

/// A cluster, a network, a host with storage for VMs and containers, and a template.
fn estate() -> String {
    String::from(
        "use std.os\n\ncluster lab {\n  endpoint = \"https://10.0.0.2:8006/\"\n  vmids = 100 .. 99999\n}\n\n\
         network lan {\n  cidr = 10.0.0.0/16\n  gateway = 10.0.0.1\n  pool = 10.0.1.0 .. 10.0.254.254\n}\n\n\
         host pve1 {\n  address = 10.0.0.2\n  cores = 64\n  memory = 1PiB\n\
         \x20 bridge vmbr0 { ports = [\"eno1\"], network = lan }\n\
         \x20 storage local-lvm { type = lvmthin, vg = \"pve\", thinpool = \"data\", content = [images, rootdir] }\n\
         \x20 storage local { type = dir, path = \"/var/lib/vz\", content = [import, vztmpl] }\n}\n\n\
         template base {\n  host = pve1\n  vmid = 99999\n  image = os.ubuntu_2404\n  storage = local-lvm\n}\n\n",
    )
}

/// The project, with the 1-based lines where an unknown attribute and a wrong type
/// were written.
fn project() -> (String, Vec<(Code, usize)>) {
    let mut src = estate();
    let mut expected = Vec::new();
    for i in 0..VMS {
        let _ = write!(
            src,
            "vm web-{i:05} {{\n  host = pve1\n  template = base\n  memory = {}MiB\n  network lan {{}}\n  description = \"web server {i} of the fleet, in the first rack\"\n",
            memory_mib(i)
        );
        let line = src.lines().count() + 1;
        if i % 101 == 7 {
            src.push_str("  colour = \"red\"\n");
            expected.push((Code::UnknownAttribute, line));
        } else if i % 211 == 3 {
            src.push_str("  cores = \"four\"\n");
            expected.push((Code::TypeMismatch, line));
        }
        src.push_str("}\n\n");
    }
    (src, expected)
}

fn check(src: String) -> pxic::check::Checked {
    let mut map = SourceMap::new();
    map.add("main.pxi", src);
    check_project(&mut map, &NoFiles, &Default::default())
}

/// Loops make many declarations that share one environment; a mistake in a loop's
/// body is found in each, on whichever thread, and reported once for all of them.
#[test]
fn a_large_loop_is_reported_once_and_built_whole() {
    let looped = |mistake: &str| {
        format!(
            "{}for i in 0..2000 {{\n  vm \"w-${{i}}\" {{\n    host = pve1\n    template = base\n    network lan {{}}\n{mistake}  }}\n}}\n\n\
             for i in 0..1500 {{\n  container \"c-${{i}}\" {{\n    host = pve1\n    template = os.debian_12_lxc\n    storage = local-lvm\n    network lan {{}}\n  }}\n}}\n",
            estate()
        )
    };
    let checked = check(looped("    colour = \"red\"\n"));
    let [only] = checked.diagnostics.as_slice() else {
        panic!("{:#?}", checked.diagnostics);
    };
    assert_eq!(only.code, Code::UnknownAttribute);
    assert_eq!(
        only.notes.last().map(String::as_str),
        Some("in the generated `w-0`, `w-1`, `w-2` and 1997 more")
    );

    let checked = check(looped(""));
    assert!(
        checked.diagnostics.is_empty(),
        "{:?}",
        checked.diagnostics.first()
    );
    let plan = checked.plan.expect("a plan");
    assert_eq!((plan.vms.len(), plan.containers.len()), (2000, 1500));
    let guests = plan
        .vms
        .values()
        .map(|v| (format!("vm/{}", v.guest.name), &v.guest))
        .chain(
            plan.containers
                .values()
                .map(|c| (format!("container/{}", c.guest.name), &c.guest)),
        );
    let mut vmids = std::collections::BTreeSet::new();
    for (key, guest) in guests {
        assert_eq!(checked.lock.vmids[&key], guest.vmid, "{key}");
        assert_eq!(
            Some(checked.lock.addresses[&format!("{key}/lan")]),
            guest.nics[0].address.ip()
        );
        assert!(vmids.insert(guest.vmid), "{key} shares VMID {}", guest.vmid);
    }
}

#[test]
fn a_large_project_gets_every_record_and_every_problem_once_in_order() {
    let (src, expected) = project();
    // Large enough to be split: see MIN_BYTES_PER_THREAD and
    // MIN_DECLARATIONS_PER_THREAD.
    assert!(src.len() > 512 * 1024, "{} bytes", src.len());
    let mut map = SourceMap::new();
    let id = map.add("main.pxi", src);
    let checked = check_project(&mut map, &NoFiles, &Default::default());
    let file = map.get(id).expect("the project's file");
    let found: Vec<(Code, usize)> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let span = d
                .labels
                .iter()
                .find(|l| l.primary)
                .expect("a primary label")
                .span;
            (d.code, file.line_col(span.start as usize).line)
        })
        .collect();
    assert_eq!(found, expected);

    // The same project without its mistakes builds a plan with every VM as written.
    let (src, _) = project();
    let clean: String = src
        .lines()
        .filter(|l| !l.contains("colour") && !l.contains("\"four\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let checked = check(clean.clone());
    assert!(
        checked.diagnostics.is_empty(),
        "{:?}",
        checked.diagnostics.first()
    );
    let plan = checked.plan.as_ref().expect("a plan");
    // Checked again without the first VM, with the lock the first check made (large
    // enough to be read on several threads): no other VM moves. Without the lock, each
    // would take the VMID and address of the one before it.
    let without_first: String = clean
        .split("\n\n")
        .filter(|block| !block.starts_with("vm web-00000 "))
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut map = SourceMap::new();
    map.add("main.pxi", without_first);
    let again = check_project(&mut map, &NoFiles, &checked.lock);
    let again = again.plan.expect("a plan without the first VM");
    assert_eq!(again.vms.len(), VMS - 1);
    for (name, vm) in &again.vms {
        let before = &plan.vms[name].guest;
        assert_eq!(
            (vm.guest.vmid, &vm.guest.nics),
            (before.vmid, &before.nics),
            "{name}"
        );
    }
    assert_eq!(plan.vms.len(), VMS);
    let lock = &checked.lock;
    for i in 0..VMS {
        let name = format!("web-{i:05}");
        let vm = &plan.vms[&name];
        assert_eq!(vm.guest.memory, memory_mib(i) << 20, "{name}");
        // Each VM is built with what was allocated for it: in name order, the lowest
        // free VMID and address.
        assert_eq!(vm.guest.vmid, 100 + i as u32, "{name}");
        assert_eq!(lock.vmids[&format!("vm/{name}")], vm.guest.vmid, "{name}");
        let [nic] = vm.guest.nics.as_slice() else {
            panic!("{name} has {} NICs", vm.guest.nics.len());
        };
        let expected =
            std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(10, 0, 1, 0)) + i as u32);
        assert_eq!(nic.address.ip(), Some(expected), "{name}");
        assert_eq!(
            Some(lock.addresses[&format!("vm/{name}/lan")]),
            nic.address.ip(),
            "{name}"
        );
        assert_eq!(lock.macs[&format!("vm/{name}/lan")], nic.mac, "{name}");
    }
}
