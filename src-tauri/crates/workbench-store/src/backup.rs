//! One-file backups of a workspace, and restoring them elsewhere.
//!
//! A backup holds a consistent snapshot of the database (`VACUUM INTO`, still SQLCipher-encrypted
//! under the data key), the key-slot file (the data key wrapped, never in the clear) and every
//! evidence file (each already encrypted). The container ends with an HMAC, keyed from the data
//! key, over everything before it, so a damaged or altered backup is refused at restore.
//! Writing goes to a temp file that is verified — parsed, MAC checked, database opened, audit
//! chain and evidence checked — before it is renamed into place.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::StoreError;
use crate::files::write_atomically;
use crate::key::DataKey;
use crate::keyslots::KeySlots;
use crate::workspace::{DB_FILE, EVIDENCE_DIR, JobWorkspace, KEYSLOTS_FILE, Unlock, Workspace};

const MAGIC: &[u8; 8] = b"CIPWBAK1";
const MAC_LEN: usize = 32;

/// Progress of a long backup or restore: bytes done of total.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// What a backup contains.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupSummary {
    /// Size of the backup file.
    pub bytes: u64,
    /// Evidence files included.
    pub evidence_files: usize,
    /// Audit events in the snapshot.
    pub audit_events: i64,
}

/// Writes a backup of `ws` to `out` and verifies it before it replaces anything at `out`.
pub fn write(ws: &Workspace, out: &Path, progress: Progress<'_>) -> Result<BackupSummary, StoreError> {
    write_for_job(&ws.for_job()?, out, progress)
}

/// [`write()`] on a long job's own connection ([`Workspace::for_job`]): the snapshot is one read
/// transaction, so the workspace goes on serving reads and writes while it is taken.
pub fn write_for_job(
    ws: &JobWorkspace,
    out: &Path,
    progress: Progress<'_>,
) -> Result<BackupSummary, StoreError> {
    let scratch =
        tempfile::tempdir_in(ws.root()).map_err(|e| StoreError::io("creating a scratch folder", e))?;
    let snapshot = scratch.path().join(DB_FILE);
    ws.db().read(|c| {
        c.execute("VACUUM INTO ?1", [snapshot.to_string_lossy()])?;
        Ok(())
    })?;

    let mut entries: Vec<(String, PathBuf)> =
        vec![(KEYSLOTS_FILE.into(), ws.root().join(KEYSLOTS_FILE)), (DB_FILE.into(), snapshot)];
    let evidence_dir = ws.root().join(EVIDENCE_DIR);
    let mut evidence: Vec<_> = std::fs::read_dir(&evidence_dir)
        .map_err(|e| StoreError::io(format!("listing {}", evidence_dir.display()), e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    evidence.sort();
    let evidence_files = evidence.len();
    for path in evidence {
        let name = format!("{EVIDENCE_DIR}/{}", path.file_name().unwrap_or_default().to_string_lossy());
        entries.push((name, path));
    }

    let total: u64 = entries.iter().filter_map(|(_, p)| p.metadata().ok()).map(|m| m.len()).sum();
    let mut body = Vec::with_capacity(total as usize + 1024);
    body.extend_from_slice(MAGIC);
    let mut done = 0;
    for (name, path) in &entries {
        let data =
            std::fs::read(path).map_err(|e| StoreError::io(format!("reading {}", path.display()), e))?;
        body.extend_from_slice(&(name.len() as u32).to_be_bytes());
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(data.len() as u64).to_be_bytes());
        body.extend_from_slice(&data);
        done += data.len() as u64;
        progress(done, total);
    }
    let tag = mac(&ws.key, &body);
    body.extend_from_slice(&tag);

    let parsed = parse(&body)?;
    check_mac(&ws.key, &body)?;
    let audit_events = verify_contents(&parsed, &ws.key, scratch.path())?;
    write_atomically(out, &body)?;
    Ok(BackupSummary { bytes: body.len() as u64, evidence_files, audit_events })
}

/// Restores the backup at `from` into the empty folder `into`, unlocking it with `how` (the
/// passphrase or recovery code in force when the backup was made). Nothing is left in `into`
/// if anything fails.
pub fn restore(
    from: &Path,
    into: &Path,
    how: Unlock<'_>,
    progress: Progress<'_>,
) -> Result<Workspace, StoreError> {
    if crate::workspace::exists(into) {
        return Err(StoreError::WorkspaceExists(into.to_path_buf()));
    }
    if let Some(what) = crate::workspace::holds_data(into) {
        return Err(StoreError::FolderHoldsData { root: into.to_path_buf(), what });
    }
    let mut bytes = Vec::new();
    std::fs::File::open(from)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| StoreError::io(format!("reading {}", from.display()), e))?;
    let parsed = parse(&bytes)?;
    let slots_bytes = parsed.iter().find(|(n, _)| n == KEYSLOTS_FILE).map(|(_, d)| *d).ok_or_else(damaged)?;
    let slots = KeySlots::parse(slots_bytes)?;
    if matches!(how, Unlock::Keyring) {
        return Err(StoreError::Keyring("restore with a passphrase or the recovery code".into()));
    }
    let (key, opener) = crate::workspace::unwrap_key(&slots, &how)?;
    check_mac(&key, &bytes)?;

    std::fs::create_dir_all(into.join(EVIDENCE_DIR))
        .map_err(|e| StoreError::io(format!("creating {}", into.display()), e))?;
    let result = (|| {
        let total: u64 = parsed.iter().map(|(_, d)| d.len() as u64).sum();
        let mut done = 0;
        // The key-slot file goes last: until it exists, the folder is not a workspace.
        for (name, data) in parsed.iter().filter(|(n, _)| n != KEYSLOTS_FILE) {
            write_atomically(&into.join(safe_name(name)?), data)?;
            done += data.len() as u64;
            progress(done, total);
        }
        crate::workspace::write_slots(into, slots_bytes)?;
        let ws = Workspace::open_with_key(into, slots.clone(), key.clone(), opener, true)?;
        let report = ws.db().read(crate::audit::verify_chain)?;
        if let Some(broken) = report.first_break {
            return Err(StoreError::BackupDamaged(format!("its audit chain breaks at event {}", broken.seq)));
        }
        Ok(ws)
    })();
    if result.is_err() {
        for (name, _) in &parsed {
            if let Ok(name) = safe_name(name) {
                let _ = std::fs::remove_file(into.join(name));
            }
        }
        let _ = std::fs::remove_file(into.join(crate::workspace::KEYSLOTS_COPY_FILE));
        let _ = std::fs::remove_dir(into.join(EVIDENCE_DIR));
    }
    result
}

