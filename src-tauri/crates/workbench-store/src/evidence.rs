//! The evidence vault (R4, R10, R11): identity documents and scans, encrypted at rest.
//!
//! Each file gets its own random key, wrapped by the workspace data key and stored in its row;
//! the file itself is XChaCha20-Poly1305 in the STREAM construction (64 KiB chunks), so any
//! size streams through a fixed buffer and truncation or reordering is detected. A store goes
//! temp file → fsync → rename → row (with its audit event) in that order: a crash can leave an
//! orphan file, which the sweep at open moves to `quarantine/`, but never a row without a complete file.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use workbench_core::{ActorId, EvidenceId};
use zeroize::Zeroizing;

use crate::audit::timestamp;
use crate::error::StoreError;
use crate::key::DataKey;
use crate::workspace::{EVIDENCE_DIR, Workspace};

const MAGIC: &[u8; 8] = b"CIPWEV1\0";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const STREAM_NONCE: usize = 19;

/// The default largest file accepted (a setting may lower or raise it).
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// What the caller knows about a file being stored.
#[derive(Debug, Clone)]
pub struct NewEvidence<'a> {
    /// The file's name as the user chose it (shown, never used as a path).
    pub original_name: &'a str,
    /// Its media type, e.g. `application/pdf`.
    pub media_type: &'a str,
    /// Refuse files larger than this.
    pub max_bytes: u64,
}

/// A stored file's register entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRecord {
    /// Id (also the vault file name).
    pub id: EvidenceId,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
    /// Plaintext size.
    pub size_bytes: u64,
    /// Media type.
    pub media_type: String,
    /// Name as uploaded.
    pub original_name: String,
    /// Who stored it.
    pub added_by: String,
    /// When, RFC 3339 UTC.
    pub added_at: String,
}

fn vault_dir(ws: &Workspace) -> PathBuf {
    ws.root().join(EVIDENCE_DIR)
}

fn vault_path(ws: &Workspace, id: EvidenceId) -> PathBuf {
    vault_dir(ws).join(format!("{id}.bin"))
}

/// Encrypts `source` into the vault and records it (with an audit event) in one transaction.
///
/// # Errors
/// [`StoreError::EvidenceTooLarge`] past `max_bytes` (nothing is kept); IO errors naming the file.
pub fn store(
    ws: &mut Workspace,
    mut source: impl Read,
    new: &NewEvidence<'_>,
    actor: ActorId,
    at: DateTime<Utc>,
) -> Result<EvidenceRecord, StoreError> {
    let id = EvidenceId::new();
    let file_key = Zeroizing::new(random::<32>()?);
    let stream_nonce = random::<STREAM_NONCE>()?;
    let dir = vault_dir(ws);
    let mut tmp = tempfile::Builder::new()
        .prefix(".incoming-")
        .tempfile_in(&dir)
        .map_err(|e| StoreError::io(format!("creating a file in {}", dir.display()), e))?;

    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    {
        let out = tmp.as_file_mut();
        let io = |e| StoreError::io("writing evidence to the vault", e);
        out.write_all(MAGIC).map_err(io)?;
        out.write_all(&stream_nonce).map_err(io)?;
        let cipher = XChaCha20Poly1305::new(file_key.as_ref().into());
        let mut encryptor = EncryptorBE32::from_aead(cipher, stream_nonce.as_ref().into());
        let mut buffer = Zeroizing::new(vec![0u8; CHUNK]);
        let mut filled = read_full(&mut source, &mut buffer)?;
        loop {
            size += filled as u64;
            if size > new.max_bytes {
                return Err(StoreError::EvidenceTooLarge { limit: new.max_bytes });
            }
            hasher.update(&buffer[..filled]);
            // Look ahead one chunk: the last chunk is sealed differently, so truncation shows.
            let mut next = Zeroizing::new(vec![0u8; CHUNK]);
            let next_filled = if filled == CHUNK { read_full(&mut source, &mut next)? } else { 0 };
            if next_filled == 0 {
                let sealed = encryptor.encrypt_last(&buffer[..filled]).map_err(|_| seal_failed())?;
                out.write_all(&sealed).map_err(io)?;
                break;
            }
            let sealed = encryptor.encrypt_next(&buffer[..filled]).map_err(|_| seal_failed())?;
            out.write_all(&sealed).map_err(io)?;
            buffer = next;
            filled = next_filled;
        }
        out.sync_all().map_err(io)?;
    }
    let final_path = vault_path(ws, id);
    tmp.persist(&final_path).map_err(|e| StoreError::io("moving evidence into the vault", e.error))?;
    sync_dir(&dir);

    let wrapped_key = wrap_file_key(ws.data_key(), id, &file_key)?;
    let record = EvidenceRecord {
        id,
        sha256: hex::encode(hasher.finalize()),
        size_bytes: size,
        media_type: new.media_type.to_owned(),
        original_name: new.original_name.to_owned(),
        added_by: actor.to_string(),
        added_at: timestamp(&at),
    };
    let inserted = ws.db_mut().write(|tx| {
        tx.execute(
            "INSERT INTO evidence (id, sha256, size_bytes, media_type, original_name, wrapped_key, added_by, added_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                record.id.to_string(),
                record.sha256,
                record.size_bytes as i64,
                record.media_type,
                record.original_name,
                wrapped_key,
                record.added_by,
                record.added_at
            ],
        )?;
        // The record's canonical form (its wrapped key left out), as for every record kind.
        let kind = crate::canonical::kind("evidence").expect("evidence is a canonical kind");
        crate::canonical::record_change(tx, at, crate::canonical::actor_ref(&record.added_by)?, "evidence.store", kind, &record.id.to_string(), None)
    });
    if let Err(e) = inserted {
        let _ = std::fs::remove_file(&final_path);
        return Err(e);
    }
    Ok(record)
}

