-- The outbox is written a million rows at a time: a foreign-key check per row (a lookup and a
-- row lock on the batch and on the account for every message, on the message for every part)
-- doubled the time of a large accept. The accept path writes a batch and its messages in one
-- transaction and the dispatcher writes a message's parts after claiming it, so the references
-- hold by construction; batches, accounts and messages are never deleted.
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_batch_id_fkey;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_account_id_fkey;
ALTER TABLE message_parts DROP CONSTRAINT IF EXISTS message_parts_message_id_fkey;
