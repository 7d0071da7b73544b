//! Key slots: the ways to recover the data key (DEK), LUKS-style.
//!
//! The DEK is random and never stored in the clear. `keyslots.json` beside the database holds
//! it wrapped (XChaCha20-Poly1305) under keys derived from (a) each person's own passphrase via
//! Argon2id — one slot per person, naming them, so an unlock says who is at the keyboard (issue
//! 14: there is no shared workspace passphrase) — and (b) the one-time recovery code via HKDF;
//! slot (c) says the OS credential store holds a copy for one person. A key-check value (HMAC of
//! the workspace id under the DEK) lets an unwrapped key be confirmed before the database is
//! touched, so a wrong secret never writes a byte. Changing a passphrase re-wraps the DEK; the
//! database is never re-encrypted for it.
//!
//! Files from before per-person slots hold one `passphrase` slot, the shared workspace
//! passphrase: it is read as the first officer's, and replaced by their person slot as soon as
//! it opens the workspace.
//!
//! Checked before it is trusted (issue 14). The file is read only up to [`MAX_FILE_BYTES`];
//! every field must have its exact length and every Argon2id cost lie within [`KdfCost`]'s
//! bounds on both sides, so a crafted file can neither weaken the KDF nor make it allocate
//! without limit or run for hours. Version 2 files carry a `checksum` (SHA-256 of the file's
//! canonical form) checked before any KDF runs, so a damaged file reads as "damaged", never as
//! "wrong passphrase"; and a `mac` (HMAC-SHA256 under a key derived from the DEK) over the same
//! form, checked as soon as a key is unwrapped and before the database is opened, so a file
//! altered by someone who recomputed the checksum (a slot swapped, the keyring entry redirected)
//! is refused too. A true MAC cannot be checked before the KDF: its key would have to be
//! something the file's holder has without deriving it. Version 1 files (no checksum, no MAC)
//! still open, and are rewritten as version 2 at the next unlock.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use workbench_core::ActorId;

use crate::error::StoreError;
use crate::key::DataKey;

const FORMAT: &str = "cip-workbench-keyslots";
/// The file version written: 3 has person slots; 2 added the checksum and the MAC.
const VERSION: u32 = 3;
/// The label bound into each wrapped key's additional data, newest first. Wave 1 wrote "1";
/// "2" since. It is not the file version: a new file layout must never orphan a wrapped key,
/// so unwrapping tries each label (the AEAD tag tells which one was used).
const WRAP_LABELS: [u32; 2] = [2, 1];
/// The most slots a file may hold (one per person, the recovery code, the keyring).
const MAX_SLOTS: usize = 256;
/// The longest person name kept in a slot, in bytes.
const MAX_NAME_BYTES: usize = 200;
/// The largest key-slot file read (a real one is under 2 KiB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Argon2id cost. New slots use 128 MiB, 4 passes, 1 lane: 0.55 s measured on this 2-core
/// machine (the issue asks ~0.5–1 s at ≥ 64 MiB). Each slot records its own cost, so older slots
/// keep opening; none below 64 MiB is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfCost {
    /// The cost new workspaces use.
    pub const DEFAULT: Self = Self { memory_kib: 128 * 1024, iterations: 4, parallelism: 1 };
    /// The floor below which a key-slot file is refused (it would have been tampered with).
    const MINIMUM_MEMORY_KIB: u32 = 64 * 1024;
    /// The ceiling: more would not fit a laptop, or would make an unlock take minutes.
    const MAXIMUM_MEMORY_KIB: u32 = 1024 * 1024;
    const ITERATIONS: std::ops::RangeInclusive<u32> = 2..=16;
    const PARALLELISM: std::ops::RangeInclusive<u32> = 1..=8;

    /// Why this cost is refused, if it is.
    fn problem(self) -> Option<&'static str> {
        if self.memory_kib < Self::MINIMUM_MEMORY_KIB {
            Some("the passphrase slot's cost was lowered")
        } else if self.memory_kib > Self::MAXIMUM_MEMORY_KIB {
            Some("the passphrase slot asks for more than 1 GiB of memory")
        } else if !Self::ITERATIONS.contains(&self.iterations)
            || !Self::PARALLELISM.contains(&self.parallelism)
        {
            Some("the passphrase slot's passes or lanes are out of range")
        } else {
            None
        }
    }
}

/// One key slot as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Slot {
    /// The DEK wrapped under Argon2id(a person's own passphrase).
    Person {
        /// The person's actor id.
        actor: String,
        /// Their display name, shown on the unlock screen (staff names only, never customers').
        name: String,
        /// Argon2id cost.
        cost: KdfCost,
        /// Salt, base64.
        salt: String,
        /// Nonce, base64.
        nonce: String,
        /// Wrapped DEK with its tag, base64.
        wrapped: String,
    },
    /// Before per-person slots: the DEK wrapped under Argon2id(the shared workspace passphrase),
    /// read as the first officer's.
    Passphrase {
        /// Argon2id cost.
        cost: KdfCost,
        /// Salt, base64.
        salt: String,
        /// Nonce, base64.
        nonce: String,
        /// Wrapped DEK with its tag, base64.
        wrapped: String,
    },
    /// The DEK wrapped under HKDF(recovery code).
    Recovery {
        /// Salt, base64.
        salt: String,
        /// Nonce, base64.
        nonce: String,
        /// Wrapped DEK with its tag, base64.
        wrapped: String,
    },
    /// The DEK is held by the OS credential store under this service and account.
    Keyring {
        /// Credential store service name.
        service: String,
        /// Credential store account (the workspace id).
        account: String,
        /// Whose entry it is; absent in files from before per-person slots (the first officer).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
}

