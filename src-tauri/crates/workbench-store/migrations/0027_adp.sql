-- 0027: the Abuse of IaaS Products Deterrence Program (ADP) dossier (R20–R21): per criterion of
-- the rule pack, the narrative in versions (the newest counts; a version may be marked a material
-- change), who answers for it and when it is next reviewed; the evidence (a vault document or a
-- record of the workspace); and the reviews. The filing register gains the kind
-- `exemption_application`: SQLite cannot change a CHECK, so the table is rebuilt with the same
-- columns and rows. Append-only: never edit a migration that has shipped.

CREATE TABLE adp_answer (
    seq         INTEGER PRIMARY KEY,
    criterion   TEXT NOT NULL,                       -- the pack's key
    narrative   TEXT NOT NULL,                       -- Markdown
    owner       TEXT NOT NULL DEFAULT '',
    review_on   TEXT,                                -- YYYY-MM-DD
    material    INTEGER NOT NULL DEFAULT 0,          -- a material change (R21)
    criteria    TEXT NOT NULL,                       -- the pack's criteria keys then, ','-separated
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX adp_answer_criterion ON adp_answer (criterion, seq);

CREATE TABLE adp_evidence (
    id          TEXT PRIMARY KEY NOT NULL,           -- UUIDv7
    criterion   TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence (id),       -- a vault document, or
    record      TEXT,                                -- a record: reseller_matrix | queue_statistics | cip_version:N
    label       TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    CHECK ((evidence_id IS NULL) <> (record IS NULL))
) STRICT;
CREATE INDEX adp_evidence_criterion ON adp_evidence (criterion);

CREATE TABLE adp_review (
    seq         INTEGER PRIMARY KEY,
    note        TEXT NOT NULL,
    reviewed_by TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
) STRICT;

CREATE TABLE filing_v5 (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('initial', 'annual', 'change_notice', 'ai_report', 'activity_report',
                                                   'cip_resubmission', 'exemption_application')),
    label            TEXT NOT NULL,
    year             INTEGER,
    event_id         TEXT,                        -- change notice, activity report: the event; AI report: the case (and version); resubmission: the assessment; exemption application: its scope
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
INSERT INTO filing_v5 SELECT * FROM filing;
DROP TABLE filing;
ALTER TABLE filing_v5 RENAME TO filing;
CREATE INDEX filing_pdf ON filing (pdf_sha256);
