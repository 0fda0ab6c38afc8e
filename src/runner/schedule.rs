//! Runs jobs at once, at most `bound` at a time, each after the jobs it needs: the
//! template builds, which are independent unless one clones another. The first job
//! that fails stops the launching of new ones; those running are waited for, so each
//! failure is reported and no tool is left running.

/// What a job waits for: the indices of the jobs that must have succeeded first.
pub type Needs = Vec<usize>;

/// Runs `run(i)` for each job, `bound` at a time (at least one), each once the jobs
/// of `needs[i]` have succeeded (`ok`). A job is started only while every finished
/// job succeeded and `go_on()` holds. Returns each job's result, `None` for a job
/// never started; results come in the order of the jobs.
pub fn run<T: Send>(
    needs: &[Needs],
    bound: usize,
    run: &(dyn Fn(usize) -> T + Sync),
    ok: &dyn Fn(&T) -> bool,
    go_on: &dyn Fn() -> bool,
) -> Vec<Option<T>> {
    let bound = bound.max(1);
    let mut results: Vec<Option<T>> = (0..needs.len()).map(|_| None).collect();
    let mut started = vec![false; needs.len()];
    let mut stopped = false;
    std::thread::scope(|scope| {
        let (done, heard) = std::sync::mpsc::channel::<(usize, T)>();
        let mut running = 0;
        loop {
            while !stopped && running < bound {
                if !go_on() {
                    stopped = true;
                    break;
                }
                let ready = (0..needs.len()).find(|&i| {
                    !started[i]
                        && needs[i]
                            .iter()
                            .all(|&n| results.get(n).is_some_and(|r| r.as_ref().is_some_and(ok)))
                });
                let Some(i) = ready else { break };
                started[i] = true;
                running += 1;
                let done = done.clone();
                scope.spawn(move || {
                    let _ = done.send((i, run(i)));
                });
            }
            if running == 0 {
                break;
            }
            let Ok((i, result)) = heard.recv() else {
                break;
            };
            running -= 1;
            if !ok(&result) {
                stopped = true;
            }
            results[i] = Some(result);
        }
    });
    results
}

/// The jobs in an order where each comes after those it needs (stable otherwise);
/// a job in a cycle, which the checker never lets through, comes last.
pub fn order(needs: &[Needs]) -> Vec<usize> {
    let mut placed = vec![false; needs.len()];
    let mut out = Vec::with_capacity(needs.len());
    while out.len() < needs.len() {
        let next = (0..needs.len())
            .find(|&i| !placed[i] && needs[i].iter().all(|&n| placed.get(n) != Some(&false)))
            .or_else(|| (0..needs.len()).find(|&i| !placed[i]));
        let Some(i) = next else { break };
        placed[i] = true;
        out.push(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn jobs_run_at_once_up_to_the_bound() {
        let now = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let job = |_: usize| {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(n, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
            now.fetch_sub(1, Ordering::SeqCst);
            true
        };
        let results = run(&vec![Vec::new(); 5], 2, &job, &|r| *r, &|| true);
        assert!(results.iter().all(|r| *r == Some(true)));
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_job_waits_for_those_it_needs() {
        let finished = Mutex::new(Vec::new());
        let job = |i: usize| {
            // The needed job is the slow one.
            std::thread::sleep(Duration::from_millis(if i == 1 { 80 } else { 5 }));
            finished.lock().unwrap().push(i);
            true
        };
        let needs = vec![vec![1], Vec::new(), Vec::new()];
        run(&needs, 3, &job, &|r| *r, &|| true);
        let finished = finished.into_inner().unwrap();
        let at = |i| finished.iter().position(|&j| j == i).unwrap();
        assert!(at(1) < at(0), "{finished:?}");
    }

    #[test]
    fn the_first_failure_stops_new_jobs_and_running_ones_finish() {
        // Job 0 fails at once; job 1 is running and finishes; 2 and 3 never start,
        // nor does 4, which needs the failed one.
        let job = |i: usize| {
            if i == 1 {
                std::thread::sleep(Duration::from_millis(60));
            }
            i != 0
        };
        let needs = vec![Vec::new(), Vec::new(), Vec::new(), Vec::new(), vec![0]];
        let results = run(&needs, 2, &job, &|r| *r, &|| true);
        assert_eq!(results, [Some(false), Some(true), None, None, None]);
    }

    #[test]
    fn the_order_puts_what_is_needed_first() {
        assert_eq!(order(&[vec![2], Vec::new(), vec![1]]), [1, 2, 0]);
        assert_eq!(order(&[Vec::new(), Vec::new()]), [0, 1]);
        // A cycle still gives every job once.
        assert_eq!(order(&[vec![1], vec![0]]).len(), 2);
    }
}