/// Decrypts a stored file into `sink`, checking every chunk's tag and, at the end, the SHA-256
/// recorded at store time.
pub fn read(ws: &Workspace, id: EvidenceId, mut sink: impl Write) -> Result<EvidenceRecord, StoreError> {
    let (record, wrapped) = lookup(ws, id)?.ok_or(StoreError::NoSuchEvidence)?;
    let file_key = unwrap_file_key(ws.data_key(), id, &wrapped)?;
    let path = vault_path(ws, id);
    let mut file = File::open(&path).map_err(|e| StoreError::io(format!("opening {}", path.display()), e))?;
    let corrupt = || StoreError::EvidenceCorrupt(id.to_string());
    let mut header = [0u8; 8 + STREAM_NONCE];
    file.read_exact(&mut header).map_err(|_| corrupt())?;
    if &header[..8] != MAGIC {
        return Err(corrupt());
    }
    let cipher = XChaCha20Poly1305::new(file_key.as_ref().into());
    let mut decryptor = DecryptorBE32::from_aead(cipher, header[8..].into());
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; CHUNK + TAG];
    let mut filled = read_full(&mut file, &mut buffer)?;
    loop {
        let mut next = vec![0u8; CHUNK + TAG];
        let next_filled = if filled == CHUNK + TAG { read_full(&mut file, &mut next)? } else { 0 };
        if next_filled == 0 {
            let plain = Zeroizing::new(decryptor.decrypt_last(&buffer[..filled]).map_err(|_| corrupt())?);
            hasher.update(&plain);
            sink.write_all(&plain).map_err(|e| StoreError::io("writing decrypted evidence", e))?;
            break;
        }
        let plain = Zeroizing::new(decryptor.decrypt_next(&buffer[..filled]).map_err(|_| corrupt())?);
        hasher.update(&plain);
        sink.write_all(&plain).map_err(|e| StoreError::io("writing decrypted evidence", e))?;
        buffer = next;
        filled = next_filled;
    }
    if hex::encode(hasher.finalize()) != record.sha256 {
        return Err(corrupt());
    }
    Ok(record)
}

/// The folder (in the workspace) that vault files without a row are moved to, never deleted.
pub const QUARANTINE_DIR: &str = "quarantine";

/// What the orphan sweep found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Vault files with no row (from an interrupted store), moved to `quarantine/`.
    pub quarantined: usize,
    /// Rows whose file is missing: reported, never silently dropped.
    pub missing_files: Vec<String>,
    /// The sweep did not run: the audit anchor reported lost commits, so rows may be missing
    /// rather than files left over, and the vault is left as it is until the workspace is restored.
    pub skipped_after_lost_commits: bool,
}

/// Moves vault files that no row points to into `quarantine/` and reports rows whose file is
/// gone. Run at open, under the workspace lock (so no other process is between writing a file
/// and its row), and not at all after the audit anchor reported lost commits.
pub fn sweep(ws: &Workspace) -> Result<SweepReport, StoreError> {
    if ws.anchor_problem.is_some() {
        return Ok(SweepReport { skipped_after_lost_commits: true, ..SweepReport::default() });
    }
    let dir = vault_dir(ws);
    let known: std::collections::HashSet<String> = ws.db().read(|c| {
        let mut statement = c.prepare("SELECT id FROM evidence")?;
        let ids = statement.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    })?;
    let mut report = SweepReport::default();
    let entries =
        std::fs::read_dir(&dir).map_err(|e| StoreError::io(format!("listing {}", dir.display()), e))?;
    let mut present = std::collections::HashSet::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name.strip_suffix(".bin");
        match id {
            Some(id) if known.contains(id) => {
                present.insert(id.to_owned());
            }
            _ => {
                let quarantine = ws.root().join(QUARANTINE_DIR);
                let moved = std::fs::create_dir_all(&quarantine)
                    .and_then(|()| std::fs::rename(entry.path(), quarantine.join(&name)));
                match moved {
                    Ok(()) => report.quarantined += 1,
                    Err(e) => {
                        tracing::warn!(error = %e.kind(), "a vault file without a row could not be quarantined")
                    }
                }
            }
        }
    }
    report.missing_files = known.difference(&present).cloned().collect();
    report.missing_files.sort();
    Ok(report)
}

