-- 0022: the terms an account runs on while verification is pending (R6: restricted or
-- monitored, named terms from the pack, a date to decide by) and refused customers' appeals with
-- their review by another person (R6 redress). Append-only: never edit a migration that has
-- shipped.

CREATE TABLE pending_terms (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customer (id),
    state       TEXT NOT NULL CHECK (state IN ('restricted', 'monitored')),
    terms       TEXT NOT NULL,                      -- JSON array of the pack's term keys
    note        TEXT NOT NULL DEFAULT '',
    placed_at   TEXT NOT NULL,
    placed_by   TEXT NOT NULL,
    decide_by   TEXT NOT NULL                       -- YYYY-MM-DD, provider-local
) STRICT;

CREATE TABLE appeal (
    id          TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    customer_id TEXT NOT NULL REFERENCES customer (id),
    received_on TEXT NOT NULL,
    statement   TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reviewed_at TEXT,
    reviewed_by TEXT,
    outcome     TEXT CHECK (outcome IS NULL OR outcome IN ('refusal_stands', 'reopened')),
    review_note TEXT NOT NULL DEFAULT '',
    CHECK ((outcome IS NULL) = (reviewed_at IS NULL))
) STRICT;
CREATE INDEX appeal_customer ON appeal (customer_id);
