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
    cores().min(len / min_per_thread.max(1)).max(1)
}

/// The cores this process may use, asked once (the answer takes system calls and
/// reading cgroup files).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
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

/// Runs `a` on this thread and, when `parallel`, `b` on another at the same time
/// (else, or if no thread can be started, after `a`).
pub fn join<A, B: Send>(parallel: bool, a: impl FnOnce() -> A, b: impl Fn() -> B + Sync) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, &b);
        let done = a();
        let other = match other {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => b(),
        };
        (done, other)
    })
}

/// Calls `work` on every item and returns the results in item order. When the items'
/// `size`s add up to `parallel_from` or more, two threads share them: the largest
/// first, each to the thread with less so far (for work that takes time in
/// proportion to size, such as hashing or writing files).
pub fn map_by_size<T: Sync, R: Send>(
    items: &[T],
    size: impl Fn(&T) -> usize,
    parallel_from: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let total: usize = items.iter().map(&size).sum();
    let mut by_size: Vec<usize> = (0..items.len()).collect();
    by_size.sort_by_key(|&n| std::cmp::Reverse(size(&items[n])));
    let mut shares: [(usize, Vec<usize>); 2] = Default::default();
    for n in by_size {
        let lighter = usize::from(shares[1].0 < shares[0].0);
        shares[lighter].0 += size(&items[n]);
        shares[lighter].1.push(n);
    }
    let do_share = |share: &[usize]| -> Vec<(usize, R)> {
        share.iter().map(|&n| (n, work(&items[n]))).collect()
    };
    let (mut done, other) = join(
        total >= parallel_from,
        || do_share(&shares[0].1),
        || do_share(&shares[1].1),
    );
    done.extend(other);
    done.sort_by_key(|(n, _)| *n);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Drops every element of `values`, split into `threads` parts dropped side by side.
pub fn drop_all<T: Send>(mut values: Vec<T>, threads: usize) {
    let threads = threads.clamp(1, values.len().max(1));
    let part = values.len().div_ceil(threads);
    let mut parts = Vec::with_capacity(threads);
    while values.len() > part {
        parts.push(values.split_off(values.len() - part));
    }
    std::thread::scope(|scope| {
        for part in parts {
            // A thread that cannot be started drops its part here.
            let _ = std::thread::Builder::new().spawn_scoped(scope, move || drop(part));
        }
        drop(values);
    });
}

/// Runs `produce` on this thread; each piece of work it passes to its `send` is
/// handed to `consume` on one of `helpers` other threads as soon as one is free (and,
/// once `produce` returns, on this thread too). Returns what `consume` made of each
/// piece, in the order the pieces were sent. With no helpers, `consume` runs here
/// after `produce`, piece by piece.
///
/// For work whose first part must be done in order (allocation) and whose second part
/// need not (building from what was allocated): the two overlap.
pub fn pipeline<P: Send, R: Send>(
    helpers: usize,
    produce: impl FnOnce(&mut dyn FnMut(P)),
    consume: impl Fn(P) -> R + Sync,
) -> Vec<R> {
    if helpers == 0 {
        let mut pieces = Vec::new();
        produce(&mut |piece| pieces.push(piece));
        return pieces.into_iter().map(consume).collect();
    }
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, P)>();
    let receiver = std::sync::Mutex::new(receiver);
    // Takes pieces until the producer is done and none is left.
    let work = || {
        let mut done = Vec::new();
        loop {
            let next = match receiver.lock() {
                Ok(receiver) => receiver.recv(),
                Err(_) => break,
            };
            let Ok((index, piece)) = next else { break };
            done.push((index, consume(piece)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let started: Vec<_> = (0..helpers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, work)
            })
            .collect();
        let mut sent = 0;
        produce(&mut |piece| {
            // The receiver lives until every helper is joined: sending cannot fail.
            let _ = sender.send((sent, piece));
            sent += 1;
        });
        drop(sender);
        let mut results = work();
        for helper in started.into_iter().flatten() {
            match helper.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
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
    fn a_pipeline_gives_every_result_once_in_the_order_sent() {
        for helpers in 0..4 {
            for pieces in [0, 1, 5, 200] {
                let results = pipeline(
                    helpers,
                    |send| {
                        for i in 0..pieces {
                            send(i);
                        }
                    },
                    |i: usize| i * 2,
                );
                let expected: Vec<usize> = (0..pieces).map(|i| i * 2).collect();
                assert_eq!(results, expected, "{pieces} pieces, {helpers} helpers");
            }
        }
    }

    #[test]
    fn drop_all_drops_every_element_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static DROPPED: AtomicUsize = AtomicUsize::new(0);
        struct Counted;
        impl Drop for Counted {
            fn drop(&mut self) {
                DROPPED.fetch_add(1, Ordering::Relaxed);
            }
        }
        let mut expected = 0;
        for (len, threads) in [(0, 1), (1, 3), (10, 1), (10, 3), (1001, 2), (7, 7)] {
            drop_all((0..len).map(|_| Counted).collect(), threads);
            expected += len;
            assert_eq!(
                DROPPED.load(Ordering::Relaxed),
                expected,
                "{len} in {threads}"
            );
        }
    }

    #[test]
    fn join_gives_both_results() {
        for parallel in [false, true] {
            assert_eq!(join(parallel, || 1, || "b"), (1, "b"));
        }
    }

    #[test]
    fn small_work_stays_on_one_thread() {
        assert_eq!(threads_for(10, 1000), 1);
        assert_eq!(threads_for(0, 0), 1);
        assert!(threads_for(1_000_000, 1) >= 1);
    }
}
