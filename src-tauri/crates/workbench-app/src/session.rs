//! The session: whether the workspace is locked, and who is acting.
//!
//! One `Session` lives for the life of the process (GUI) or the command (CLI). Unlocked, it
//! holds the open workspace and the acting actor; locking drops both, which closes the database
//! and zeroizes the data key. Idle locking is enforced here, not only in the UI: every use case
//! that needs the workspace first locks it if the idle limit has passed.
//!
//! The state's mutex is held for one use case at a time. A long job (an import) holds it only
//! while it prepares ([`Session::job`]), then runs on a connection of its own, so the window's
//! reads go on meanwhile; the time of the last activity sits behind a mutex of its own, so the
//! idle-lock heartbeat and the countdown never wait for a use case (issue 15).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use workbench_store::Workspace;
use workbench_store::actors::Actor;

use crate::context::Context;
use crate::error::AppError;

/// The default idle limit before the workspace locks itself.
pub const DEFAULT_IDLE_LOCK: Duration = Duration::from_secs(15 * 60);

/// An unlocked workspace and who is acting in it.
pub struct Unlocked {
    /// The open workspace.
    pub workspace: Workspace,
    /// The acting actor.
    pub actor: Actor,
}

/// Locked or unlocked, behind one mutex (held only for the duration of one use case).
pub struct Session {
    state: Mutex<Option<Unlocked>>,
    /// The last activity while unlocked (`None` when locked). Taken after `state`, never before.
    activity: Mutex<Option<DateTime<Utc>>>,
    /// Bumped at every unlock and lock: a job's [`Lease`] holds while it stays the same.
    generation: AtomicU64,
    idle_lock_secs: AtomicU64,
}

/// A long job's hold on the session it started in.
#[derive(Debug)]
pub struct Lease<'a> {
    session: &'a Session,
    generation: u64,
}

impl Lease<'_> {
    /// False once the session was locked (by hand, idle limit, screen lock) or unlocked anew
    /// since the job began: the job should stop and keep nothing.
    pub fn is_current(&self) -> bool {
        self.session.generation.load(Ordering::SeqCst) == self.generation
    }

    /// Runs `f` on the workspace the job started in, holding the session like any use case
    /// (a job's last step: swap in what it built, audit what it wrote). Fails with
    /// [`AppError::Locked`] when that session has ended, even if another one began since.
    pub fn with<T>(
        &self,
        ctx: &Context,
        f: impl FnOnce(&mut Unlocked) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.session.with(ctx, |u| if self.is_current() { f(u) } else { Err(AppError::Locked) })
    }
}

impl Unlocked {
    /// Refuses anyone but an officer, saying what they may not do.
    pub(crate) fn require_officer(&self, what: &str) -> Result<(), AppError> {
        if self.actor.role.can_manage_actors() {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("only an officer may {what}")))
        }
    }

    /// An actor's name for display (the id itself when unknown).
    pub(crate) fn actor_name(&self, id: &str) -> String {
        id.parse()
            .ok()
            .and_then(|id| self.workspace.db().read(|c| workbench_store::actors::get(c, id)).ok().flatten())
            .map_or_else(|| id.to_owned(), |a| a.name)
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new(DEFAULT_IDLE_LOCK)
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("idle_lock", &self.idle_lock()).finish_non_exhaustive()
    }
}

impl Session {
    /// A locked session that locks itself after `idle_lock` without activity.
    pub fn new(idle_lock: Duration) -> Self {
        Self {
            state: Mutex::new(None),
            activity: Mutex::new(None),
            generation: AtomicU64::new(0),
            idle_lock_secs: AtomicU64::new(idle_lock.as_secs()),
        }
    }

    /// The idle limit.
    pub fn idle_lock(&self) -> Duration {
        Duration::from_secs(self.idle_lock_secs.load(Ordering::Relaxed))
    }

    /// Changes the idle limit (from the workspace's settings).
    pub fn set_idle_lock(&self, limit: Duration) {
        self.idle_lock_secs.store(limit.as_secs().max(1), Ordering::Relaxed);
    }

