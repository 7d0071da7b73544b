-- 0006: identity verification (R3, R4, R6, R9): evidence linked to customers, per-element results,
-- U.S.-person determinations, the review queue, decisions (four eyes on refusals) and customer
-- notices. Append-only: never edit a migration that has shipped.

-- Evidence attached to a customer, optionally for one element.
CREATE TABLE customer_evidence (
    customer_id TEXT NOT NULL REFERENCES customer (id),
    evidence_id TEXT NOT NULL REFERENCES evidence (id),
    element     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (customer_id, evidence_id)
) STRICT;

-- Every check of one element; the newest per (customer, element) is the current result.
CREATE TABLE element_check (
    seq         INTEGER PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customer (id),
    element     TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('documentary', 'non_documentary', 'digital_id')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('verified', 'failed')),
    evidence_id TEXT REFERENCES evidence (id),
    note        TEXT NOT NULL DEFAULT '',
    reviewer    TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX element_check_customer ON element_check (customer_id, element, seq);

-- U.S.-person determinations (R3) for a customer or a beneficial owner; the newest counts.
CREATE TABLE us_person_determination (
    seq         INTEGER PRIMARY KEY,
    subject     TEXT NOT NULL,                   -- customer:<id> | owner:<id>
    status      TEXT NOT NULL CHECK (status IN ('undetermined', 'yes', 'no')),
    reason      TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence (id),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX us_person_determination_subject ON us_person_determination (subject, seq);

-- One open or closed review per customer at a time. `available_at` hides a snoozed item;
-- `taken_by` locks it to a reviewer; `assigned_to` routes it.
CREATE TABLE queue_item (
    customer_id  TEXT PRIMARY KEY NOT NULL REFERENCES customer (id),
    state        TEXT NOT NULL CHECK (state IN ('waiting', 'awaiting_second', 'done')),
    risk_rank    INTEGER NOT NULL,               -- 2 high, 1 medium, 0 low
    reason       TEXT NOT NULL,                  -- onboarding | reverification | new_owner
    opened_at    TEXT NOT NULL,
    due_at       TEXT NOT NULL,                  -- opened + the pack's SLA for the tier
    available_at TEXT NOT NULL,
    assigned_to  TEXT,
    taken_by     TEXT,
    taken_at     TEXT,
    closed_at    TEXT
) STRICT;
CREATE INDEX queue_item_next ON queue_item (state, due_at, risk_rank DESC, opened_at);
CREATE INDEX queue_item_assigned ON queue_item (assigned_to, state);
CREATE INDEX queue_item_taken ON queue_item (taken_by);

CREATE TABLE decision (
    id           TEXT PRIMARY KEY NOT NULL,      -- UUIDv7
    customer_id  TEXT NOT NULL REFERENCES customer (id),
    kind         TEXT NOT NULL CHECK (kind IN ('approve', 'refuse', 'more_info')),
    reason_code  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    until        TEXT,                           -- more_info: sleeps until
    decided_by   TEXT NOT NULL,
    decided_at   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('final', 'awaiting_second', 'declined')),
    second_by    TEXT,
    second_at    TEXT
) STRICT;
CREATE INDEX decision_customer ON decision (customer_id, decided_at);

-- Customer notices (R9): the rendered PDF is kept in the vault as proof.
CREATE TABLE customer_notice (
    id              TEXT PRIMARY KEY NOT NULL,   -- UUIDv7
    customer_id     TEXT NOT NULL REFERENCES customer (id),
    evidence_id     TEXT NOT NULL REFERENCES evidence (id),
    pack_sha256     TEXT NOT NULL,
    rendered_at     TEXT NOT NULL,
    rendered_by     TEXT NOT NULL,
    sent_on         TEXT,
    acknowledged_on TEXT
) STRICT;
CREATE INDEX customer_notice_customer ON customer_notice (customer_id);
