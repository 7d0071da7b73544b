//! Workspace use cases: status, first run, unlock, lock, passphrase change, actors.
//!
//! Unlock as yourself (issue 14, R11): every person has a key slot of their own, so the person
//! an unlock names is the actor the session acts as and the audit trail records. There is no
//! shared workspace passphrase; the recovery code opens as the first officer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use workbench_core::{ActorId, Role, validate_actor_name, validate_new_passphrase};
use workbench_store::actors::{self, Actor};
use workbench_store::workspace::{exists, read_slots};
use workbench_store::{NewWorkspace, Unlock, Workspace};

use crate::context::Context;
use crate::error::AppError;
use crate::session::Session;

/// An actor as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActorView {
    /// Id.
    pub id: ActorId,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl From<&Actor> for ActorView {
    fn from(a: &Actor) -> Self {
        Self { id: a.id, name: a.name.clone(), role: a.role }
    }
}

/// What the frame needs to decide which screen to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct WorkspaceStatus {
    /// A workspace exists in the folder.
    pub exists: bool,
    /// It is unlocked in this session.
    pub unlocked: bool,
    /// It keeps a key in the OS credential store (offer "unlock with keyring").
    pub has_keyring_slot: bool,
    /// The people who can unlock it, by name (the unlock screen's "who are you"); read from the
    /// key-slot file, so known while locked.
    pub people: Vec<String>,
    /// Those of them who keep their key in this computer's credential store.
    pub keyring_people: Vec<String>,
    /// The acting actor, when unlocked.
    pub actor: Option<ActorView>,
    /// The provider's name, when unlocked.
    pub provider_name: Option<String>,
    /// Today in the provider's time zone (YYYY-MM-DD), when unlocked: the date every "not in
    /// the future" check is made against, so forms default to it rather than the computer's.
    pub today: Option<String>,
    /// Seconds until the idle lock, when unlocked.
    #[ts(type = "number | null")]
    pub seconds_to_lock: Option<u64>,
    /// The workspace folder.
    pub data_dir: String,
}

/// Reports the workspace's state. Does not count as activity.
pub fn status(ctx: &Context, session: &Session) -> Result<WorkspaceStatus, AppError> {
    let root = ctx.data_dir();
    let exists = exists(root);
    let slots = if exists { read_slots(root).ok() } else { None };
    let has_keyring_slot = slots.as_ref().is_some_and(|s| s.keyring().is_some());
    let (people, keyring_people) = slots
        .map(|s| {
            let people = s.people();
            let keeping: Vec<String> = s
                .keyrings()
                .into_iter()
                .filter_map(|(_, _, owner)| match owner {
                    workbench_store::keyslots::Opener::Person(id) => {
                        people.iter().find(|p| p.actor == id).map(|p| p.name.clone())
                    }
                    workbench_store::keyslots::Opener::FirstOfficer => None,
                })
                .collect();
            (people.into_iter().map(|p| p.name).collect(), keeping)
        })
        .unwrap_or_default();
    let mut status = WorkspaceStatus {
        exists,
        unlocked: false,
        has_keyring_slot,
        people,
        keyring_people,
        actor: None,
        provider_name: None,
        today: None,
        seconds_to_lock: None,
        data_dir: root.display().to_string(),
    };
    if session.is_unlocked(ctx) {
        status.seconds_to_lock = session.seconds_to_lock(ctx);
        let (actor, provider, zone) = session.with(ctx, |u| {
            Ok((ActorView::from(&u.actor), u.workspace.provider_name()?, crate::obligations::provider_tz(u)?))
        })?;
        status.unlocked = true;
        status.actor = Some(actor);
        status.provider_name = Some(provider);
        status.today = Some(ctx.clock().now().with_timezone(&zone).date_naive().to_string());
    }
    Ok(status)
}

/// The first-run form.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct InitRequest {
    /// The provider's legal name.
    pub provider_name: String,
    /// The first officer's name.
    pub officer_name: String,
    /// The first officer's own passphrase.
    pub passphrase: String,
    /// Keep a copy of the key in the OS credential store.
    pub use_keyring: bool,
}

