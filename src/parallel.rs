//! Work split over the machine's cores, with results in the order a single thread
//! would give them: checking a large project is mostly many independent pieces of
//! the same work (one per declaration).

use std::ops::Range;

/// The stack each helper thread gets: as much as the main thread has, so that deeply
/// nested input is handled the same way on any thread.
const STACK_SIZE: usize = 8 << 20;

/// How many threads to use for `len` pieces of work when each thread should get at
/// least `min_per_thread` of them (fewer are not worth starting a thread for).
pub fn threads_for(len: usize, min_per_thread: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores.min(len / min_per_thread.max(1)).max(1)
}

/// Calls `work` on contiguous ranges that together cover `0..len`, one range per
/// thread, and returns the results in range order. With `threads` of 1 (or nothing to
/// split) it simply calls `work(0..len)` on this thread.
pub fn map_ranges<R: Send>(
    len: usize,
    threads: usize,
    work: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, len.max(1));
    if threads == 1 {
        return vec![work(0..len)];
    }
    let ranges: Vec<Range<usize>> = (0..threads)
        .map(|t| len * t / threads..len * (t + 1) / threads)
        .collect();
    std::thread::scope(|scope| {
        let work = &work;
        let helpers: Vec<_> = ranges[1..]
            .iter()
            .map(|range| {
                let range = range.clone();
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, move || work(range))
            })
            .collect();
        // This thread takes the first range while the helpers do the rest; a helper
        // that could not be started has its range done here too.
        let mut results = vec![work(ranges[0].clone())];
        for (helper, range) in helpers.into_iter().zip(&ranges[1..]) {
            let result = match helper {
                Ok(handle) => match handle.join() {
                    Ok(result) => result,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(_) => work(range.clone()),
            };
            results.push(result);
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_and_in_order() {
        for len in [0, 1, 2, 3, 7, 100, 1001] {
            for threads in 1..=5 {
                let parts = map_ranges(len, threads, |range| range.collect::<Vec<_>>());
                let joined: Vec<usize> = parts.into_iter().flatten().collect();
                assert_eq!(joined, (0..len).collect::<Vec<_>>(), "{len} in {threads}");
            }
        }
    }

    #[test]
    fn small_work_stays_on_one_thread() {
        assert_eq!(threads_for(10, 1000), 1);
        assert_eq!(threads_for(0, 0), 1);
        assert!(threads_for(1_000_000, 1) >= 1);
    }
}