impl Slot {
    fn kind(&self) -> &'static str {
        match self {
            Self::Person { .. } => "person",
            Self::Passphrase { .. } => "passphrase",
            Self::Recovery { .. } => "recovery",
            Self::Keyring { .. } => "keyring",
        }
    }
}

/// The contents of `keyslots.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySlots {
    format: String,
    version: u32,
    /// The workspace these slots open.
    pub workspace_id: String,
    key_check: String,
    /// The slots, at most one of each kind.
    pub slots: Vec<Slot>,
    /// SHA-256 (hex) of the canonical form; absent in version 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    checksum: String,
    /// HMAC-SHA256 (hex) of the canonical form under a key derived from the DEK; absent in
    /// version 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    mac: String,
}

/// A secret typed or pasted by a person; zeroized when dropped.
pub type Secret = Zeroizing<String>;

/// Whom an unlocked key-slot file says the secret belonged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    /// The person with this id.
    Person(ActorId),
    /// The first officer: the recovery code, or a slot from before per-person slots.
    FirstOfficer,
}

/// A person who can unlock the workspace, as the key-slot file names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Their actor id.
    pub actor: ActorId,
    /// Their display name.
    pub name: String,
}

impl KeySlots {
    /// Slots for a new workspace: the first officer's and the recovery code's (the keyring is
    /// added separately).
    pub fn create(
        workspace_id: &str,
        key: &DataKey,
        officer: &Person,
        passphrase: &str,
        recovery_code: &str,
    ) -> Result<Self, StoreError> {
        let mut slots = Self {
            format: FORMAT.into(),
            version: VERSION,
            workspace_id: workspace_id.to_owned(),
            key_check: key_check(key, workspace_id),
            slots: Vec::new(),
            checksum: String::new(),
            mac: String::new(),
        };
        slots.set_person(key, officer, passphrase)?;
        let salt = random::<16>()?;
        let kek = recovery_kek(recovery_code, &salt);
        let (nonce, wrapped) = wrap(&kek, key, &aad(WRAP_LABELS[0], workspace_id, "recovery"))?;
        slots.slots.push(Slot::Recovery { salt: B64.encode(salt), nonce, wrapped });
        Ok(slots)
    }

