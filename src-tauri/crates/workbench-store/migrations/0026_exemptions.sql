-- 0026: exemptions granted by Commerce (R20) — scope (the provider, an account type, a named
-- foreign reseller), dates, conditions, reference, the decision in the vault — and the type of
-- each account, which an exemption may cover (the customers file's optional `account_type`
-- column), kept in a table of its own so existing accounts' record digests stay what they were.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE exemption (
    id          TEXT PRIMARY KEY NOT NULL,           -- UUIDv7
    scope       TEXT NOT NULL CHECK (scope IN ('provider', 'account_type', 'reseller')),
    name        TEXT NOT NULL DEFAULT '',            -- the account type or the reseller's reference
    starts_on   TEXT NOT NULL,                       -- YYYY-MM-DD
    ends_on     TEXT,                                -- YYYY-MM-DD, inclusive; NULL: until revoked
    conditions  TEXT NOT NULL DEFAULT '',
    reference   TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence (id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((scope = 'provider') = (name = ''))
) STRICT;

CREATE TABLE account_type (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES account (id),
    type       TEXT NOT NULL
) STRICT;
CREATE INDEX account_type_type ON account_type (type);
