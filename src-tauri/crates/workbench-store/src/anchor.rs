//! The audit anchor: the newest audit event's sequence number and hash, kept outside the
//! database and MAC'd under a key derived from the data key.
//!
//! SQLite stops replaying a write-ahead log at the first frame whose checksum fails and treats
//! every later frame as never written; a damaged or truncated WAL therefore loses committed
//! transactions *silently*, and the audit chain that is left still verifies — it is just
//! shorter. The anchor closes that gap: it is rewritten after every commit that appends audit
//! events, so at open the database must contain the anchored event with the anchored hash.
//! It is written *after* the commit, so a crash can leave it behind the database (harmless: the
//! chain extends it) but never ahead of it; ahead means committed changes were lost.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;
use workbench_core::audit::ChainBreak;
use zeroize::Zeroizing;

use crate::error::StoreError;
use crate::files::write_atomically;
use crate::key::{DataKey, constant_time_eq};

/// The anchor file inside the workspace folder.
pub const ANCHOR_FILE: &str = "audit.anchor";
/// The anchor a key rotation writes for its re-encrypted copy, under the new key, before the
/// rotation's commit point; it takes `audit.anchor`'s place once the copy is the database.
pub const PENDING_ANCHOR_FILE: &str = "audit.anchor.next";
const FORMAT: &str = "cip-workbench-audit-anchor/1";

/// The newest audit event: sequence number and hash.
pub(crate) type Head = (i64, String);

/// An anchor line as read under one key.
enum Line<'t> {
    /// It records event `seq` with `hash`, under this key.
    Verified(i64, &'t str),
    /// Well formed, but not this key's (altered, or another key's).
    Foreign,
    /// Not an anchor line.
    Malformed,
}

/// Reads and writes the anchor of one workspace.
pub(crate) struct Anchor {
    path: PathBuf,
    mac_key: Zeroizing<[u8; 32]>,
    workspace_id: String,
    written: Option<Head>,
}

impl Anchor {
    pub(crate) fn new(root: &Path, key: &DataKey, workspace_id: &str) -> Self {
        let mut mac_key = Zeroizing::new([0u8; 32]);
        hkdf::Hkdf::<Sha256>::new(None, key.expose())
            .expand(b"cip-workbench audit anchor", mac_key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        Self { path: root.join(ANCHOR_FILE), mac_key, workspace_id: workspace_id.to_owned(), written: None }
    }

    /// The anchor of a rotation's re-encrypted copy (see [`PENDING_ANCHOR_FILE`]).
    pub(crate) fn pending(root: &Path, key: &DataKey, workspace_id: &str) -> Self {
        Self { path: root.join(PENDING_ANCHOR_FILE), ..Self::new(root, key, workspace_id) }
    }

    /// Settles a rotation's pending anchor at open, before the anchor is checked: under a key
    /// that verifies it, the rotation committed and it becomes `audit.anchor` (a kill between
    /// the database swap and the anchor's rewrite left an anchor under the old key, which read
    /// as "altered"); otherwise the rotation did not commit and it is removed.
    pub(crate) fn settle_pending(root: &Path, key: &DataKey, workspace_id: &str) -> Result<(), StoreError> {
        let pending = Self::pending(root, key, workspace_id);
        let text = match std::fs::read_to_string(&pending.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(StoreError::io(format!("reading {}", pending.path.display()), e)),
        };
        if matches!(pending.verified(&text), Line::Verified(..)) {
            std::fs::rename(&pending.path, root.join(ANCHOR_FILE))
                .map_err(|e| StoreError::io(format!("renaming {}", pending.path.display()), e))?;
        } else {
            std::fs::remove_file(&pending.path)
                .map_err(|e| StoreError::io(format!("removing {}", pending.path.display()), e))?;
        }
        Ok(())
    }

    /// What an anchor line says under this key: the event it records, or why it cannot be read.
    fn verified<'t>(&self, text: &'t str) -> Line<'t> {
        let fields: Vec<&str> = text.trim_end().split(' ').collect();
        let [format, seq, hash, mac] = fields[..] else { return Line::Malformed };
        let Ok(seq) = seq.parse::<i64>() else { return Line::Malformed };
        if format == FORMAT && constant_time_eq(mac.as_bytes(), self.mac(seq, hash).as_bytes()) {
            Line::Verified(seq, hash)
        } else {
            Line::Foreign
        }
    }

    fn mac(&self, seq: i64, hash: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.mac_key.as_ref()).expect("HMAC takes any key length");
        mac.update(format!("{FORMAT}\n{}\n{seq}\n{hash}", self.workspace_id).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Compares the anchor on disk with the database; `None` when they agree. A missing anchor
    /// is a problem too (it is written at creation and restore), unless `establishing`.
    pub(crate) fn check(
        &self,
        conn: &Connection,
        establishing: bool,
    ) -> Result<Option<ChainBreak>, StoreError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((!establishing).then(|| ChainBreak {
                    seq: 0,
                    problem: format!("cannot be checked: the audit anchor file {ANCHOR_FILE} is missing"),
                }));
            }
            Err(e) => return Err(StoreError::io(format!("reading {}", self.path.display()), e)),
        };
        let altered = || ChainBreak {
            seq: 0,
            problem: format!("cannot be checked: the audit anchor file {ANCHOR_FILE} was altered"),
        };
        let (seq, hash) = match self.verified(&text) {
            Line::Verified(seq, hash) => (seq, hash),
            // Restored or just rotated: the anchor is started afresh under this key.
            Line::Foreign if establishing => return Ok(None),
            Line::Foreign | Line::Malformed => return Ok(Some(altered())),
        };
        let stored: Option<String> =
            conn.query_row("SELECT hash FROM audit_event WHERE seq = ?1", [seq], |r| r.get(0)).optional()?;
        Ok(match stored {
            Some(found) if found == hash => None,
            Some(_) => Some(ChainBreak {
                seq,
                problem: "differs from the event the audit anchor recorded: the database was rolled back \
                          or replaced"
                    .into(),
            }),
            None => {
                let head: i64 =
                    conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_event", [], |r| r.get(0))?;
                Some(ChainBreak {
                    seq,
                    problem: format!(
                        "is missing: the audit anchor recorded event {seq} but the database ends at event \
                         {head}; committed changes were lost (a damaged write-ahead log or a rolled-back \
                         database file). Restore the latest backup."
                    ),
                })
            }
        })
    }

    /// Records the database's newest event if it moved since the last write.
    pub(crate) fn update(&mut self, conn: &Connection) -> Result<(), StoreError> {
        let head: Option<Head> = conn
            .query_row("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((seq, hash)) = head else { return Ok(()) };
        if self.written.as_ref().is_some_and(|(s, h)| *s == seq && *h == hash) {
            return Ok(());
        }
        let line = format!("{FORMAT} {seq} {hash} {}\n", self.mac(seq, &hash));
        write_atomically(&self.path, line.as_bytes())?;
        self.written = Some((seq, hash));
        Ok(())
    }
}
