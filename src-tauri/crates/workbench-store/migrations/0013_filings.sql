-- 0013: the filing register (R12–R14): each filing's frozen snapshot, its state (draft →
-- approved → filed), the audit checkpoint it was drafted at and the SHA-256 of its PDF, which
-- re-rendering reproduces. Append-only: never edit a migration that has shipped.

CREATE TABLE filing (
    id               TEXT PRIMARY KEY NOT NULL,   -- UUIDv7, printed on every page
    kind             TEXT NOT NULL CHECK (kind IN ('initial', 'annual', 'change_notice')),
    label            TEXT NOT NULL,
    year             INTEGER,                     -- annual: the certification's year
    event_id         TEXT,                        -- change notice: the event it reports
    obligation_key   TEXT,                        -- the obligation filing it meets
    state            TEXT NOT NULL CHECK (state IN ('draft', 'approved', 'filed', 'discarded')),
    page_size        TEXT NOT NULL CHECK (page_size IN ('a4', 'letter')),
    snapshot         TEXT NOT NULL,               -- JSON: the data the filing was made from
    snapshot_sha256  TEXT NOT NULL,
    pack_id          TEXT NOT NULL,
    pack_sha256      TEXT NOT NULL,
    checkpoint_seq   INTEGER NOT NULL,            -- audit event the checkpoint was taken at
    checkpoint_hash  TEXT NOT NULL,
    pdf_sha256       TEXT NOT NULL,               -- of the PDF rendered from the snapshot
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
CREATE INDEX filing_pdf ON filing (pdf_sha256);
