-- 0002: rule packs, the provider profile and the events that obligations are computed from.
-- Append-only: never edit a migration that has shipped; add the next number instead.

-- Every rule pack imported, kept verbatim so a record can always be traced to the exact text.
CREATE TABLE rule_pack (
    sha256      TEXT PRIMARY KEY NOT NULL,       -- of the file's bytes
    pack_id     TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
) STRICT;

CREATE TABLE provider_profile (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    legal_name  TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT 'US',
    size_tier   TEXT NOT NULL DEFAULT 'small' CHECK (size_tier IN ('small', 'medium', 'large')),
    virtualized INTEGER NOT NULL DEFAULT 1,
    dedicated   INTEGER NOT NULL DEFAULT 0,
    products    TEXT NOT NULL DEFAULT '',        -- description of the IaaS products
    time_zone   TEXT NOT NULL DEFAULT 'America/New_York',
    updated_at  TEXT NOT NULL
) STRICT;

-- Primary CIP contact history: the newest row is the current contact (R14).
CREATE TABLE provider_contact (
    id          TEXT PRIMARY KEY NOT NULL,       -- UUIDv7
    name        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    since       TEXT NOT NULL,                   -- RFC 3339 UTC
    recorded_by TEXT NOT NULL
) STRICT;

-- Events the obligations engine dates obligations from (payload: workbench_core EventKind JSON).
CREATE TABLE obligation_event (
    id          TEXT PRIMARY KEY NOT NULL,       -- UUIDv7
    occurred_at TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX obligation_event_occurred ON obligation_event (occurred_at);

-- An obligation met keeps the due date and the pack it was met under.
CREATE TABLE obligation_met (
    key         TEXT PRIMARY KEY NOT NULL,
    met_at      TEXT NOT NULL,
    met_by      TEXT NOT NULL,
    reference   TEXT NOT NULL,
    due_date    TEXT NOT NULL,
    pack_id     TEXT NOT NULL,
    pack_sha256 TEXT NOT NULL
) STRICT;

INSERT INTO provider_profile (id, legal_name, updated_at)
    SELECT 1, value, (SELECT value FROM workspace_meta WHERE key = 'created_at')
    FROM workspace_meta WHERE key = 'provider_name';

INSERT INTO obligation_event (id, occurred_at, kind, payload, recorded_by, recorded_at)
    SELECT 'program-started', value, 'program_started', '{"kind":"program_started"}', 'system', value
    FROM workspace_meta WHERE key = 'created_at';
