-- A receipt looks for its single-part message by upstream id only while the message is not yet
-- final (settled). The index keeps just those: making a message final no longer writes an entry
-- to it, and it holds the messages awaiting a receipt instead of every message ever sent.
CREATE INDEX messages_upstream_open ON messages (connector_id, upstream_id) WHERE upstream_id IS NOT NULL AND NOT settled;
DROP INDEX messages_upstream;
