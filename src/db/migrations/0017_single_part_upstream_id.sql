-- Most messages are one part. Such a message keeps its upstream id on its own row: no
-- message_parts row to insert at submit, update at the receipt and read back. Not unique: an
-- SMSC may reuse its ids (a restarted simulator does); a receipt matches the message still
-- waiting for one (sent, not yet settled).
ALTER TABLE messages ADD COLUMN upstream_id text;
CREATE INDEX messages_upstream ON messages (connector_id, upstream_id) WHERE upstream_id IS NOT NULL;
