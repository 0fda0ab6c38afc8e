//! Checking throughput: a generated project of 8 hosts and N VMs, from source text to
//! IR (parse, expand, resolve, evaluate, allocate, estate checks).
//!
//! `cargo bench --bench check` prints time and peak heap for 1,000, 10,000 and 100,000
//! VMs. The target is under 50 ms and 150 MB for 10,000 VMs.

mod common;

use common::{NoFiles, generate};
use mimalloc::MiMalloc;
use pxic::check::check_project;
use pxic::source::SourceMap;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live and peak heap bytes, over the allocator the `pxic` binary uses.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Counting costs time; timed runs switch it off.
static COUNTING: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { MiMalloc.alloc(layout) };
        if !ptr.is_null() && COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { MiMalloc.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !new.is_null() && COUNTING.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(live, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn measure(vms: usize, runs: usize) {
    let src = generate(vms);
    // A project is checked with the lock its last build wrote, as in real use.
    let lock = {
        let mut map = SourceMap::new();
        map.add("main.pxi", src.clone());
        check_project(&mut map, &NoFiles, &Default::default()).lock
    };
    let check = || {
        let mut map = SourceMap::new();
        map.add("main.pxi", src.clone());
        let checked = check_project(&mut map, &NoFiles, &lock);
        // A clean project: a warning per VM would measure the diagnostics instead.
        assert!(
            checked.diagnostics.is_empty(),
            "{:?}",
            checked.diagnostics.first()
        );
        assert_eq!(checked.plan.as_ref().map(|p| p.vms.len()), Some(vms));
        checked
    };
    // Peak heap: one run with counting on (frees of memory allocated before the
    // run are not counted, so the figure is what the run itself adds).
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    drop(check());
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    // Time: runs with counting off, the result dropped outside the timing.
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let checked = check();
        times.push(start.elapsed());
        drop(checked);
    }
    times.sort();
    println!(
        "check {vms:>7} VMs ({:.1} MB of source): best {:>8.1} ms, median {:>8.1} ms, peak heap {:>6.1} MB",
        src.len() as f64 / 1e6,
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        peak as f64 / 1e6
    );
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --all-targets`: a quick smoke run. PXIC_BENCH_VMS and
        // PXIC_BENCH_RUNS measure one size, e.g. to profile it.
        let setting = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        measure(
            setting("PXIC_BENCH_VMS", 200),
            setting("PXIC_BENCH_RUNS", 1),
        );
        return;
    }
    measure(1_000, 9);
    measure(10_000, 7);
    measure(100_000, 3);
}