/// What first run returns: shown once.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InitResult {
    /// The recovery code; shown once, never stored in the clear.
    pub recovery_code: String,
    /// Why the keyring slot was not added, if it was asked for and failed.
    pub keyring_problem: Option<String>,
}

/// Creates the workspace and unlocks it as the first officer.
pub fn init(ctx: &Context, session: &Session, request: &InitRequest) -> Result<InitResult, AppError> {
    let provider_name = request.provider_name.trim();
    if provider_name.is_empty() {
        return Err(workbench_core::CoreError::invalid("provider_name", "is required").into());
    }
    let officer_name = validate_actor_name(&request.officer_name)?;
    validate_new_passphrase("passphrase", &request.passphrase)?;
    let created = Workspace::create(
        ctx.data_dir(),
        &NewWorkspace {
            provider_name,
            officer_name: &officer_name,
            passphrase: &request.passphrase,
            use_keyring: request.use_keyring,
            at: ctx.clock().now(),
        },
    )?;
    let result = InitResult {
        recovery_code: created.recovery_code.to_string(),
        keyring_problem: created.keyring_problem.clone(),
    };
    session.open(ctx, created.workspace, created.officer);
    Ok(result)
}

/// How the user unlocks.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "method", content = "secret", rename_all = "snake_case")]
#[ts(export)]
pub enum UnlockRequest {
    /// The OS credential store's copy (its slot names whose it is).
    Keyring,
    /// The OS credential store's copy kept by the person named.
    KeyringAs(String),
    /// The passphrase of the workspace's only person.
    Passphrase(String),
    /// A person's own passphrase.
    Person {
        /// Their name as the key slots list it (any case).
        name: String,
        /// Their passphrase.
        passphrase: String,
    },
    /// The recovery code (opens as the first officer).
    RecoveryCode(String),
}

impl UnlockRequest {
    fn how(&self) -> Unlock<'_> {
        match self {
            Self::Keyring => Unlock::Keyring,
            Self::KeyringAs(name) => Unlock::KeyringAs(name),
            Self::Passphrase(p) => Unlock::Passphrase(p),
            Self::Person { name, passphrase } => Unlock::Person { name, passphrase },
            Self::RecoveryCode(c) => Unlock::RecoveryCode(c),
        }
    }
}

/// Unlocks the workspace as the person whose secret it is.
pub fn unlock(
    ctx: &Context,
    session: &Session,
    request: &UnlockRequest,
) -> Result<WorkspaceStatus, AppError> {
    open_session(ctx, session, Workspace::unlock(ctx.data_dir(), request.how())?)
}

/// Opens the session on an unlocked workspace, acting as whoever unlocked it.
fn open_session(ctx: &Context, session: &Session, workspace: Workspace) -> Result<WorkspaceStatus, AppError> {
    let person = workspace.person().clone();
    session.set_idle_lock(crate::settings::load(&workspace)?.idle_lock());
    session.open(ctx, workspace, person);
    status(ctx, session)
}

/// Records user activity in the window (keys, clicks), pushing the idle lock back. Fails with
/// `locked` if the workspace already locked itself.
pub fn touch(ctx: &Context, session: &Session) -> Result<u64, AppError> {
    session.touch(ctx)
}

/// Locks the workspace. Returns whether it was unlocked.
pub fn lock(session: &Session) -> bool {
    session.lock()
}

/// Changes the acting person's own passphrase (any role: their key slot is re-wrapped).
pub fn change_passphrase(ctx: &Context, session: &Session, new: &str) -> Result<(), AppError> {
    validate_new_passphrase("new_passphrase", new)?;
    session.with(ctx, |u| Ok(u.workspace.change_passphrase(u.actor.id, new, ctx.clock().now())?))
}

/// Keeps the acting person's copy of the data key in this computer's credential store, so they
/// unlock without typing (any role: it is their own entry).
pub fn keyring_enable(ctx: &Context, session: &Session) -> Result<(), AppError> {
    session.with(ctx, |u| Ok(u.workspace.keep_key_in_keyring(u.actor.id, ctx.clock().now())?))
}

