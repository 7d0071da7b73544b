-- 0012: foreign resellers' annual attestations (R18 with R13) and the notes kept on a reseller's
-- compliance (R19: findings, referrals, remediation, termination). Append-only: never edit a
-- migration that has shipped.

-- One row per reseller and covered calendar year: the request sent and the signed return.
CREATE TABLE reseller_attestation (
    reseller_id      TEXT NOT NULL REFERENCES reseller (id),
    period           INTEGER NOT NULL,            -- the calendar year attested
    requested_at     TEXT,                        -- when the request PDF was made
    requested_by     TEXT,
    request_sha256   TEXT,                        -- of that PDF
    returned_on      TEXT,                        -- YYYY-MM-DD the signed return arrived
    evidence_id      TEXT REFERENCES evidence (id),  -- the signed return, when scanned
    customers        INTEGER CHECK (customers >= 0),
    unverified       INTEGER CHECK (unverified >= 0),
    refused          INTEGER CHECK (refused >= 0),
    affirmed         TEXT,                        -- JSON: keys of the pack statements affirmed
    complete         INTEGER CHECK (complete IN (0, 1)),
    note             TEXT NOT NULL DEFAULT '',
    source           TEXT,                        -- 'form' | 'csv'
    recorded_at      TEXT,
    recorded_by      TEXT,
    PRIMARY KEY (reseller_id, period),
    CHECK ((returned_on IS NULL) = (customers IS NULL)),
    CHECK ((returned_on IS NULL) = (complete IS NULL))
) STRICT;

-- What happened on a reseller's compliance, in order. Never edited.
CREATE TABLE reseller_note (
    seq         INTEGER PRIMARY KEY,
    reseller_id TEXT NOT NULL REFERENCES reseller (id),
    kind        TEXT NOT NULL CHECK (kind IN ('finding', 'referral', 'remediation', 'termination', 'note')),
    text        TEXT NOT NULL,
    on_day      TEXT NOT NULL,                    -- YYYY-MM-DD the note is about
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) STRICT;
CREATE INDEX reseller_note_reseller ON reseller_note (reseller_id, seq);