    /// Parses `keyslots.json`, refusing anything malformed, damaged, weakened or out of bounds,
    /// before any KDF runs.
    pub fn parse(bytes: &[u8]) -> Result<Self, StoreError> {
        let damaged = |why: String| StoreError::KeySlots(why);
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(damaged(format!(
                "it is {} bytes; a key-slot file is under {MAX_FILE_BYTES}",
                bytes.len()
            )));
        }
        let slots: Self =
            serde_json::from_slice(bytes).map_err(|e| damaged(format!("not a valid key-slot file ({e})")))?;
        if slots.format != FORMAT || !(1..=VERSION).contains(&slots.version) {
            return Err(damaged(format!(
                "unknown key-slot format {:?} version {}",
                slots.format, slots.version
            )));
        }
        if slots.version >= 2 {
            let expected = hex::encode(<Sha256 as sha2::Digest>::digest(slots.checksummed()));
            if !crate::key::constant_time_eq(expected.as_bytes(), slots.checksum.as_bytes())
                || slots.mac.len() != 64
            {
                return Err(damaged("its checksum does not match: the file was damaged".into()));
            }
        }
        if slots.key_check.len() != 64 || slots.workspace_id.is_empty() || slots.workspace_id.len() > 64 {
            return Err(damaged("its key check or workspace id is malformed".into()));
        }
        if slots.slots.len() > MAX_SLOTS {
            return Err(damaged(format!(
                "it holds {} slots; at most {MAX_SLOTS} are read",
                slots.slots.len()
            )));
        }
        let exact = |text: &str, len: usize| B64.decode(text).map(|b| b.len() == len).unwrap_or(false);
        // What may appear once: the recovery and legacy passphrase slots, each person, each
        // person's name, each keyring entry's owner.
        let mut seen = std::collections::HashSet::new();
        for slot in &slots.slots {
            let identity = match slot {
                Slot::Person { actor, .. } => format!("person {actor}"),
                Slot::Keyring { actor, .. } => format!("keyring {}", actor.as_deref().unwrap_or("")),
                other => other.kind().to_owned(),
            };
            if !seen.insert(identity) {
                return Err(damaged(format!("it holds two {} slots for the same holder", slot.kind())));
            }
            let well_formed = match slot {
                Slot::Person { actor, name, cost, salt, nonce, wrapped } => {
                    if let Some(problem) = cost.problem() {
                        return Err(damaged(problem.into()));
                    }
                    if !seen.insert(format!("name {}", name.to_lowercase())) {
                        return Err(damaged("two person slots carry the same name".into()));
                    }
                    actor.parse::<ActorId>().is_ok()
                        && !name.trim().is_empty()
                        && name.len() <= MAX_NAME_BYTES
                        && exact(salt, 16)
                        && exact(nonce, 24)
                        && exact(wrapped, 48)
                }
                Slot::Passphrase { cost, salt, nonce, wrapped } => {
                    if let Some(problem) = cost.problem() {
                        return Err(damaged(problem.into()));
                    }
                    exact(salt, 16) && exact(nonce, 24) && exact(wrapped, 48)
                }
                Slot::Recovery { salt, nonce, wrapped } => {
                    exact(salt, 16) && exact(nonce, 24) && exact(wrapped, 48)
                }
                Slot::Keyring { service, account, actor } => {
                    service.len() <= 128
                        && account.len() <= 128
                        && actor.as_deref().is_none_or(|a| a.parse::<ActorId>().is_ok())
                }
            };
            if !well_formed {
                return Err(damaged(format!("its {} slot is malformed", slot.kind())));
            }
        }
        Ok(slots)
    }

    /// The form the MAC covers: the file's fields without the checksum and the MAC, as compact
    /// JSON in the struct's field order.
    fn canonical(&self) -> Vec<u8> {
        let bare = Self { checksum: String::new(), mac: String::new(), ..self.clone() };
        serde_json::to_vec(&bare).unwrap_or_default()
    }

    /// The form the checksum covers: every field but the checksum (the MAC included).
    fn checksummed(&self) -> Vec<u8> {
        let bare = Self { checksum: String::new(), ..self.clone() };
        serde_json::to_vec(&bare).unwrap_or_default()
    }

    /// Forgets the seal of the file these slots were read from: they are about to change.
    fn unseal(&mut self) {
        self.checksum.clear();
        self.mac.clear();
    }

    /// The MAC of the canonical form under `key`.
    fn mac_of(&self, key: &DataKey) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC takes any key length");
        mac.update(b"cip-workbench keyslots mac/");
        mac.update(&self.canonical());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Serialises for writing, as the current version, sealed with the checksum and the MAC
    /// under `key` (the data key these slots open).
    pub fn to_json(&self, key: &DataKey) -> Vec<u8> {
        let mut sealed =
            Self { version: VERSION, checksum: String::new(), mac: String::new(), ..self.clone() };
        sealed.mac = sealed.mac_of(key);
        sealed.checksum = hex::encode(<Sha256 as sha2::Digest>::digest(sealed.checksummed()));
        serde_json::to_vec_pretty(&sealed).unwrap_or_default()
    }

    /// True when the file is of an older version or still holds the shared passphrase slot or
    /// a keyring slot naming no one (rewrite it once unlocked).
    pub fn needs_upgrade(&self) -> bool {
        self.version < VERSION || self.slots.iter().any(|s| matches!(s, Slot::Keyring { actor: None, .. }))
    }

    /// True while the shared workspace passphrase slot of older files is still here.
    pub fn has_shared_passphrase(&self) -> bool {
        self.slots.iter().any(|s| matches!(s, Slot::Passphrase { .. }))
    }

    /// Replaces (or adds) `person`'s slot: wraps the DEK under their passphrase. A first
    /// officer's replaces the shared passphrase slot of older files too.
    pub fn set_person(&mut self, key: &DataKey, person: &Person, passphrase: &str) -> Result<(), StoreError> {
        let name = person.name.trim();
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return Err(StoreError::KeySlots(format!("a person's name must be 1 to {MAX_NAME_BYTES} bytes")));
        }
        let actor = person.actor.to_string();
        if self.people().iter().any(|p| p.actor != person.actor && p.name.eq_ignore_ascii_case(name)) {
            return Err(StoreError::Conflict(format!("another person here is already named {name:?}")));
        }
        let cost = KdfCost::DEFAULT;
        let salt = random::<16>()?;
        let kek = passphrase_kek(passphrase, &salt, cost)?;
        let (nonce, wrapped) =
            wrap(&kek, key, &aad(WRAP_LABELS[0], &self.workspace_id, &person_kind(&actor)))?;
        self.unseal();
        self.slots.retain(|s| !matches!(s, Slot::Person { actor: a, .. } if *a == actor));
        let at =
            self.slots.iter().position(|s| !matches!(s, Slot::Person { .. })).unwrap_or(self.slots.len());
        self.slots.insert(
            at,
            Slot::Person { actor, name: name.to_owned(), cost, salt: B64.encode(salt), nonce, wrapped },
        );
        Ok(())
    }

    /// Drops the shared passphrase slot of older files (once the first officer has their own).
    pub fn drop_shared_passphrase(&mut self) {
        self.unseal();
        self.slots.retain(|s| !matches!(s, Slot::Passphrase { .. }));
    }

    /// Keeps only the person slots of `keep` (a rotation: the others' passphrases are not at
    /// hand to wrap the new key). Returns the names of those dropped.
    pub fn keep_only_person(&mut self, keep: ActorId) -> Vec<String> {
        let keep = keep.to_string();
        let dropped = self
            .slots
            .iter()
            .filter_map(|s| match s {
                Slot::Person { actor, name, .. } if *actor != keep => Some(name.clone()),
                _ => None,
            })
            .collect();
        self.unseal();
        self.slots.retain(|s| !matches!(s, Slot::Person { actor, .. } if *actor != keep));
        dropped
    }

    /// The people who can unlock, in file order.
    pub fn people(&self) -> Vec<Person> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Person { actor, name, .. } => {
                    Some(Person { actor: actor.parse().ok()?, name: name.clone() })
                }
                _ => None,
            })
            .collect()
    }

    /// True when `actor` has a slot of their own.
    pub fn has_person(&self, actor: ActorId) -> bool {
        self.people().iter().any(|p| p.actor == actor)
    }

    /// Records that the OS credential store holds the DEK for `actor` under `service`/`account`
    /// (one keyring slot per person).
    pub fn set_keyring(&mut self, service: &str, account: &str, actor: ActorId) {
        let owner = actor.to_string();
        self.unseal();
        self.slots.retain(
            |s| !matches!(s, Slot::Keyring { actor: a, .. } if a.as_deref().is_none_or(|a| a == owner)),
        );
        self.slots.push(Slot::Keyring {
            service: service.into(),
            account: account.into(),
            actor: Some(owner),
        });
    }

    /// Names the owner of a keyring slot from before per-person slots.
    pub fn own_keyring(&mut self, actor: ActorId) {
        if let Some(Slot::Keyring { actor: owner @ None, .. }) =
            self.slots.iter_mut().find(|s| matches!(s, Slot::Keyring { actor: None, .. }))
        {
            *owner = Some(actor.to_string());
            self.checksum.clear();
            self.mac.clear();
        }
    }

    /// The (first) keyring slot: service, account and whose it is.
    pub fn keyring(&self) -> Option<(&str, &str, Opener)> {
        self.keyrings().into_iter().next()
    }

    /// Every keyring slot (one per person who keeps their key in this computer's credential
    /// store): service, account and whose it is.
    pub fn keyrings(&self) -> Vec<(&str, &str, Opener)> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Keyring { service, account, actor } => Some((
                    service.as_str(),
                    account.as_str(),
                    actor
                        .as_deref()
                        .and_then(|a| a.parse().ok())
                        .map_or(Opener::FirstOfficer, Opener::Person),
                )),
                _ => None,
            })
            .collect()
    }

    /// Unwraps the DEK with a passphrase. `who` names the person (their name, any case, or
    /// actor id); without it the file must hold exactly one passphrase slot.
    pub fn open_as(&self, who: Option<&str>, passphrase: &str) -> Result<(DataKey, Opener), StoreError> {
        let candidates: Vec<&Slot> = self
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Person { .. } | Slot::Passphrase { .. }))
            .collect();
        let slot = match who.map(str::trim) {
            Some(who) => candidates
                .iter()
                .find(|s| matches!(s, Slot::Person { actor, name, .. } if name.eq_ignore_ascii_case(who) || actor == who))
                .or_else(|| {
                    // Before per-person slots the only passphrase is the first officer's.
                    (candidates.len() == 1).then(|| candidates.first()).flatten().filter(|s| matches!(s, Slot::Passphrase { .. }))
                })
                .ok_or_else(|| StoreError::UnknownPerson(who.to_owned()))?,
            None => match candidates.as_slice() {
                [only] => only,
                [] => return Err(StoreError::KeySlots("this workspace has no passphrase slot".into())),
                many => return Err(StoreError::WhoAreYou { people: many.len() }),
            },
        };
        let (cost, salt, nonce, wrapped, kind, opener) = match slot {
            Slot::Person { actor, cost, salt, nonce, wrapped, .. } => (
                cost,
                salt,
                nonce,
                wrapped,
                person_kind(actor),
                Opener::Person(
                    actor.parse().map_err(|_| StoreError::KeySlots("a person slot is malformed".into()))?,
                ),
            ),
            Slot::Passphrase { cost, salt, nonce, wrapped } => {
                (cost, salt, nonce, wrapped, "passphrase".to_owned(), Opener::FirstOfficer)
            }
            _ => unreachable!("only passphrase-bearing slots are candidates"),
        };
        let kek = passphrase_kek(passphrase, &decode(salt)?, *cost)?;
        let key =
            unwrap_any(&kek, nonce, wrapped, &self.workspace_id, &kind).ok_or(StoreError::WrongPassphrase)?;
        Ok((self.confirm(key)?, opener))
    }

    /// Unwraps the DEK with the workspace's only passphrase slot (a one-person workspace).
    pub fn open_with_passphrase(&self, passphrase: &str) -> Result<DataKey, StoreError> {
        self.open_as(None, passphrase).map(|(key, _)| key)
    }

    /// Unwraps the DEK with the recovery code (spaces, dashes and case are ignored).
    pub fn open_with_recovery_code(&self, code: &str) -> Result<DataKey, StoreError> {
        let Some(Slot::Recovery { salt, nonce, wrapped }) =
            self.slots.iter().find(|s| matches!(s, Slot::Recovery { .. }))
        else {
            return Err(StoreError::KeySlots("this workspace has no recovery-code slot".into()));
        };
        let kek = recovery_kek(code, &decode(salt)?);
        let key = unwrap_any(&kek, nonce, wrapped, &self.workspace_id, "recovery")
            .ok_or(StoreError::WrongRecoveryCode)?;
        self.confirm(key)
    }

    /// Accepts a DEK from elsewhere (the OS credential store) only if it is this workspace's.
    pub fn confirm(&self, key: DataKey) -> Result<DataKey, StoreError> {
        use crate::key::constant_time_eq;
        if !constant_time_eq(key_check(&key, &self.workspace_id).as_bytes(), self.key_check.as_bytes()) {
            return Err(StoreError::KeyMismatch);
        }
        // Slots read from a version 2 file carry their MAC; slots made or changed in memory have
        // none until they are written.
        if !self.mac.is_empty() && !constant_time_eq(self.mac_of(&key).as_bytes(), self.mac.as_bytes()) {
            return Err(StoreError::KeySlots(
                "it was altered: its MAC does not match under the workspace's key".into(),
            ));
        }
        Ok(key)
    }

    /// The kinds of slot present, for display.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = self.slots.iter().map(Slot::kind).collect();
        kinds.dedup();
        kinds
    }
}

