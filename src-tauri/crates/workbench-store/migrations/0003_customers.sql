-- 0003: customers and their accounts (R2–R6, R12 counts).
-- Append-only: never edit a migration that has shipped; add the next number instead.

CREATE TABLE customer (
    id            TEXT PRIMARY KEY NOT NULL,     -- UUIDv7
    customer_ref  TEXT NOT NULL UNIQUE,          -- the provider's own reference
    kind          TEXT NOT NULL CHECK (kind IN ('individual', 'entity')),
    name          TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL,
    region        TEXT NOT NULL DEFAULT '',
    postal_code   TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL,                 -- ISO 3166-1 alpha-2
    us_person     TEXT NOT NULL CHECK (us_person IN ('undetermined', 'yes', 'no')),
    risk_tier     TEXT NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high')),
    reseller_ref  TEXT,                          -- NULL: a direct customer
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;
CREATE INDEX customer_name ON customer (name COLLATE NOCASE);
CREATE INDEX customer_country ON customer (country);

CREATE TABLE customer_email (
    customer_id TEXT NOT NULL REFERENCES customer (id),
    position    INTEGER NOT NULL,
    email       TEXT NOT NULL,
    PRIMARY KEY (customer_id, position)
) STRICT;

CREATE TABLE customer_phone (
    customer_id TEXT NOT NULL REFERENCES customer (id),
    position    INTEGER NOT NULL,
    e164        TEXT NOT NULL,
    PRIMARY KEY (customer_id, position)
) STRICT;

CREATE TABLE account (
    id             TEXT PRIMARY KEY NOT NULL,    -- UUIDv7
    customer_id    TEXT NOT NULL REFERENCES customer (id),
    account_ref    TEXT NOT NULL UNIQUE,
    state          TEXT NOT NULL CHECK (state IN ('applicant', 'pending_verification', 'restricted',
                                                  'monitored', 'verified', 'refused', 'closed')),
    payment_method TEXT NOT NULL,
    payment_last4  TEXT NOT NULL DEFAULT '',     -- never more than the last four digits
    payment_source TEXT NOT NULL DEFAULT '',
    opened_on      TEXT NOT NULL,
    closed_on      TEXT,
    last_access_on TEXT
) STRICT;
CREATE INDEX account_customer ON account (customer_id);
CREATE INDEX account_state ON account (state);

-- Every state change, for the R13 yearly counts and the account's history.
CREATE TABLE account_state_change (
    account_id TEXT NOT NULL REFERENCES account (id),
    at         TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX account_state_change_at ON account_state_change (at);
