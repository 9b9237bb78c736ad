-- What a dispatcher has handed to a connector and not yet recorded. Before a slice of claimed
-- messages goes to a connector, one row names its ids (one statement per slice, however many
-- messages): after a crash only those ids are in doubt — they may have reached the SMSC — while
-- the rest of the claim never left and goes back to the outbox at once. A round deletes its
-- slices when its outcomes are recorded; a live dispatcher renews them with its claims.
CREATE TABLE submit_slices (
  id           bigserial PRIMARY KEY,
  claimed_by   text,
  connector_id text NOT NULL,
  sent_at      timestamptz NOT NULL,
  renewed_at   timestamptz NOT NULL,
  ids          int8[] NOT NULL
);
CREATE INDEX submit_slices_claimed_by ON submit_slices (claimed_by);

-- A message in doubt after a crash: it stays 'sending', unclaimed, on the connector of its
-- slice, until this moment; a receipt from that connector for its recipient settles it, and
-- otherwise it goes back to the outbox then. Nullable without a default: no rewrite.
ALTER TABLE messages ADD COLUMN in_doubt_until timestamptz;
CREATE INDEX messages_in_doubt ON messages (connector_id, recipient) WHERE status = 'sending' AND in_doubt_until IS NOT NULL;