#[cfg(test)]
impl KeySlots {
    /// Turns these slots into what files from before per-person slots held: the person slots
    /// replaced by one shared passphrase slot, the keyring slot naming no one.
    pub(crate) fn into_shared_passphrase(mut self, key: &DataKey, passphrase: &str) -> Self {
        let cost = KdfCost::DEFAULT;
        let salt = random::<16>().expect("salt");
        let kek = passphrase_kek(passphrase, &salt, cost).expect("kek");
        let (nonce, wrapped) = wrap(&kek, key, &aad(2, &self.workspace_id, "passphrase")).expect("wrap");
        self.unseal();
        self.version = 2;
        self.slots.retain(|s| !matches!(s, Slot::Person { .. }));
        for slot in &mut self.slots {
            if let Slot::Keyring { actor, .. } = slot {
                *actor = None;
            }
        }
        self.slots.insert(0, Slot::Passphrase { cost, salt: B64.encode(salt), nonce, wrapped });
        self
    }
}

/// What the recovery sheet prints so that the key-slot file can be rebuilt when both copies are
/// lost (issue 14): the recovery slot's salt, nonce and wrapped key with the workspace id and the
/// key check — nothing secret without the recovery code — and 4 bytes of SHA-256 so a typo is
/// named as one. Base32 in groups of four, after the tag.
const REBUILD_TAG: &str = "CIPW-SLOTS-1";
const REBUILD_BYTES: usize = 16 + 32 + 16 + 24 + 48;

