//! Schema migrations: numbered, append-only `.sql` files in `migrations/`, applied in order in
//! one transaction each and tracked in `PRAGMA user_version`.
//!
//! (Hand-rolled rather than `rusqlite_migration`: its current release pins rusqlite 0.40, whose
//! bundled SQLCipher is older than the 4.20 we ship, and two SQLite builds cannot link together.)
//! A database whose `user_version` is above what this binary knows was written by a newer
//! version and is refused rather than risk writing to a schema we do not understand.

use rusqlite::Connection;

use crate::error::StoreError;

/// Every migration, in order; the schema version is the count applied.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_workspace", include_str!("../migrations/0001_workspace.sql")),
    ("0002_obligations", include_str!("../migrations/0002_obligations.sql")),
    ("0003_customers", include_str!("../migrations/0003_customers.sql")),
    ("0004_ip_access", include_str!("../migrations/0004_ip_access.sql")),
    ("0005_beneficial_owners", include_str!("../migrations/0005_beneficial_owners.sql")),
    ("0006_verification", include_str!("../migrations/0006_verification.sql")),
    ("0007_customer_search", include_str!("../migrations/0007_customer_search.sql")),
    ("0008_queue_assigned_order", include_str!("../migrations/0008_queue_assigned_order.sql")),
    ("0009_payment_cards", include_str!("../migrations/0009_payment_cards.sql")),
    ("0010_resellers", include_str!("../migrations/0010_resellers.sql")),
    ("0011_cip_documents", include_str!("../migrations/0011_cip_documents.sql")),
    ("0012_reseller_attestations", include_str!("../migrations/0012_reseller_attestations.sql")),
    ("0013_filings", include_str!("../migrations/0013_filings.sql")),
    ("0014_customer_search_batch", include_str!("../migrations/0014_customer_search_batch.sql")),
    ("0015_screening_lists", include_str!("../migrations/0015_screening_lists.sql")),
    ("0016_special_measures", include_str!("../migrations/0016_special_measures.sql")),
    ("0017_screening_hits", include_str!("../migrations/0017_screening_hits.sql")),
    ("0018_screening_ipdb", include_str!("../migrations/0018_screening_ipdb.sql")),
    ("0019_screening_conditions", include_str!("../migrations/0019_screening_conditions.sql")),
    ("0020_ai_transactions", include_str!("../migrations/0020_ai_transactions.sql")),
    ("0021_activity_reports", include_str!("../migrations/0021_activity_reports.sql")),
    ("0022_pending_terms_appeals", include_str!("../migrations/0022_pending_terms_appeals.sql")),
    ("0023_national_id", include_str!("../migrations/0023_national_id.sql")),
    ("0024_owner_verification", include_str!("../migrations/0024_owner_verification.sql")),
    ("0025_assessments", include_str!("../migrations/0025_assessments.sql")),
    ("0026_exemptions", include_str!("../migrations/0026_exemptions.sql")),
    ("0027_adp", include_str!("../migrations/0027_adp.sql")),
    ("0028_exempt_approval", include_str!("../migrations/0028_exempt_approval.sql")),
    ("0029_exemption_end", include_str!("../migrations/0029_exemption_end.sql")),
];

/// The schema version this binary writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to [`LATEST`], or refuses a newer one.
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > LATEST {
        return Err(StoreError::NewerSchema { found: current, supported: LATEST });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql).map_err(|source| StoreError::Migration { name, source })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(migration = name, version, "schema migrated");
    }
    Ok(LATEST)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataKey, Database};

    #[test]
    fn migrates_once_and_is_idempotent() {
        let key = DataKey::generate().expect("key");
        let mut db = Database::open_in_memory(&key).expect("open");
        assert_eq!(db.migrate().expect("first"), LATEST);
        assert_eq!(db.migrate().expect("second"), LATEST);
        let tables: i64 = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN \
                     ('workspace_meta', 'actor', 'audit_event', 'audit_checkpoint', 'evidence')",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("count");
        assert_eq!(tables, 5);
    }

    #[test]
    fn refuses_a_database_from_a_newer_version() {
        let key = DataKey::generate().expect("key");
        let mut db = Database::open_in_memory(&key).expect("open");
        db.migrate().expect("migrate");
        db.write(|tx| Ok(tx.pragma_update(None, "user_version", LATEST + 1)?)).expect("bump");
        let err = db.migrate().expect_err("newer schema");
        assert_eq!(
            err.to_string(),
            format!(
                "this workspace was written by a newer CIP Workbench (schema {}, this version reads up to {LATEST}); update the app",
                LATEST + 1
            )
        );
    }
}