/// Decrypts every stored file and checks its hash; returns the ids that fail (for `doctor`).
pub fn verify_all(ws: &Workspace) -> Result<(usize, Vec<String>), StoreError> {
    let ids: Vec<String> = ws.db().read(|c| {
        let mut statement = c.prepare("SELECT id FROM evidence ORDER BY id")?;
        let ids = statement.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    })?;
    let mut bad = Vec::new();
    for id in &ids {
        let parsed: EvidenceId = id.parse().map_err(|_| StoreError::EvidenceCorrupt(id.clone()))?;
        if read(ws, parsed, std::io::sink()).is_err() {
            bad.push(id.clone());
        }
    }
    Ok((ids.len(), bad))
}

fn lookup(ws: &Workspace, id: EvidenceId) -> Result<Option<(EvidenceRecord, Vec<u8>)>, StoreError> {
    ws.db().read(|c| {
        Ok(c.query_row(
            "SELECT sha256, size_bytes, media_type, original_name, added_by, added_at, wrapped_key FROM evidence WHERE id = ?1",
            [id.to_string()],
            |r| {
                Ok((
                    EvidenceRecord {
                        id,
                        sha256: r.get(0)?,
                        size_bytes: r.get::<_, i64>(1)? as u64,
                        media_type: r.get(2)?,
                        original_name: r.get(3)?,
                        added_by: r.get(4)?,
                        added_at: r.get(5)?,
                    },
                    r.get(6)?,
                ))
            },
        )
        .optional()?)
    })
}

fn wrap_file_key(key: &DataKey, id: EvidenceId, file_key: &[u8; 32]) -> Result<Vec<u8>, StoreError> {
    let nonce = random::<24>()?;
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let aad = format!("cip-workbench evidence key/{id}");
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: file_key, aad: aad.as_bytes() })
            .map_err(|_| seal_failed())?,
    );
    Ok(out)
}

fn unwrap_file_key(key: &DataKey, id: EvidenceId, wrapped: &[u8]) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let corrupt = || StoreError::EvidenceCorrupt(id.to_string());
    if wrapped.len() < 24 {
        return Err(corrupt());
    }
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let aad = format!("cip-workbench evidence key/{id}");
    let plain = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(&wrapped[..24]), Payload { msg: &wrapped[24..], aad: aad.as_bytes() })
            .map_err(|_| corrupt())?,
    );
    let key: [u8; 32] = plain.as_slice().try_into().map_err(|_| corrupt())?;
    Ok(Zeroizing::new(key))
}

/// Re-wraps every per-file key from `old` to `new` inside `tx` (data-key rotation). The vault
/// files themselves are untouched: only their keys' wrapping changes. Returns how many.
pub(crate) fn rewrap_keys(
    tx: &rusqlite::Transaction<'_>,
    old: &DataKey,
    new: &DataKey,
) -> Result<usize, StoreError> {
    let rows: Vec<(String, Vec<u8>)> = {
        let mut statement = tx.prepare("SELECT id, wrapped_key FROM evidence ORDER BY id")?;
        statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    let mut update = tx.prepare("UPDATE evidence SET wrapped_key = ?1 WHERE id = ?2")?;
    for (id, wrapped) in &rows {
        let parsed: EvidenceId = id.parse().map_err(|_| StoreError::EvidenceCorrupt(id.clone()))?;
        let file_key = unwrap_file_key(old, parsed, wrapped)?;
        update.execute(params![wrap_file_key(new, parsed, &file_key)?, id])?;
    }
    Ok(rows.len())
}

/// Reads until `buffer` is full or the source ends; returns how much was read.
fn read_full(source: &mut impl Read, buffer: &mut [u8]) -> Result<usize, StoreError> {
    let mut filled = 0;
    while filled < buffer.len() {
        match source.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(StoreError::io("reading the evidence file", e)),
        }
    }
    Ok(filled)
}

fn seal_failed() -> StoreError {
    StoreError::KeySlots("encryption failed".into())
}

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes)
}

fn sync_dir(dir: &Path) {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// Removes vault files whose rows are gone (after a purge commits). A file that cannot be
/// removed now is left for the sweep at the next open, which quarantines files without a row.
pub fn remove_files(ws: &Workspace, ids: &[String]) -> usize {
    ids.iter()
        .filter_map(|id| id.parse::<EvidenceId>().ok())
        .filter(|id| std::fs::remove_file(vault_path(ws, *id)).is_ok())
        .count()
}