impl KeySlots {
    /// The rebuild block for the recovery sheet, if the file has a recovery slot.
    pub fn rebuild_block(&self) -> Option<String> {
        let Slot::Recovery { salt, nonce, wrapped } =
            self.slots.iter().find(|s| matches!(s, Slot::Recovery { .. }))?
        else {
            return None;
        };
        let id = uuid::Uuid::parse_str(&self.workspace_id).ok()?;
        let mut bytes = Vec::with_capacity(REBUILD_BYTES + 4);
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend(hex::decode(&self.key_check).ok()?);
        for part in [salt, nonce, wrapped] {
            bytes.extend(B64.decode(part).ok()?);
        }
        let check = <Sha256 as sha2::Digest>::digest(&bytes);
        bytes.extend_from_slice(&check[..4]);
        let text = data_encoding::BASE32_NOPAD.encode(&bytes);
        let groups: Vec<&str> =
            text.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
        Some(format!("{REBUILD_TAG} {}", groups.join("-")))
    }

    /// Key slots holding only the recovery slot, from a sheet's rebuild block (spaces, dashes,
    /// line breaks and case are ignored). Unsealed: written once the recovery code opens them.
    pub fn from_rebuild_block(block: &str) -> Result<Self, StoreError> {
        let bad = |why: &str| StoreError::KeySlots(format!("the rebuild block {why}"));
        let body = block.trim();
        let body = body
            .strip_prefix(REBUILD_TAG)
            .ok_or_else(|| bad(&format!("does not start with {REBUILD_TAG}")))?;
        let text: String =
            body.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
        let bytes = data_encoding::BASE32_NOPAD.decode(text.as_bytes()).map_err(|_| {
            bad("holds a character that is not base32 (A–Z, 2–7): check it against the sheet")
        })?;
        if bytes.len() != REBUILD_BYTES + 4 {
            return Err(bad("is too short or too long: check it against the sheet"));
        }
        let (body, check) = bytes.split_at(REBUILD_BYTES);
        if <Sha256 as sha2::Digest>::digest(body)[..4] != *check {
            return Err(bad("has a typo: its check digits do not match; compare it with the sheet"));
        }
        let (id, rest) = body.split_at(16);
        let (key_check, rest) = rest.split_at(32);
        let (salt, rest) = rest.split_at(16);
        let (nonce, wrapped) = rest.split_at(24);
        let id: [u8; 16] = id.try_into().map_err(|_| bad("is malformed"))?;
        Ok(Self {
            format: FORMAT.into(),
            version: VERSION,
            workspace_id: uuid::Uuid::from_bytes(id).to_string(),
            key_check: hex::encode(key_check),
            slots: vec![Slot::Recovery {
                salt: B64.encode(salt),
                nonce: B64.encode(nonce),
                wrapped: B64.encode(wrapped),
            }],
            checksum: String::new(),
            mac: String::new(),
        })
    }
}

fn person_kind(actor: &str) -> String {
    format!("person/{actor}")
}

/// Additional data bound into every wrap: the format, a wrap label, the workspace and the slot
/// kind (with the person), so a wrapped key cannot be moved to another workspace, slot or person.
fn aad(label: u32, workspace_id: &str, kind: &str) -> Vec<u8> {
    format!("{FORMAT}/{label}/{workspace_id}/{kind}").into_bytes()
}

