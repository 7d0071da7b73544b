-- 0014: customers are added to the trigram index (0007) by the code that inserts them, in one
-- statement per batch, instead of by a per-row trigger. The trigger ran inside each INSERT's
-- statement savepoint, and FTS5 writes its pending terms to disk at every savepoint: a 100k-row
-- import wrote 100k tiny index segments and spent a quarter of its time merging them.
-- The delete and update triggers stay (they fire one row at a time anyway).
-- Append-only: never edit a migration that has shipped.

DROP TRIGGER customer_search_insert;
