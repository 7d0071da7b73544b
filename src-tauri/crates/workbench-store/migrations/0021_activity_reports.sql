-- 0021: the filing register gains the kind `activity_report` (R19: the suspected malicious
-- activity found at a non-compliant foreign reseller). SQLite cannot change a CHECK, so the table
-- is rebuilt with the same columns and rows (their record digests are unchanged). Append-only:
-- never edit a migration that has shipped.

CREATE TABLE filing_v3 (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('initial', 'annual', 'change_notice', 'ai_report', 'activity_report')),
    label            TEXT NOT NULL,
    year             INTEGER,
    event_id         TEXT,                        -- change notice, activity report: the event; AI report: the case (and version)
    obligation_key   TEXT,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'approved', 'filed', 'discarded')),
    page_size        TEXT NOT NULL CHECK (page_size IN ('a4', 'letter')),
    snapshot         TEXT NOT NULL,
    snapshot_sha256  TEXT NOT NULL,
    pack_id          TEXT NOT NULL,
    pack_sha256      TEXT NOT NULL,
    checkpoint_seq   INTEGER NOT NULL,
    checkpoint_hash  TEXT NOT NULL,
    pdf_sha256       TEXT NOT NULL,
    drafted_at       TEXT NOT NULL,
    drafted_by       TEXT NOT NULL,
    approved_at      TEXT,
    approved_by      TEXT,
    filed_on         TEXT,
    filed_by         TEXT,
    channel          TEXT NOT NULL DEFAULT '',
    agency_reference TEXT NOT NULL DEFAULT '',
    ack_evidence     TEXT REFERENCES evidence (id),
    CHECK ((state IN ('approved', 'filed')) = (approved_at IS NOT NULL) OR state = 'discarded'),
    CHECK ((state = 'filed') = (filed_on IS NOT NULL))
) STRICT;
INSERT INTO filing_v3 SELECT * FROM filing;
DROP TABLE filing;
ALTER TABLE filing_v3 RENAME TO filing;
CREATE INDEX filing_pdf ON filing (pdf_sha256);
