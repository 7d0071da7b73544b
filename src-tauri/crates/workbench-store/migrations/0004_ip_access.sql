-- 0004: the IP addresses used for access or administration of each account, with the time of
-- each access (R2). Append-only: never edit a migration that has shipped.

CREATE TABLE ip_access (
    account_id  TEXT NOT NULL REFERENCES account (id),
    ip          TEXT NOT NULL,                   -- canonical text form, v4 or v6
    accessed_at TEXT NOT NULL,                   -- RFC 3339 UTC
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'admin'))
) STRICT;
CREATE INDEX ip_access_account ON ip_access (account_id, accessed_at);