    /// Replaces the state with an unlocked workspace acting as `actor`.
    pub fn open(&self, ctx: &Context, workspace: Workspace, actor: Actor) {
        let mut guard = self.guard();
        *guard = Some(Unlocked { workspace, actor });
        *self.activity() = Some(ctx.clock().now());
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Locks: closes the database and zeroizes the key. Returns whether it was unlocked. A job
    /// running on its own connection sees its [`Lease`] end and stops.
    pub fn lock(&self) -> bool {
        let mut guard = self.guard();
        self.close(&mut guard)
    }

    fn close(&self, guard: &mut Option<Unlocked>) -> bool {
        *self.activity() = None;
        self.generation.fetch_add(1, Ordering::SeqCst);
        guard.take().is_some()
    }

    /// True (and locked now) when the idle limit has passed since the last activity.
    fn expired(&self, guard: &mut Option<Unlocked>, now: DateTime<Utc>) -> bool {
        let idle = self.activity().map(|last| idle_since(last, now));
        if guard.is_some() && idle.is_none_or(|idle| idle >= self.idle_lock()) {
            tracing::info!("workspace locked after the idle limit");
            self.close(guard);
            return true;
        }
        false
    }

    /// Runs `f` on the unlocked workspace, counting as activity; fails with
    /// [`AppError::Locked`] when locked or when the idle limit has passed (which locks it).
    pub fn with<T>(
        &self,
        ctx: &Context,
        f: impl FnOnce(&mut Unlocked) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.guard();
        let now = ctx.clock().now();
        self.expired(&mut guard, now);
        let unlocked = guard.as_mut().ok_or(AppError::Locked)?;
        *self.activity() = Some(now);
        f(unlocked)
    }

    /// Runs a long job without holding the session: `prepare` runs on the unlocked workspace
    /// (role checks, what the job needs to know) and counts as activity; then `run` gets the
    /// workspace's job view ([`workbench_store::Workspace::for_job`]: a connection of its own)
    /// and a [`Lease`] to watch, while every other use case, the heartbeat and the countdown go
    /// on. Writes from elsewhere wait for the job's transaction (up to the busy timeout) and are
    /// refused after, keeping nothing.
    pub fn job<P, T>(
        &self,
        ctx: &Context,
        prepare: impl FnOnce(&mut Unlocked) -> Result<P, AppError>,
        run: impl FnOnce(workbench_store::JobWorkspace, P, &Lease<'_>) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let (job, prepared, generation) = self.with(ctx, |u| {
            let prepared = prepare(u)?;
            Ok((u.workspace.for_job()?, prepared, self.generation.load(Ordering::SeqCst)))
        })?;
        let lease = Lease { session: self, generation };
        let outcome = run(job, prepared, &lease);
        match outcome {
            Err(AppError::Cancelled) if !lease.is_current() => Err(AppError::Locked),
            other => other,
        }
    }

    /// A hold on the session as it is now, for a job that began under [`Session::with`].
    pub fn lease(&self) -> Lease<'_> {
        Lease { session: self, generation: self.generation.load(Ordering::SeqCst) }
    }

    /// Activity in the window (the heartbeat): never waits for a use case in progress. Returns
    /// seconds until the idle lock; fails with [`AppError::Locked`] when locked or expired.
    pub fn touch(&self, ctx: &Context) -> Result<u64, AppError> {
        let now = ctx.clock().now();
        {
            let mut activity = self.activity();
            if let Some(last) = *activity
                && idle_since(last, now) < self.idle_lock()
            {
                *activity = Some(now);
                return Ok(self.idle_lock().as_secs());
            }
        }
        // Locked, or past the limit: lock for good (this waits for a use case in progress).
        let mut guard = self.guard();
        self.expired(&mut guard, now);
        Err(AppError::Locked)
    }

    /// Reads the unlocked state without counting as activity (status displays, countdowns).
    /// Locks first if the idle limit has passed.
    pub fn peek<T>(
        &self,
        ctx: &Context,
        f: impl FnOnce(&Unlocked) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.guard();
        self.expired(&mut guard, ctx.clock().now());
        f(guard.as_ref().ok_or(AppError::Locked)?)
    }

    /// Seconds until the idle lock, if unlocked (does not count as activity).
    pub fn seconds_to_lock(&self, ctx: &Context) -> Option<u64> {
        let last = (*self.activity())?;
        Some(self.idle_lock().saturating_sub(idle_since(last, ctx.clock().now())).as_secs())
    }

    /// True when unlocked and within the idle limit.
    pub fn is_unlocked(&self, ctx: &Context) -> bool {
        self.seconds_to_lock(ctx).is_some_and(|s| s > 0)
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, Option<Unlocked>> {
        // A panic while holding the lock cannot leave the state half-changed (every change is
        // one assignment), so a poisoned lock is safe to reuse.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn activity(&self) -> std::sync::MutexGuard<'_, Option<DateTime<Utc>>> {
        self.activity.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Time without activity since `last` (none when the clock went back).
fn idle_since(last: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (now - last).to_std().unwrap_or_default()
}
