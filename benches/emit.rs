//! Backend speed: the Terraform and Ansible files of a generated project of 8 hosts
//! and N VMs, from its checked plan.
//!
//! `cargo bench --bench emit` prints the time of each backend for 1,000, 10,000 and
//! 100,000 VMs. The target for the Ansible backend is under 100 ms for 10,000 VMs.

mod common;

use common::{NoFiles, generate};
use pxic::backend;
use pxic::source::SourceMap;
use std::time::{Duration, Instant};

/// The allocator the `pxic` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn best_and_median(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    (
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
    )
}

fn measure(vms: usize, runs: usize) {
    let mut map = SourceMap::new();
    map.add("main.pxi", generate(vms));
    let checked = pxic::check::check_project(&mut map, &NoFiles, &Default::default());
    let plan = checked.plan.expect("the generated project checks cleanly");
    let time = |emit: &dyn Fn() -> backend::Emitted| {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let files = emit();
            times.push(start.elapsed());
            bytes = files.values().map(String::len).sum::<usize>();
        }
        let (best, median) = best_and_median(times);
        (best, median, bytes as f64 / 1e6)
    };
    let (tb, tm, tmb) = time(&|| backend::terraform::emit(&plan));
    let (ab, am, amb) = time(&|| backend::ansible::emit(&plan));
    println!(
        "emit {vms:>7} VMs: terraform best {tb:>7.1} ms, median {tm:>7.1} ms ({tmb:.1} MB); ansible best {ab:>7.1} ms, median {am:>7.1} ms ({amb:.1} MB)"
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --all-targets`: a quick smoke run.
        measure(200, 1);
        return;
    }
    measure(1_000, 9);
    measure(10_000, 7);
    measure(100_000, 3);
}
