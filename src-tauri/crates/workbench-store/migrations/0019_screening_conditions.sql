-- 0019: the conditions of a special measure (R22) as a checklist on each customer that is a true
-- match for it: one row per condition, met with who, when and a note.
-- Append-only: never edit a migration that has shipped.

CREATE TABLE screening_condition (
    hit_id    TEXT NOT NULL REFERENCES screening_hit (id),
    position  INTEGER NOT NULL,
    condition TEXT NOT NULL,
    met_at    TEXT,
    met_by    TEXT,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (hit_id, position)
) STRICT;
