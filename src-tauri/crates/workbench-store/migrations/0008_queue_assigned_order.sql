-- 0008: the assigned-items index in working order, so "take next" finds a reviewer's own most
-- urgent item without visiting every waiting one. Append-only: never edit a shipped migration.

DROP INDEX queue_item_assigned;
CREATE INDEX queue_item_assigned ON queue_item (assigned_to, state, due_at, risk_rank DESC, opened_at);
