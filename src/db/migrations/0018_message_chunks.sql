-- A big send that goes out at once is stored as chunks of up to 4,096 recipients of one operator
-- and price, not a row per recipient: accepting a million recipients writes ~250 rows. The
-- dispatcher turns a chunk's recipients into outbox rows as it claims them ('sending', in the
-- same statement). Each recipient's message id is fixed at accept: a chunk takes a block of 4,096
-- ids from its own sequence (far above the outbox's own ids), recipient k of the chunk is
-- first_id + k - 1, and `taken` counts the recipients already claimed.
CREATE SEQUENCE message_chunk_ids START WITH 1125899906842624 INCREMENT BY 4096;

CREATE TABLE message_chunks (
  first_id    int8 PRIMARY KEY,
  batch_id    text NOT NULL,
  account_id  text NOT NULL,
  operator    text NOT NULL,
  priority    smallint NOT NULL,
  parts       smallint NOT NULL,
  cost        int8 NOT NULL,
  ready_at    timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  recipients  text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 4096),
  taken       int NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_chunks_batch ON message_chunks (batch_id);
CREATE INDEX message_chunks_ready ON message_chunks (priority, ready_at, first_id);

-- Every recipient of every send, whether its row exists yet or it still waits in a chunk (then
-- it is 'queued'). Readers of recipients (batch progress, recipient lists, records) use this.
CREATE VIEW outbox_messages AS
  SELECT id, batch_id, account_id, recipient, operator, status, parts, cost, error_code, settled, created_at, updated_at FROM messages
  UNION ALL
  SELECT c.first_id + c.taken + u.i - 1, c.batch_id, c.account_id, u.r, c.operator, 'queued', c.parts, c.cost, NULL::text, false, c.created_at, c.created_at
  FROM message_chunks c CROSS JOIN LATERAL unnest(c.recipients[c.taken + 1:]) WITH ORDINALITY AS u(r, i);
