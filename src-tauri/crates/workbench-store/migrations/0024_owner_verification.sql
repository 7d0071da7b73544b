-- 0024: each foreign beneficial owner verified on its own (R5): the checks of an owner's
-- elements, and the IP addresses an owner used to access or administer the customer's accounts,
-- with the time of each access (R2 for owners). Append-only: never edit a migration that has
-- shipped.

CREATE TABLE owner_check (
    seq         INTEGER PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES beneficial_owner (id),
    element     TEXT NOT NULL CHECK (element IN ('name', 'address', 'identity_document', 'emails',
                                                 'phones', 'ip_addresses')),
    method      TEXT NOT NULL CHECK (method IN ('documentary', 'non_documentary', 'digital_id')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('verified', 'failed')),
    evidence_id TEXT REFERENCES evidence (id),
    note        TEXT NOT NULL DEFAULT '',
    reviewer    TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX owner_check_owner ON owner_check (owner_id, element, seq);

CREATE TABLE owner_ip_access (
    owner_id    TEXT NOT NULL REFERENCES beneficial_owner (id),
    ip          TEXT NOT NULL,                   -- canonical text form, v4 or v6
    accessed_at TEXT NOT NULL,                   -- RFC 3339 UTC
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'admin'))
) STRICT;
CREATE INDEX owner_ip_access_owner ON owner_ip_access (owner_id, accessed_at);
