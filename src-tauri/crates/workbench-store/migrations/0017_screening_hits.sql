-- 0017: screening runs and hits (R22). A run screens customers and their beneficial owners
-- against the active list versions (their fingerprints kept with the run), so "was this
-- customer screened against the list in force on day D" has an answer. A hit waits for a
-- person's decision: a false positive is remembered for that subject and list entry (with the
-- digests of both as screened) so the same hit does not come back unless either changed; a true
-- match applies the measure's effect.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE screening_run (
    id          TEXT PRIMARY KEY NOT NULL,          -- UUIDv7
    trigger     TEXT NOT NULL CHECK (trigger IN ('intake', 'rescreen', 'on_demand')),
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    lists       TEXT NOT NULL,                      -- JSON [{source, version_id, sha256}]
    threshold   REAL NOT NULL,
    subjects    INTEGER NOT NULL,                   -- customers and owners screened
    hits        INTEGER NOT NULL,                   -- new hits opened
    remembered  INTEGER NOT NULL                    -- hits left closed by a false-positive decision
) STRICT;

-- The customers a run that did not cover everyone screened (intake, on demand); a rescreen
-- covers every customer that existed when it started.
CREATE TABLE screening_run_customer (
    run_id      TEXT NOT NULL REFERENCES screening_run (id),
    customer_id TEXT NOT NULL REFERENCES customer (id),
    PRIMARY KEY (run_id, customer_id)
) STRICT;

CREATE TABLE screening_hit (
    id             TEXT PRIMARY KEY NOT NULL,       -- UUIDv7
    run_id         TEXT NOT NULL REFERENCES screening_run (id),
    customer_id    TEXT NOT NULL REFERENCES customer (id),
    subject        TEXT NOT NULL,                   -- 'customer' or 'owner:<id>'
    list_source    TEXT NOT NULL,                   -- sdn | csl | register
    entry_id       TEXT NOT NULL,
    list_sha256    TEXT NOT NULL,
    score          REAL NOT NULL,
    explanation    TEXT NOT NULL,                   -- JSON, as the matcher gave it
    entry          TEXT NOT NULL,                   -- JSON of the list entry as screened
    subject_digest TEXT NOT NULL,                   -- SHA-256 of the subject's data as screened
    entry_digest   TEXT NOT NULL,                   -- SHA-256 of the entry as screened
    state          TEXT NOT NULL CHECK (state IN ('open', 'false_positive', 'true_match', 'awaiting_second')),
    opened_at      TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    reason         TEXT NOT NULL DEFAULT '',
    second_by      TEXT,
    second_at      TEXT
) STRICT;
CREATE INDEX screening_hit_open ON screening_hit (state, opened_at);
CREATE INDEX screening_hit_customer ON screening_hit (customer_id);

-- False-positive memory: one row per subject and list entry.
CREATE TABLE screening_cleared (
    customer_id    TEXT NOT NULL REFERENCES customer (id),
    subject        TEXT NOT NULL,
    list_source    TEXT NOT NULL,
    entry_id       TEXT NOT NULL,
    subject_digest TEXT NOT NULL,
    entry_digest   TEXT NOT NULL,
    hit_id         TEXT NOT NULL REFERENCES screening_hit (id),
    PRIMARY KEY (customer_id, subject, list_source, entry_id)
) STRICT;
