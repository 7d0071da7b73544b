-- 0028: an approval given without identity verification because an exemption of the customer's
-- account type was in force (R20), in a table of its own so that the canonical form of existing
-- decisions — every column of `decision` — stays what it was. When that exemption lapses the
-- customer's identity is owed again. Append-only: never edit a migration that has shipped.

CREATE TABLE decision_exemption (
    decision_id  TEXT PRIMARY KEY NOT NULL REFERENCES decision (id),
    exemption_id TEXT NOT NULL REFERENCES exemption (id)
) STRICT;
CREATE INDEX decision_exemption_exemption ON decision_exemption (exemption_id);
