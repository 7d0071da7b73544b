-- 0009: a card's network and a keyed fingerprint of its number (HMAC-SHA256 under a random key
-- kept in workspace_meta), so the same card used by several customers shows; the number itself is
-- never stored. Append-only: never edit a migration that has shipped.

ALTER TABLE account ADD COLUMN payment_network TEXT NOT NULL DEFAULT '';
ALTER TABLE account ADD COLUMN payment_fingerprint TEXT;
CREATE INDEX account_payment_fingerprint ON account (payment_fingerprint) WHERE payment_fingerprint IS NOT NULL;
