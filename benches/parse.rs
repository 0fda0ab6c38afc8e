//! Parsing throughput on a generated 10,000-VM project.
//!
//! `cargo bench --bench parse` prints MB/s of `.pxi` source (best and median of several
//! runs). The target is over 50 MB/s on the project's 2-core machine.

use mimalloc::MiMalloc;
use pxic::source::FileId;
use pxic::syntax;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// The allocator the `pxic` binary uses.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// A project like the homelab example, scaled to `vms` VMs over ten hosts.
fn generate(vms: usize) -> String {
    let mut src = String::from(
        "use std.os\nuse std.roles\n\ncluster lab {\n  endpoint = \"https://10.0.0.2:8006/\"\n  token    = env(\"PROXMOX_VE_API_TOKEN\")\n}\n\n",
    );
    src.push_str("network lan {\n  cidr    = 10.0.0.0/16\n  gateway = 10.0.0.1\n  dns     = [10.0.0.1, 1.1.1.1]\n  pool    = 10.0.100.0 .. 10.0.199.255\n}\n\n");
    src.push_str("profile small { cores = 2, memory = 2GiB, disk = 20GiB }\n\n");
    for h in 0..10 {
        let _ = write!(
            src,
            "host pve{h} {{\n  address = 10.0.0.{}\n  cores   = 64\n  memory  = 512GiB\n  bridge vmbr0 {{ ports = [\"eno1\"], network = lan }}\n  storage local-lvm {{ type = lvmthin, vg = \"pve\", thinpool = \"data\", content = [images, rootdir] }}\n}}\n\n",
            h + 2
        );
    }
    for i in 0..vms {
        let _ = write!(
            src,
            "# VM number {i}\nvm web-{i:05} : small {{\n  host     = pve{}\n  template = ubuntu-2404\n  memory   = 4GiB\n  network lan {{ ip = 10.0.{}.{} }}\n  roles    = [roles.base, web]\n  user admin {{ ssh_keys = [file(\"keys/admin.pub\")], sudo = true }}\n  tags     = [\"web\", \"prod\", \"shard-${{i}}\"]\n  description = \"Web server {i} \\u{{2014}} managed by pxic\"\n}}\n\n",
            i % 10,
            1 + i / 250,
            i % 250 + 1
        );
    }
    src
}

fn main() {
    let src = generate(10_000);
    let megabytes = src.len() as f64 / 1e6;
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this once as a
    // smoke test instead.
    let runs = if std::env::args().any(|a| a == "--bench") {
        15
    } else {
        1
    };
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let parsed = syntax::parse(FileId::DETACHED, &src);
        times.push(start.elapsed());
        // Freeing the tree is not parsing (the compiler keeps it): drop it untimed.
        let (file, diagnostics) = std::hint::black_box(parsed);
        assert!(
            diagnostics.is_empty(),
            "the generated project must parse cleanly"
        );
        assert_eq!(file.items.len(), 10_000 + 10 + 5);
    }
    if runs == 1 {
        println!(
            "parse 10,000-VM project: smoke run passed (run `cargo bench --bench parse` to measure)"
        );
        return;
    }
    times.sort();
    let rate = |d: Duration| megabytes / d.as_secs_f64();
    println!(
        "parse 10,000-VM project ({megabytes:.2} MB): best {:.1} ms = {:.1} MB/s, median {:.1} ms = {:.1} MB/s",
        times[0].as_secs_f64() * 1e3,
        rate(times[0]),
        times[times.len() / 2].as_secs_f64() * 1e3,
        rate(times[times.len() / 2]),
    );
}