/// Unwraps under whichever of the [`WRAP_LABELS`] the key was wrapped with.
fn unwrap_any(kek: &[u8; 32], nonce: &str, wrapped: &str, workspace_id: &str, kind: &str) -> Option<DataKey> {
    WRAP_LABELS.iter().find_map(|label| unwrap(kek, nonce, wrapped, &aad(*label, workspace_id, kind)))
}

fn key_check(key: &DataKey, workspace_id: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.expose()).expect("HMAC takes any key length");
    mac.update(b"cip-workbench key check/");
    mac.update(workspace_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn passphrase_kek(passphrase: &str, salt: &[u8], cost: KdfCost) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, Some(32))
        .map_err(|e| StoreError::KeySlots(format!("bad Argon2id cost: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| StoreError::KeySlots(format!("Argon2id failed: {e}")))?;
    Ok(out)
}

fn recovery_kek(code: &str, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let normalised: Zeroizing<String> = Zeroizing::new(
        code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect(),
    );
    let mut out = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<Sha256>::new(Some(salt), normalised.as_bytes())
        .expand(b"cip-workbench recovery code", out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    out
}

fn wrap(kek: &[u8; 32], key: &DataKey, aad: &[u8]) -> Result<(String, String), StoreError> {
    let nonce = random::<24>()?;
    let cipher = XChaCha20Poly1305::new(kek.into());
    let wrapped = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.expose(), aad })
        .map_err(|_| StoreError::KeySlots("could not wrap the data key".into()))?;
    Ok((B64.encode(nonce), B64.encode(wrapped)))
}

fn unwrap(kek: &[u8; 32], nonce: &str, wrapped: &str, aad: &[u8]) -> Option<DataKey> {
    let nonce = B64.decode(nonce).ok().filter(|n| n.len() == 24)?;
    let wrapped = B64.decode(wrapped).ok()?;
    let cipher = XChaCha20Poly1305::new(kek.into());
    let plain =
        Zeroizing::new(cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad }).ok()?);
    let bytes: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(DataKey::from_bytes(bytes))
}