/// Sets another person's passphrase (officers only): for someone who forgot theirs, or whose
/// key slot a key rotation could not carry over. Audited as `actor.passphrase_reset`.
pub fn actor_reset_passphrase(
    ctx: &Context,
    session: &Session,
    id: ActorId,
    new: &str,
) -> Result<(), AppError> {
    validate_new_passphrase("new_passphrase", new)?;
    session.with(ctx, |u| {
        require(u.actor.role.can_manage_actors(), "set another person's passphrase")?;
        Ok(u.workspace.set_passphrase_of(u.actor.id, id, new, "actor.passphrase_reset", ctx.clock().now())?)
    })
}

/// What a finished data-key rotation gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RotateResult {
    /// The new recovery code, shown once (the old one no longer opens the workspace).
    pub recovery_code: String,
    /// Evidence files whose keys were re-wrapped.
    #[ts(type = "number")]
    pub evidence_keys: u64,
    /// Why the OS credential store did not take the new key, if it failed.
    pub keyring_problem: Option<String>,
    /// People whose key slots could not be carried over: each needs a sign-in on this unlocked
    /// workspace (switch to them) or a new passphrase from an officer before they can unlock.
    pub people_without_slot: Vec<String>,
}

/// Replaces the data key (officers only; confirmed with their own passphrase): the database
/// is re-encrypted with progress, evidence keys re-wrapped, a new recovery code issued.
///
/// The re-encryption runs without holding the session (issue 15): the window goes on reading
/// while writes wait for the swap (and are refused, keeping nothing, past the busy timeout).
/// Locking the workspace meanwhile abandons the rotation; the old key stays the key.
pub fn rotate_key(
    ctx: &Context,
    session: &Session,
    passphrase: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<RotateResult, AppError> {
    let (mut rotation, lease) = session.with(ctx, |u| {
        require(u.actor.role.can_manage_actors(), "rotate the data key")?;
        Ok((u.workspace.begin_rotation(passphrase, u.actor.id)?, session.lease()))
    })?;
    let copied = rotation.write_copy(ctx.clock().now(), progress);
    let rotated = lease.with(ctx, |u| match copied {
        Ok(()) => Ok(u.workspace.finish_rotation(rotation, None)?),
        Err(e) => {
            u.workspace.abandon_rotation(rotation);
            Err(e.into())
        }
    })?;
    Ok(RotateResult {
        recovery_code: rotated.recovery_code.to_string(),
        evidence_keys: rotated.evidence_keys as u64,
        keyring_problem: rotated.keyring_problem.clone(),
        people_without_slot: rotated.people_without_slot.clone(),
    })
}

/// Every active actor.
pub fn actor_list(ctx: &Context, session: &Session) -> Result<Vec<ActorView>, AppError> {
    session.with(ctx, |u| Ok(u.workspace.db().read(actors::list)?.iter().map(ActorView::from).collect()))
}

/// A new actor profile (officers only).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NewActor {
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The actor's own passphrase.
    pub passphrase: String,
}

/// Creates a person: their actor profile and their key slot under the passphrase given (they
/// change it at their first unlock); audited.
pub fn actor_create(ctx: &Context, session: &Session, new: &NewActor) -> Result<ActorView, AppError> {
    let name = validate_actor_name(&new.name)?;
    validate_new_passphrase("passphrase", &new.passphrase)?;
    session.with(ctx, |u| {
        require(u.actor.role.can_manage_actors(), "manage actor profiles")?;
        let actor =
            u.workspace.add_person(u.actor.id, &name, new.role, &new.passphrase, ctx.clock().now())?;
        Ok(ActorView::from(&actor))
    })
}

/// Switches the acting person after checking their own passphrase (a person without a key slot
/// yet gets one).
pub fn actor_switch(
    ctx: &Context,
    session: &Session,
    id: ActorId,
    passphrase: &str,
) -> Result<ActorView, AppError> {
    session.with(ctx, |u| {
        let actor = u.workspace.sign_in(id, passphrase, ctx.clock().now())?;
        u.actor = actor;
        Ok(ActorView::from(&u.actor))
    })
}

