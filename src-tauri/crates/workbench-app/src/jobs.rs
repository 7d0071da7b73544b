//! Progress of the one long job that may run at a time (backup, restore, import, key
//! rotation), for the status bar; an import can be cancelled. A second job is refused while
//! one runs ([`AppError::JobRunning`]): jobs no longer hold the session (issue 15), so this is
//! what keeps them one at a time.
//!
//! The job reports through the [`JobGuard`] that [`Jobs::start`] returns; the UI polls
//! [`Jobs::current`]. Polling keeps the capability minimal (no event permissions) and needs no
//! lock on the workspace session.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use ts_rs::TS;

use crate::error::AppError;

/// A running job's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JobProgress {
    /// What is running, e.g. "Backing up".
    pub label: String,
    /// Units done (bytes).
    #[ts(type = "number")]
    pub done: u64,
    /// Units in all.
    #[ts(type = "number")]
    pub total: u64,
    /// The job stops (keeping nothing) when asked to.
    pub cancellable: bool,
}

/// The current job, if any.
#[derive(Debug, Default)]
pub struct Jobs {
    current: Mutex<Option<JobProgress>>,
    cancel: AtomicBool,
}

impl Jobs {
    /// The running job's progress, if one runs.
    pub fn current(&self) -> Option<JobProgress> {
        self.lock().clone()
    }

    /// Starts a job named `label`; the returned guard ends it when dropped (even on error).
    /// Refused while another job runs.
    pub fn start(&self, label: &str) -> Result<JobGuard<'_>, AppError> {
        self.begin(label, false)
    }

    /// Starts a job that [`Jobs::cancel`] can stop.
    pub fn start_cancellable(&self, label: &str) -> Result<JobGuard<'_>, AppError> {
        self.begin(label, true)
    }

    fn begin(&self, label: &str, cancellable: bool) -> Result<JobGuard<'_>, AppError> {
        let mut current = self.lock();
        if let Some(running) = current.as_ref() {
            return Err(AppError::JobRunning(running.label.clone()));
        }
        self.cancel.store(false, Ordering::SeqCst);
        *current = Some(JobProgress { label: label.to_owned(), done: 0, total: 0, cancellable });
        Ok(JobGuard { jobs: self })
    }

    /// Asks the running job to stop; returns whether a cancellable job was running.
    pub fn cancel(&self) -> bool {
        let cancellable = self.lock().as_ref().is_some_and(|j| j.cancellable);
        if cancellable {
            self.cancel.store(true, Ordering::SeqCst);
        }
        cancellable
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<JobProgress>> {
        self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Ends the job when dropped; reports progress meanwhile.
#[derive(Debug)]
pub struct JobGuard<'a> {
    jobs: &'a Jobs,
}

impl JobGuard<'_> {
    /// Records progress.
    pub fn report(&self, done: u64, total: u64) {
        if let Some(job) = self.jobs.lock().as_mut() {
            job.done = done;
            job.total = total;
        }
    }

    /// Records progress and says whether to go on (false once cancelled).
    pub fn proceed(&self, done: u64, total: u64) -> bool {
        self.report(done, total);
        !self.jobs.cancel.load(Ordering::SeqCst)
    }
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        *self.jobs.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_and_ends_with_its_guard() {
        let jobs = Jobs::default();
        assert_eq!(jobs.current(), None);
        {
            let guard = jobs.start("Backing up").expect("start");
            guard.report(5, 10);
            assert_eq!(
                jobs.current(),
                Some(JobProgress { label: "Backing up".into(), done: 5, total: 10, cancellable: false })
            );
            assert!(!jobs.cancel(), "a backup cannot be cancelled");
            assert!(guard.proceed(6, 10));
        }
        assert_eq!(jobs.current(), None, "dropping the guard ends the job");
    }

    #[test]
    fn a_cancellable_job_stops_when_asked_and_the_next_one_starts_fresh() {
        let jobs = Jobs::default();
        {
            let guard = jobs.start_cancellable("Importing").expect("start");
            assert!(guard.proceed(1, 10));
            assert!(jobs.cancel());
            assert!(!guard.proceed(2, 10), "cancelled");
        }
        assert!(!jobs.cancel(), "nothing runs");
        let guard = jobs.start_cancellable("Importing").expect("start");
        assert!(guard.proceed(1, 10), "a new job is not born cancelled");
    }

    #[test]
    fn a_second_job_is_refused_while_one_runs() {
        let jobs = Jobs::default();
        let guard = jobs.start_cancellable("Importing").expect("start");
        let err = jobs.start("Backing up").expect_err("one at a time");
        assert!(matches!(err, AppError::JobRunning(ref l) if l == "Importing"), "{err}");
        assert_eq!(err.to_string(), "Importing is still running; start this when it is done");
        assert_eq!(jobs.current().map(|j| j.label), Some("Importing".into()), "the first goes on");
        drop(guard);
        assert!(jobs.start("Backing up").is_ok());
    }
}
