-- A chunk's recipients get their outbox rows when their outcome is recorded, not when they are
-- claimed: a sent message is written once ('sent', with its upstream id) instead of inserted as
-- 'sending' and updated. `taken` counts the recipients claimed, `recorded` those whose row
-- exists; a chunk is deleted once every recipient has its row. Claimed recipients without a row
-- are in flight; after the lease (`claimed_at`, the chunk's last claim) they get 'queued' rows.
ALTER TABLE message_chunks ADD COLUMN recorded int NOT NULL DEFAULT 0;
ALTER TABLE message_chunks ADD COLUMN claimed_at timestamptz;
-- Recipients in the chunk, kept beside the array: cardinality(recipients) would decompress the
-- whole (toasted) array of every chunk a claim looks at.
ALTER TABLE message_chunks ADD COLUMN size int;
UPDATE message_chunks SET size = cardinality(recipients);
ALTER TABLE message_chunks ALTER COLUMN size SET NOT NULL;
-- Before this migration a claim made the rows of the recipients it took: those are recorded.
UPDATE message_chunks SET recorded = taken, claimed_at = now() WHERE taken > 0;

-- In-flight recipients (claimed, no row yet) read as 'sending'.
CREATE OR REPLACE VIEW outbox_messages AS
  SELECT id, batch_id, account_id, recipient, operator, status, parts, cost, error_code, settled, created_at, updated_at FROM messages
  UNION ALL
  SELECT c.first_id + c.taken + u.i - 1, c.batch_id, c.account_id, u.r, c.operator, 'queued', c.parts, c.cost, NULL::text, false, c.created_at, c.created_at
  FROM message_chunks c CROSS JOIN LATERAL unnest(c.recipients[c.taken + 1:]) WITH ORDINALITY AS u(r, i)
  UNION ALL
  SELECT c.first_id + u.i - 1, c.batch_id, c.account_id, u.r, c.operator, 'sending', c.parts, c.cost, NULL::text, false, c.created_at, coalesce(c.claimed_at, c.created_at)
  FROM message_chunks c CROSS JOIN LATERAL unnest(c.recipients[1:c.taken]) WITH ORDINALITY AS u(r, i)
  WHERE c.recorded < c.taken AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = c.first_id + u.i - 1);
