-- SMSCs reuse message ids (after a restart, or when their counter wraps). A part is now keyed by
-- itself (message, seq), not by the SMSC's id: a reused id no longer loses the new part's row,
-- and a receipt settles the most recent submission with its id (messages/outbox-repo.ts).
-- A part sent again (a retry) keeps one row, with the id of its latest submission.
DELETE FROM message_parts p USING message_parts q
 WHERE p.message_id = q.message_id AND p.seq = q.seq
   AND (p.updated_at < q.updated_at OR (p.updated_at = q.updated_at AND p.upstream_id < q.upstream_id));
ALTER TABLE message_parts DROP CONSTRAINT message_parts_pkey;
ALTER TABLE message_parts ADD PRIMARY KEY (message_id, seq);
DROP INDEX message_parts_message;
CREATE INDEX message_parts_upstream_open ON message_parts (connector_id, upstream_id) WHERE status = 'sent';

-- Ids are compared in one canonical form (upstreams/registry.ts canonicalUpstreamId): letters
-- and digits lowercased without leading zeros, anything else lowercased. Open rows take it now,
-- so receipts for messages sent before this migration still find them.
UPDATE messages SET upstream_id = CASE WHEN lower(btrim(upstream_id)) ~ '^[0-9a-z]+$'
    THEN coalesce(nullif(ltrim(lower(btrim(upstream_id)), '0'), ''), '0') ELSE lower(btrim(upstream_id)) END
 WHERE upstream_id IS NOT NULL AND NOT settled;
UPDATE message_parts SET upstream_id = CASE WHEN lower(btrim(upstream_id)) ~ '^[0-9a-z]+$'
    THEN coalesce(nullif(ltrim(lower(btrim(upstream_id)), '0'), ''), '0') ELSE lower(btrim(upstream_id)) END
 WHERE status = 'sent';
