-- 0023: the national identity number the pack lists among the optional R2 fields, in a table of
-- its own (one row per customer that gave one) so that a customer's canonical record form — every
-- column of `customer` — stays what it was. Append-only: never edit a migration that has shipped.

CREATE TABLE customer_national_id (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customer (id),
    national_id TEXT NOT NULL
) STRICT;
