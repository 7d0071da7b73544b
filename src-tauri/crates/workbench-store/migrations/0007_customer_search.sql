-- 0007: a trigram full-text index over customer references and names, so a substring search of
-- 100k customers answers from the index instead of scanning every row (LIKE '%…%').
-- Append-only: never edit a migration that has shipped.

CREATE VIRTUAL TABLE customer_search USING fts5 (
    customer_ref, name,
    content = 'customer', content_rowid = 'rowid',
    tokenize = 'trigram remove_diacritics 1'
);
INSERT INTO customer_search (customer_search) VALUES ('rebuild');

CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_search (rowid, customer_ref, name) VALUES (new.rowid, new.customer_ref, new.name);
END;
CREATE TRIGGER customer_search_delete AFTER DELETE ON customer BEGIN
    INSERT INTO customer_search (customer_search, rowid, customer_ref, name)
    VALUES ('delete', old.rowid, old.customer_ref, old.name);
END;
CREATE TRIGGER customer_search_update AFTER UPDATE OF customer_ref, name ON customer BEGIN
    INSERT INTO customer_search (customer_search, rowid, customer_ref, name)
    VALUES ('delete', old.rowid, old.customer_ref, old.name);
    INSERT INTO customer_search (rowid, customer_ref, name) VALUES (new.rowid, new.customer_ref, new.name);
END;
