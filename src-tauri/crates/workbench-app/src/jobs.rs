//! Progress of the one long job that may run at a time (backup, restore), for the status bar.
//!
//! The job reports through [`Jobs::reporter`]; the UI polls [`Jobs::current`]. Polling keeps the
//! capability minimal (no event permissions) and needs no lock on the workspace session.

use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

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
}

/// The current job, if any.
#[derive(Debug, Default)]
pub struct Jobs {
    current: Mutex<Option<JobProgress>>,
}

impl Jobs {
    /// The running job's progress, if one runs.
    pub fn current(&self) -> Option<JobProgress> {
        self.lock().clone()
    }

    /// Starts a job named `label`; the returned guard ends it when dropped (even on error).
    pub fn start(&self, label: &str) -> JobGuard<'_> {
        *self.lock() = Some(JobProgress { label: label.to_owned(), done: 0, total: 0 });
        JobGuard { jobs: self }
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
            let guard = jobs.start("Backing up");
            guard.report(5, 10);
            assert_eq!(jobs.current(), Some(JobProgress { label: "Backing up".into(), done: 5, total: 10 }));
        }
        assert_eq!(jobs.current(), None, "dropping the guard ends the job");
    }
}
