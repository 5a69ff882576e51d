//! Spreading independent jobs over the machine's cores, for loading large scenarios.
//!
//! Scoped std threads pulling job numbers from one counter: the jobs (hashing a file, parsing a
//! run of patients) vary in size, so a shared counter balances them where fixed shares would
//! leave a core idle. No thread pool outlives a call.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work` on this thread; `None` if it panicked. The parser is a dependency fed with the
/// user's text, and a bug in it must give the user an error, not end the process.
pub(crate) fn catching<T>(work: impl FnOnce() -> T) -> Option<T> {
    // Unwind safety: every caller's work only reads what it is given, and its result is
    // dropped if it panics, so nothing half-changed is seen afterwards.
    std::panic::catch_unwind(AssertUnwindSafe(work)).ok()
}

/// Runs `work(0)`, …, `work(jobs - 1)` on up to as many threads as the machine has cores and
/// returns the results in job order. A job that panicked gives `None`; the others still run.
pub(crate) fn map<T: Send>(jobs: usize, work: impl Fn(usize) -> T + Sync) -> Vec<Option<T>> {
    let run = |i: usize| catching(|| work(i));
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs);
    if workers < 2 {
        return (0..jobs).map(run).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<T>> = std::iter::repeat_with(|| None).take(jobs).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= jobs {
                            return done;
                        }
                        done.push((i, run(i)));
                    }
                })
            })
            .collect();
        for handle in handles {
            // Jobs catch their own panics, so a thread only ends by running out of jobs.
            for (i, result) in handle.join().unwrap_or_default() {
                results[i] = result;
            }
        }
    });
    results
}

#[cfg(test)]
mod tests {
    use super::map;

    #[test]
    fn results_come_back_in_job_order() {
        let out = map(1000, |i| i * 2);
        assert_eq!(out.len(), 1000);
        assert!(out.iter().enumerate().all(|(i, r)| *r == Some(i * 2)));
    }

    #[test]
    fn a_panicking_job_loses_only_its_own_result() {
        let out = map(200, |i| {
            assert!(i != 7, "job 7 fails");
            i
        });
        assert_eq!(out[7], None);
        assert!(out.iter().enumerate().all(|(i, r)| i == 7 || *r == Some(i)));
    }
}
