-- 0025: compliance assessments by Commerce (R16): the assessment, each finding with the date
-- Commerce set to remediate it and who answers for it, remediation notes with their evidence, and
-- the closing of a finding (evidence required; optionally the CIP version that answers it). The
-- filing register gains the kind `cip_resubmission` (the remediated CIP sent back): SQLite cannot
-- change a CHECK, so the table is rebuilt with the same columns and rows. Append-only: never edit
-- a migration that has shipped.

CREATE TABLE assessment (
    id                    TEXT PRIMARY KEY NOT NULL,   -- UUIDv7
    assessed_on           TEXT NOT NULL,               -- YYYY-MM-DD
    scope                 TEXT NOT NULL,
    assessor_reference    TEXT NOT NULL,
    resubmission_required INTEGER NOT NULL,
    recorded_by           TEXT NOT NULL,
    recorded_at           TEXT NOT NULL
) STRICT;

CREATE TABLE finding (
    id            TEXT PRIMARY KEY NOT NULL,           -- UUIDv7
    assessment_id TEXT NOT NULL REFERENCES assessment (id),
    number        INTEGER NOT NULL,                    -- 1, 2, … within the assessment
    title         TEXT NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    rids          TEXT NOT NULL,                       -- ','-separated, e.g. R5,R4
    due_on        TEXT NOT NULL,                       -- YYYY-MM-DD
    owner         TEXT NOT NULL,
    closed_at     TEXT,
    closed_by     TEXT,
    cip_version   INTEGER,                             -- the CIP version that answers it
    UNIQUE (assessment_id, number)
) STRICT;

CREATE TABLE finding_note (
    seq         INTEGER PRIMARY KEY,
    finding_id  TEXT NOT NULL REFERENCES finding (id),
    note        TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence (id),
    closing     INTEGER NOT NULL DEFAULT 0,            -- the note that closed the finding
    by          TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX finding_note_finding ON finding_note (finding_id, seq);

CREATE TABLE filing_v4 (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('initial', 'annual', 'change_notice', 'ai_report', 'activity_report',
                                                   'cip_resubmission')),
    label            TEXT NOT NULL,
    year             INTEGER,
    event_id         TEXT,                        -- change notice, activity report: the event; AI report: the case (and version); resubmission: the assessment
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
INSERT INTO filing_v4 SELECT * FROM filing;
DROP TABLE filing;
ALTER TABLE filing_v4 RENAME TO filing;
CREATE INDEX filing_pdf ON filing (pdf_sha256);