fn require(allowed: bool, what: &str) -> Result<(), AppError> {
    if allowed { Ok(()) } else { Err(AppError::Forbidden(format!("only an officer may {what}"))) }
}

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupSummary {
    /// Where it was written.
    pub path: String,
    /// Its size.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Evidence files in it.
    #[ts(type = "number")]
    pub evidence_files: u64,
    /// Audit events in its snapshot.
    #[ts(type = "number")]
    pub audit_events: i64,
}

/// Refuses anyone who may not write a backup (officers only), before a dialog asks where.
pub fn backup_allowed(ctx: &Context, session: &Session) -> Result<(), AppError> {
    session.with(ctx, |u| u.require_officer("write a backup"))
}

/// Writes a verified one-file backup of the unlocked workspace to `out`. The snapshot, the
/// files and the check run on a connection of their own (issue 15): the window goes on reading
/// and writing meanwhile; the backup holds the workspace as it was when it began.
pub fn backup(
    ctx: &Context,
    session: &Session,
    out: &std::path::Path,
    progress: workbench_store::backup::Progress<'_>,
) -> Result<BackupSummary, AppError> {
    let prepare = |u: &mut crate::session::Unlocked| u.require_officer("write a backup");
    session.job(ctx, prepare, |job, (), lease| {
        let summary = workbench_store::backup::write_for_job(&job, out, progress)?;
        drop(job);
        // The backup leaves the app: who, what and where go into the chain.
        lease.with(ctx, |u| {
            let at = ctx.clock().now();
            let actor = u.actor.id;
            let object = format!("workspace:{}", u.workspace.id());
            let after =
                serde_json::json!({ "to": [{ "path": out.display().to_string(), "bytes": summary.bytes }] })
                    .to_string();
            u.workspace.db_mut().write(|tx| {
                workbench_store::audit::record(tx, at, actor.into(), "export.backup", &object, &after)
            })?;
            Ok(())
        })?;
        Ok(BackupSummary {
            path: out.display().to_string(),
            bytes: summary.bytes,
            evidence_files: summary.evidence_files as u64,
            audit_events: summary.audit_events,
        })
    })
}

/// Restores the backup at `from` into this context's (empty) workspace folder and opens it.
pub fn restore(
    ctx: &Context,
    session: &Session,
    from: &std::path::Path,
    request: &UnlockRequest,
    progress: workbench_store::backup::Progress<'_>,
) -> Result<WorkspaceStatus, AppError> {
    drop(workbench_store::backup::restore(from, ctx.data_dir(), request.how(), progress)?);
    unlock(ctx, session, request)
}

/// Rebuilds the lost key-slot files from the recovery sheet's block and the recovery code, and
/// opens the workspace as the first officer (who then sets their passphrase again).
pub fn rebuild_key_slots(
    ctx: &Context,
    session: &Session,
    block: &str,
    recovery_code: &str,
) -> Result<WorkspaceStatus, AppError> {
    open_session(
        ctx,
        session,
        workbench_store::workspace::rebuild_slots(ctx.data_dir(), block, recovery_code)?,
    )
}

/// Renders the one-page recovery-code sheet for the unlocked workspace and writes it to `out`
/// (only on the user's explicit request: the sheet carries the secret).
pub fn write_recovery_sheet(
    ctx: &Context,
    session: &Session,
    code: &str,
    out: &std::path::Path,
) -> Result<(), AppError> {
    let (provider, id, created, block) = session.peek(ctx, |u| {
        let created: String = u.workspace.db().read(|c| {
            Ok(c.query_row("SELECT value FROM workspace_meta WHERE key = 'created_at'", [], |r| r.get(0))?)
        })?;
        Ok((u.workspace.provider_name()?, u.workspace.id().to_string(), created, u.workspace.rebuild_block()))
    })?;
    let created_at = chrono::DateTime::parse_from_rfc3339(&created)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| ctx.clock().now());
    let sheet = workbench_filings::RecoverySheet {
        provider_name: &provider,
        workspace_id: &id,
        created_at,
        code,
        rebuild_block: block.as_deref(),
    };
    let bytes = workbench_filings::render_recovery_sheet(&sheet)?;
    let object = format!("workspace:{id}");
    crate::audit::take_out(
        ctx,
        session,
        crate::audit::MayTakeOut::Officer,
        "export.recovery_sheet",
        &object,
        &[(out, &bytes)],
    )
}
