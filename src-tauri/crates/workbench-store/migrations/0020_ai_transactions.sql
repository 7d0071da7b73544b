-- 0020: covered AI-training transactions (R23–R26). A case links a foreign customer and holds
-- arrangement versions (JSON, validated by the core) with the coverage they had under the pack
-- in force when recorded — the app re-evaluates under the active pack and says what changed.
-- Metered usage arrives in batches (all or nothing); a foreign reseller's own report is kept with
-- its document. The filing register gains the kind `ai_report` (SQLite cannot change a CHECK, so
-- the table is rebuilt with the same columns and rows). Append-only: never edit a migration that
-- has shipped.

CREATE TABLE filing_v2 (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('initial', 'annual', 'change_notice', 'ai_report')),
    label            TEXT NOT NULL,
    year             INTEGER,
    event_id         TEXT,                        -- change notice: the event; AI report: the case (and version)
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
INSERT INTO filing_v2 SELECT * FROM filing;
DROP TABLE filing;
ALTER TABLE filing_v2 RENAME TO filing;
CREATE INDEX filing_pdf ON filing (pdf_sha256);

CREATE TABLE ai_case (
    id           TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    customer_id  TEXT NOT NULL REFERENCES customer (id),
    origin       TEXT NOT NULL CHECK (origin IN ('manual', 'usage')),
    state        TEXT NOT NULL CHECK (state IN ('review', 'open', 'closed')),
    summary      TEXT NOT NULL DEFAULT '',           -- why it was opened (usage: the figures)
    opened_at    TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    closed_at    TEXT,
    closed_by    TEXT,
    close_reason TEXT NOT NULL DEFAULT '',
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
) STRICT;
CREATE INDEX ai_case_customer ON ai_case (customer_id);

CREATE TABLE ai_arrangement (
    case_id     TEXT NOT NULL REFERENCES ai_case (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    body        TEXT NOT NULL,                       -- JSON: the validated arrangement
    coverage    TEXT NOT NULL CHECK (coverage IN ('not_covered', 'could_be', 'covered')),
    pack_id     TEXT NOT NULL,                       -- the pack the coverage was computed under
    pack_sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (case_id, version)
) STRICT;

CREATE TABLE ai_usage_batch (
    id          TEXT PRIMARY KEY NOT NULL,           -- UUIDv7
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,                       -- of the file as imported
    rows        INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
) STRICT;

CREATE TABLE ai_usage (
    batch_id     TEXT NOT NULL REFERENCES ai_usage_batch (id),
    customer_id  TEXT NOT NULL REFERENCES customer (id),
    account_id   TEXT NOT NULL REFERENCES account (id),
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,                      -- inclusive
    accelerator  TEXT NOT NULL,                      -- the catalogue model's printed name
    milli_hours  INTEGER NOT NULL CHECK (milli_hours >= 0),   -- accelerator-hours × 1,000
    peak         INTEGER NOT NULL CHECK (peak >= 0),          -- most accelerators at once
    micro_gbps   INTEGER NOT NULL CHECK (micro_gbps >= 0),    -- interconnect, Gbit/s × 10^6
    CHECK (period_end >= period_start)
) STRICT;
CREATE INDEX ai_usage_window ON ai_usage (period_end, customer_id);

CREATE TABLE ai_reseller_report (
    id              TEXT PRIMARY KEY NOT NULL,       -- UUIDv7
    reseller_ref    TEXT NOT NULL,
    customer_name   TEXT NOT NULL,                   -- the reseller's customer, as its report names it
    country         TEXT NOT NULL,
    transaction_on  TEXT NOT NULL,
    known_on        TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    evidence_id     TEXT NOT NULL REFERENCES evidence (id),   -- the reseller's document
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    transmitted_on  TEXT,
    transmitted_by  TEXT,
    channel         TEXT NOT NULL DEFAULT '',
    reference       TEXT NOT NULL DEFAULT '',
    CHECK ((transmitted_on IS NULL) = (transmitted_by IS NULL))
) STRICT;