fn decode(text: &str) -> Result<Vec<u8>, StoreError> {
    B64.decode(text).map_err(|_| StoreError::KeySlots("a key slot is not valid base64".into()))
}

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A new recovery code: 160 random bits as 32 base32 characters in groups of four.
pub fn new_recovery_code() -> Result<Secret, StoreError> {
    let bytes = Zeroizing::new(random::<20>()?);
    let text = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(bytes.as_ref()));
    let grouped: String = text
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-");
    Ok(Zeroizing::new(grouped))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = "correct horse battery staple";

    fn officer() -> Person {
        Person { actor: ActorId::new(), name: "Olivia Officer".into() }
    }

    fn fresh() -> (DataKey, KeySlots, Secret) {
        let key = DataKey::generate().expect("key");
        let code = new_recovery_code().expect("code");
        let slots = KeySlots::create("ws-1", &key, &officer(), PASS, &code).expect("slots");
        (key, slots, code)
    }

    /// Issue 14: unlock as yourself. Each person's slot opens as them and names them; with
    /// several people a passphrase alone is not enough, and one person's passphrase never opens
    /// another's slot.
    #[test]
    fn each_person_opens_their_own_slot_and_is_named() {
        let (key, mut slots, _) = fresh();
        let olivia = slots.people()[0].clone();
        let rita = Person { actor: ActorId::new(), name: "Rita Reviewer".into() };
        slots.set_person(&key, &rita, "rita's own passphrase").expect("add");
        assert_eq!(slots.people(), vec![olivia.clone(), rita.clone()]);
        let (opened, by) = slots.open_as(Some("rita reviewer"), "rita's own passphrase").expect("rita");
        assert_eq!((opened.expose(), by), (key.expose(), Opener::Person(rita.actor)));
        let (_, by) = slots.open_as(Some(&olivia.actor.to_string()), PASS).expect("by id");
        assert_eq!(by, Opener::Person(olivia.actor));
        assert!(matches!(slots.open_as(Some("Rita Reviewer"), PASS), Err(StoreError::WrongPassphrase)));
        assert!(matches!(slots.open_as(None, PASS), Err(StoreError::WhoAreYou { people: 2 })));
        assert!(matches!(slots.open_as(Some("Mallory"), PASS), Err(StoreError::UnknownPerson(_))));
        // A name is one person's only.
        let twin = Person { actor: ActorId::new(), name: "RITA REVIEWER".into() };
        assert!(matches!(slots.set_person(&key, &twin, "another passphrase"), Err(StoreError::Conflict(_))));
        // Through the file, and a slot copied onto another person is refused (bound to them).
        let read = KeySlots::parse(&slots.to_json(&key)).expect("parse");
        assert_eq!(read.people().len(), 2);
        let mut swapped = read.clone();
        if let Some(Slot::Person { actor, .. }) = swapped.slots.get_mut(1) {
            *actor = olivia.actor.to_string();
        }
        if let Some(Slot::Person { actor, .. }) = swapped.slots.get_mut(0) {
            *actor = rita.actor.to_string();
        }
        assert!(swapped.open_as(Some("Rita Reviewer"), "rita's own passphrase").is_err());
        // A rotation keeps only the rotating officer's slot.
        let mut rotated = read;
        assert_eq!(rotated.keep_only_person(olivia.actor), vec!["Rita Reviewer".to_owned()]);
        assert_eq!(rotated.people(), vec![olivia]);
    }

    /// What wave 1 wrote: version 1, the shared passphrase slot and the recovery slot wrapped
    /// with the label "1", no checksum and no MAC. Version 2 bound the file version into the
    /// wrap, so these files read as "wrong passphrase" after it; they open again.
    #[test]
    fn a_wave_1_file_opens_with_its_passphrase_and_recovery_code() {
        let key = DataKey::generate().expect("key");
        let code = new_recovery_code().expect("code");
        let cost = KdfCost::DEFAULT;
        let salt = random::<16>().expect("salt");
        let kek = passphrase_kek(PASS, &salt, cost).expect("kek");
        let wave_1_aad = |kind: &str| format!("cip-workbench-keyslots/1/ws-1/{kind}").into_bytes();
        let (nonce, wrapped) = wrap(&kek, &key, &wave_1_aad("passphrase")).expect("wrap");
        let recovery_salt = random::<16>().expect("salt");
        let (r_nonce, r_wrapped) =
            wrap(&recovery_kek(&code, &recovery_salt), &key, &wave_1_aad("recovery")).expect("wrap");
        let file = serde_json::json!({
            "format": "cip-workbench-keyslots",
            "version": 1,
            "workspace_id": "ws-1",
            "key_check": key_check(&key, "ws-1"),
            "slots": [
                { "kind": "passphrase", "cost": cost, "salt": B64.encode(salt), "nonce": nonce, "wrapped": wrapped },
                { "kind": "recovery", "salt": B64.encode(recovery_salt), "nonce": r_nonce, "wrapped": r_wrapped },
                { "kind": "keyring", "service": "cip-workbench", "account": "ws-1" }
            ]
        });
        let read = KeySlots::parse(&serde_json::to_vec(&file).expect("json")).expect("a wave 1 file");
        assert!(read.needs_upgrade() && read.has_shared_passphrase());
        let (opened, by) = read.open_as(None, PASS).expect("the wave 1 passphrase");
        assert_eq!((opened.expose(), by), (key.expose(), Opener::FirstOfficer));
        assert_eq!(read.open_with_recovery_code(&code).expect("its recovery code").expose(), key.expose());
        assert_eq!(read.keyring().map(|(_, _, who)| who), Some(Opener::FirstOfficer));
    }

    #[test]
    fn every_slot_opens_to_the_same_key() {
        let (key, slots, code) = fresh();
        let by_pass = slots.open_with_passphrase(PASS).expect("passphrase");
        let by_code = slots.open_with_recovery_code(&code.to_lowercase().replace('-', " ")).expect("code");
        assert_eq!(by_pass.expose(), key.expose());
        assert_eq!(by_code.expose(), key.expose());
    }

    #[test]
    fn wrong_secrets_are_named() {
        let (_, slots, _) = fresh();
        assert!(matches!(slots.open_with_passphrase("wrong passphrase!"), Err(StoreError::WrongPassphrase)));
        assert!(matches!(
            slots.open_with_recovery_code("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"),
            Err(StoreError::WrongRecoveryCode)
        ));
    }

    #[test]
    fn a_foreign_key_is_refused() {
        let (_, slots, _) = fresh();
        let other = DataKey::generate().expect("key");
        assert!(matches!(slots.confirm(other), Err(StoreError::KeyMismatch)));
    }

    #[test]
    fn changing_the_passphrase_rewraps_the_same_key() {
        let (key, mut slots, code) = fresh();
        let me = slots.people()[0].clone();
        slots.set_person(&key, &me, "a brand new passphrase").expect("rewrap");
        assert_eq!(slots.people(), vec![me], "still one slot, the same person's");
        assert!(slots.open_with_passphrase(PASS).is_err());
        assert_eq!(slots.open_with_passphrase("a brand new passphrase").expect("new").expose(), key.expose());
        assert!(slots.open_with_recovery_code(&code).is_ok(), "the recovery slot is untouched");
    }

    #[test]
    fn round_trips_through_json_and_holds_no_key() {
        let (key, slots, _) = fresh();
        let json = slots.to_json(&key);
        assert!(!String::from_utf8_lossy(&json).contains(&hex::encode(key.expose())));
        let read = KeySlots::parse(&json).expect("parse");
        assert_eq!(read.to_json(&key), json, "sealing is deterministic");
        assert_eq!(read.open_with_passphrase(PASS).expect("opens").expose(), key.expose());
    }

    /// Rewrites a sealed file's text and recomputes its checksum (what someone who knows the
    /// format, but not the key, can do).
    fn forge(text: &str, from: &str, to: &str) -> Vec<u8> {
        let mut slots: KeySlots = serde_json::from_str(&text.replace(from, to)).expect("json");
        slots.checksum = hex::encode(<Sha256 as sha2::Digest>::digest(slots.checksummed()));
        serde_json::to_vec(&slots).expect("json")
    }

    #[test]
    fn tampering_is_detected() {
        let (key, slots, _) = fresh();
        let text = String::from_utf8(slots.to_json(&key)).expect("utf-8");
        assert!(matches!(KeySlots::parse(b"{not json"), Err(StoreError::KeySlots(_))));
        let weakened = forge(&text, "131072", "8");
        assert!(KeySlots::parse(&weakened).is_err(), "lowered Argon2 cost must be refused");
        let moved = KeySlots::parse(&forge(&text, "ws-1", "ws-2")).expect("parses");
        assert!(moved.open_with_passphrase(PASS).is_err(), "slots are bound to their workspace");
    }

    /// Issue 14: a damaged slot read as "wrong passphrase", and Argon2's cost was bounded from
    /// below only.
    #[test]
    fn damage_is_named_before_any_kdf_runs_and_costs_are_bounded_on_both_sides() {
        let (key, slots, _) = fresh();
        let good = slots.to_json(&key);
        let text = String::from_utf8(good.clone()).expect("utf-8");
        // Every single flipped byte (that keeps it JSON) is damage, never a wrong passphrase.
        let mut damaged = 0;
        for at in 0..good.len() {
            let mut bytes = good.clone();
            bytes[at] ^= 0x01;
            match KeySlots::parse(&bytes) {
                Err(StoreError::KeySlots(_)) => damaged += 1,
                Ok(read) => {
                    assert_eq!(read, KeySlots::parse(&good).expect("good"), "byte {at}: only layout changed")
                }
                Err(other) => panic!("byte {at}: {other}"),
            }
        }
        assert!(damaged > good.len() / 2, "{damaged} of {} flips named as damage", good.len());
        for (from, to) in [
            ("131072", "4194304"),
            ("\"iterations\": 4", "\"iterations\": 100000"),
            ("\"parallelism\": 1", "\"parallelism\": 255"),
        ] {
            let err = KeySlots::parse(&forge(&text, from, to)).expect_err(to);
            assert!(matches!(err, StoreError::KeySlots(_)), "{to}: {err}");
        }
        let huge = vec![b' '; MAX_FILE_BYTES as usize + 1];
        assert!(matches!(KeySlots::parse(&huge), Err(StoreError::KeySlots(_))));
        // A keyring entry redirected with a recomputed checksum parses, but the MAC refuses it
        // as soon as the key is unwrapped.
        let mut with_keyring = slots.clone();
        let owner = with_keyring.people()[0].actor;
        with_keyring.set_keyring("cip-workbench", "ws-1", owner);
        let sealed = String::from_utf8(with_keyring.to_json(&key)).expect("utf-8");
        let redirected = KeySlots::parse(&forge(&sealed, "\"account\": \"ws-1\"", "\"account\": \"ws-9\""))
            .expect("parses");
        let err = redirected.open_with_passphrase(PASS).expect_err("altered");
        assert!(err.to_string().contains("was altered"), "{err}");
    }

    #[test]
    fn a_version_1_file_still_opens_and_asks_to_be_rewritten() {
        let (key, slots, _) = fresh();
        let mut old: serde_json::Value = serde_json::from_slice(&slots.to_json(&key)).expect("json");
        old["version"] = 1.into();
        let object = old.as_object_mut().expect("object");
        object.remove("checksum");
        object.remove("mac");
        let read = KeySlots::parse(&serde_json::to_vec(&old).expect("json")).expect("version 1");
        assert!(read.needs_upgrade());
        assert_eq!(read.open_with_passphrase(PASS).expect("opens").expose(), key.expose());
        assert!(!KeySlots::parse(&read.to_json(&key)).expect("rewritten").needs_upgrade());
    }

    #[test]
    fn the_rebuild_block_brings_back_the_recovery_slot_and_names_typos() {
        let key = DataKey::generate().expect("key");
        let code = new_recovery_code().expect("code");
        let id = uuid::Uuid::now_v7().to_string();
        let slots = KeySlots::create(&id, &key, &officer(), PASS, &code).expect("slots");
        let block = slots.rebuild_block().expect("block");
        assert!(block.starts_with("CIPW-SLOTS-1 ") && block.len() < 300, "{block}");
        // As typed from paper: lower case, other spacing.
        let typed = block.to_lowercase().replace('-', " ").replace("cipw slots 1", "CIPW-SLOTS-1");
        let rebuilt = KeySlots::from_rebuild_block(&typed).expect("rebuilt");
        assert_eq!(rebuilt.workspace_id, id);
        assert_eq!(rebuilt.open_with_recovery_code(&code).expect("opens").expose(), key.expose());
        assert!(rebuilt.people().is_empty() && rebuilt.keyring().is_none());
        let sealed = rebuilt.to_json(&key);
        assert!(KeySlots::parse(&sealed).is_ok(), "a valid file once sealed");
        // One character off is a typo, never a wrong recovery code.
        let last = block.chars().last().expect("char");
        let typo = format!("{}{}", &block[..block.len() - 1], if last == 'A' { 'B' } else { 'A' });
        let err = KeySlots::from_rebuild_block(&typo).expect_err("typo");
        assert!(err.to_string().contains("typo"), "{err}");
        assert!(KeySlots::from_rebuild_block("CIPW-SLOTS-1 ABCD").is_err());
        assert!(KeySlots::from_rebuild_block("hello").is_err());
    }

    #[test]
    fn recovery_codes_are_grouped_base32() {
        let code = new_recovery_code().expect("code");
        assert_eq!(code.len(), 39, "{}", code.as_str());
        assert!(code.split('-').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric())));
    }
}
