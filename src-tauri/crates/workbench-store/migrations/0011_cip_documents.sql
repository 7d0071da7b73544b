-- 0011: the written CIP (R1) in versions, each foreign reseller's CIP on file (R17), and requests
-- from Commerce for copies of them (R15). Append-only: never edit a migration that has shipped.

-- Every version of the provider's CIP. A draft changes until an officer approves it; approved
-- versions never change. At most one draft at a time.
CREATE TABLE cip_version (
    number         INTEGER PRIMARY KEY,          -- 1, 2, … in the order drafts were begun
    based_on       INTEGER REFERENCES cip_version (number),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'approved', 'discarded')),
    sections       TEXT NOT NULL,                -- JSON: [{key, title, rid, body}]
    sha256         TEXT NOT NULL,                -- of the sections' keys and text
    change_summary TEXT NOT NULL DEFAULT '',
    material       INTEGER NOT NULL DEFAULT 0 CHECK (material IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    approved_at    TEXT,
    approved_by    TEXT,
    effective_on   TEXT,                         -- YYYY-MM-DD, set on approval
    CHECK ((state = 'approved') = (approved_at IS NOT NULL AND effective_on IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX cip_version_one_draft ON cip_version (state) WHERE state = 'draft';

-- Who wrote in a draft (four eyes: none of them may approve it when the setting is on).
CREATE TABLE cip_version_author (
    number   INTEGER NOT NULL REFERENCES cip_version (number),
    actor_id TEXT NOT NULL,
    PRIMARY KEY (number, actor_id)
) STRICT;

-- A foreign reseller's CIP on file: an uploaded document in the vault, or the adoption of a
-- provider CIP version by agreement. The newest row per reseller is the one on file.
CREATE TABLE reseller_cip (
    seq             INTEGER PRIMARY KEY,
    reseller_id     TEXT NOT NULL REFERENCES reseller (id),
    kind            TEXT NOT NULL CHECK (kind IN ('document', 'adoption')),
    evidence_id     TEXT REFERENCES evidence (id),
    adopted_version INTEGER REFERENCES cip_version (number),
    sha256          TEXT NOT NULL,               -- the document's, or the adopted version's text
    dated           TEXT NOT NULL,               -- the document's date, or the agreement's
    note            TEXT NOT NULL DEFAULT '',
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    CHECK ((kind = 'document' AND evidence_id IS NOT NULL AND adopted_version IS NULL)
        OR (kind = 'adoption' AND adopted_version IS NOT NULL AND evidence_id IS NULL))
) STRICT;
CREATE INDEX reseller_cip_reseller ON reseller_cip (reseller_id, seq);

-- A request from Commerce for the CIP and the resellers' CIPs (R15); the obligation comes from
-- its event. The packet sent is kept in the vault with its manifest.
CREATE TABLE cip_request (
    id              TEXT PRIMARY KEY NOT NULL,   -- the obligation event's id
    requester       TEXT NOT NULL,
    reference       TEXT NOT NULL DEFAULT '',
    received_on     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    packet_evidence TEXT REFERENCES evidence (id),
    manifest        TEXT,                        -- JSON: [{part, title, sha256, pages}]
    assembled_at    TEXT,
    delivered_on    TEXT,
    delivered_by    TEXT,
    delivery_note   TEXT NOT NULL DEFAULT ''
) STRICT;
