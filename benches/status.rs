//! `pxic status` on a cluster of 1,000 guests: the release binary against fakepve
//! (`tests/fakepve/`, set up by `tests/fakepve/setup.sh`), seeded with exactly the
//! guests of a generated project (their disks and NICs too), so the run is the
//! common case: in sync, a few reads of the cluster for the checks, the list of its
//! guests, and each guest's configuration (read four at a time). Reports wall time,
//! best and median.
//!
//! `cargo bench --bench status`; `PXIC_BENCH_VMS=5000 cargo bench --bench status`
//! for another size. Under `cargo test --all-targets` it makes one small run.

mod common;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TOKEN: &str = "root@pam!bench";
const SECRET: &str = "bench-secret";

#[path = "../tests/fakepve/launch.rs"]
mod launch;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The project of `vms` VMs on disk, and the guests its plan puts on the cluster.
fn project(vms: usize, dir: &Path) -> Vec<Value> {
    let project = dir.join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("main.pxi"), common::generate(vms)).expect("write");
    let paths = pxic::io::discover(&project).expect("sources");
    let (mut sources, _) = pxic::io::read_sources(&project, &paths);
    let lock = pxic::check::lock::Lock::default();
    let checked = pxic::check::check_project(&mut sources, &common::NoFiles, &lock);
    let plan = checked.plan.expect("the generated project checks");
    let mut guests = Vec::new();
    for t in plan.templates.values() {
        guests.push(
            json!({"vmid": t.vmid, "name": t.name, "node": t.node, "template": true,
            "config": {"cores": t.cores, "memory": (t.memory >> 20).to_string()}}),
        );
    }
    for vm in plan.vms.values() {
        let g = &vm.guest;
        let mut guest = json!({"vmid": g.vmid, "name": g.name, "node": g.node,
            "config": {"cores": g.cores, "sockets": vm.sockets,
                       "memory": (g.memory >> 20).to_string(), "tags": g.tags.join(";"),
                       "scsi0": format!("{}:vm-{}-disk-0,size={}G", g.storage, g.vmid, g.disk.div_ceil(1 << 30))}});
        for (i, nic) in g.nics.iter().enumerate() {
            let firewall = if nic.firewall { ",firewall=1" } else { "" };
            let tag = nic.vlan.map(|t| format!(",tag={t}")).unwrap_or_default();
            guest["config"][format!("net{i}")] = json!(format!(
                "virtio={},bridge={}{tag}{firewall}",
                nic.mac, nic.bridge
            ));
        }
        guests.push(guest);
    }
    // The lock the check made: `status` must find the same VMIDs.
    std::fs::write(project.join("pxi.lock"), checked.lock.render()).expect("write lock");
    guests
}

fn start(dir: &Path, guests: Vec<Value>) -> launch::Fake {
    let host = format!("127.87.{}.2", std::process::id() % 250);
    // The storages as the generated project's host step leaves them.
    let storages = json!({
        "local": {"type": "dir", "path": "/var/lib/vz", "content": "backup,import,iso,vztmpl"},
        "local-lvm": {"type": "lvmthin", "vgname": "pve", "thinpool": "data", "content": "images,rootdir"},
    });
    let scenario = json!({"tokens": {TOKEN: SECRET}, "guests": guests, "storages": storages});
    launch::start(repo(), &dir.join("fakepve"), &host, scenario)
}

fn status(project: &Path, host: &str, ca: &Path) -> Duration {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_pxic"))
        .arg("status")
        .arg(project)
        .env("PROXMOX_VE_ENDPOINT", format!("https://{host}:8006/"))
        .env("PROXMOX_VE_API_TOKEN", format!("{TOKEN}={SECRET}"))
        .env("PXIC_CA_FILE", ca)
        .output()
        .expect("pxic runs");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "pxic status is not in sync:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

fn measure(vms: usize, runs: usize) {
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bench-status")
        .join(vms.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let guests = project(vms, &dir);
    let count = guests.len();
    let fake = start(&dir, guests);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| status(&dir.join("project"), &fake.host, &fake.ca))
        .collect();
    times.sort();
    println!(
        "status {count:>6} guests: best {:>8.1} ms, median {:>8.1} ms",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}

fn main() {
    let vms = std::env::var("PXIC_BENCH_VMS")
        .ok()
        .and_then(|v| v.parse().ok());
    if !std::env::args().any(|a| a == "--bench") {
        measure(vms.unwrap_or(20), 1);
        return;
    }
    measure(vms.unwrap_or(1_000), 9);
}