/// Entries of a container: (name, bytes), in order.
fn parse(bytes: &[u8]) -> Result<Vec<(String, &[u8])>, StoreError> {
    if bytes.len() < MAGIC.len() + MAC_LEN || &bytes[..MAGIC.len()] != MAGIC {
        return Err(StoreError::BackupDamaged("it is not a CIP Workbench backup".into()));
    }
    let body = &bytes[..bytes.len() - MAC_LEN];
    let mut at = MAGIC.len();
    let mut entries = Vec::new();
    while at < body.len() {
        let name_len =
            u32::from_be_bytes(take(body, &mut at, 4)?.try_into().map_err(|_| damaged())?) as usize;
        let name = String::from_utf8(take(body, &mut at, name_len)?.to_vec()).map_err(|_| damaged())?;
        let len = u64::from_be_bytes(take(body, &mut at, 8)?.try_into().map_err(|_| damaged())?) as usize;
        entries.push((name, take(body, &mut at, len)?));
    }
    Ok(entries)
}

fn take<'a>(body: &'a [u8], at: &mut usize, len: usize) -> Result<&'a [u8], StoreError> {
    let end = at.checked_add(len).filter(|e| *e <= body.len()).ok_or_else(damaged)?;
    let slice = &body[*at..end];
    *at = end;
    Ok(slice)
}

/// Opens the snapshot in a scratch folder to prove it is readable with the key.
/// (The scratch folder is inside the workspace, so even the encrypted copy never leaves it.)
fn verify_contents(entries: &[(String, &[u8])], key: &DataKey, scratch: &Path) -> Result<i64, StoreError> {
    let db_bytes = entries.iter().find(|(n, _)| n == DB_FILE).map(|(_, d)| *d).ok_or_else(damaged)?;
    let path = scratch.join("verify.db");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(db_bytes))
        .map_err(|e| StoreError::io("writing a scratch copy", e))?;
    let db = crate::db::Database::open(&path, key)?;
    let problems = db.integrity_problems()?;
    if !problems.is_empty() {
        return Err(StoreError::BackupDamaged(format!(
            "its database fails the integrity check: {}",
            problems.join("; ")
        )));
    }
    let report = db.read(crate::audit::verify_chain)?;
    if let Some(broken) = report.first_break {
        return Err(StoreError::BackupDamaged(format!("its audit chain breaks at event {}", broken.seq)));
    }
    Ok(report.events)
}

fn mac(key: &DataKey, body: &[u8]) -> [u8; MAC_LEN] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC takes any key length");
    mac.update(b"cip-workbench backup/");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn check_mac(key: &DataKey, bytes: &[u8]) -> Result<(), StoreError> {
    let (body, tag) = bytes.split_at(bytes.len() - MAC_LEN);
    let mut verifier =
        <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC takes any key length");
    verifier.update(b"cip-workbench backup/");
    verifier.update(body);
    verifier.verify_slice(tag).map_err(|_| StoreError::BackupDamaged("it was altered or damaged".into()))
}

/// Only the names a backup writes: the database, the key slots, `evidence/<id>.bin`.
fn safe_name(name: &str) -> Result<PathBuf, StoreError> {
    let ok = name == DB_FILE
        || name == KEYSLOTS_FILE
        || name.strip_prefix("evidence/").is_some_and(|rest| {
            rest.ends_with(".bin") && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        });
    if ok { Ok(PathBuf::from(name)) } else { Err(damaged()) }
}

fn damaged() -> StoreError {
    StoreError::BackupDamaged("its contents are malformed".into())
}
