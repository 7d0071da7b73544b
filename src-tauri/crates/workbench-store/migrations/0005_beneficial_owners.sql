-- 0005: beneficial owners of entity customers (R5), each with its own R2 data and U.S.-person
-- status (R3). Append-only: never edit a migration that has shipped.

CREATE TABLE beneficial_owner (
    id            TEXT PRIMARY KEY NOT NULL,     -- UUIDv7
    customer_id   TEXT NOT NULL REFERENCES customer (id),
    name          TEXT NOT NULL,
    country       TEXT NOT NULL,                 -- ISO 3166-1 alpha-2
    ownership_pct REAL,                          -- NULL: not known (control only)
    control       INTEGER NOT NULL,
    us_person     TEXT NOT NULL CHECK (us_person IN ('undetermined', 'yes', 'no')),
    emails        TEXT NOT NULL DEFAULT '',      -- ';'-separated
    phones        TEXT NOT NULL DEFAULT '',      -- ';'-separated, E.164
    address_line1 TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    postal_code   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX beneficial_owner_customer ON beneficial_owner (customer_id);
