//! The session: whether the workspace is locked, and who is acting.
//!
//! One `Session` lives for the life of the process (GUI) or the command (CLI). Unlocked, it
//! holds the open workspace and the acting actor; locking drops both, which closes the database
//! and zeroizes the data key. Idle locking is enforced here, not only in the UI: every use case
//! that needs the workspace first locks it if the idle limit has passed.

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
    last_activity: DateTime<Utc>,
}

/// Locked or unlocked, behind one mutex (held only for the duration of one use case).
pub struct Session {
    state: Mutex<Option<Unlocked>>,
    idle_lock_secs: AtomicU64,
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
        Self { state: Mutex::new(None), idle_lock_secs: AtomicU64::new(idle_lock.as_secs()) }
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
        *self.guard() = Some(Unlocked { workspace, actor, last_activity: ctx.clock().now() });
    }

    /// Locks: closes the database and zeroizes the key. Returns whether it was unlocked.
    pub fn lock(&self) -> bool {
        self.guard().take().is_some()
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
        let expired = guard.as_ref().is_some_and(|u| idle_for(u, now) >= self.idle_lock());
        if expired {
            tracing::info!("workspace locked after the idle limit");
            *guard = None;
        }
        let unlocked = guard.as_mut().ok_or(AppError::Locked)?;
        unlocked.last_activity = now;
        f(unlocked)
    }

    /// Reads the unlocked state without counting as activity (status displays, countdowns).
    /// Locks first if the idle limit has passed.
    pub fn peek<T>(
        &self,
        ctx: &Context,
        f: impl FnOnce(&Unlocked) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.guard();
        if guard.as_ref().is_some_and(|u| idle_for(u, ctx.clock().now()) >= self.idle_lock()) {
            *guard = None;
        }
        f(guard.as_ref().ok_or(AppError::Locked)?)
    }

    /// Seconds until the idle lock, if unlocked (does not count as activity).
    pub fn seconds_to_lock(&self, ctx: &Context) -> Option<u64> {
        let guard = self.guard();
        let unlocked = guard.as_ref()?;
        let idle = idle_for(unlocked, ctx.clock().now());
        Some(self.idle_lock().saturating_sub(idle).as_secs())
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
}

fn idle_for(unlocked: &Unlocked, now: DateTime<Utc>) -> Duration {
    (now - unlocked.last_activity).to_std().unwrap_or_default()
}
