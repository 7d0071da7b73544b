-- 0029: an exemption ended before its term (Commerce revoked it) or its last day corrected (R20):
-- the exemption's `ends_on` takes the new day, and each change is kept here with the day it
-- replaced and why. Append-only: never edit a migration that has shipped.

CREATE TABLE exemption_end (
    seq            INTEGER PRIMARY KEY,
    exemption_id   TEXT NOT NULL REFERENCES exemption (id),
    ends_on_before TEXT,                               -- YYYY-MM-DD; NULL: it was until revoked
    ends_on        TEXT NOT NULL,                      -- YYYY-MM-DD, the new last day in force
    reason         TEXT NOT NULL CHECK (reason <> ''),
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
) STRICT;
CREATE INDEX exemption_end_exemption ON exemption_end (exemption_id, seq);
