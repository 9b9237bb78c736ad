-- Which dispatcher instance holds a claim (CHAPAR_INSTANCE_ID). An instance that restarts returns
-- its own claims to the outbox at once instead of waiting for their lease to run out; claims
-- of other instances still wait for the lease, which a live dispatcher renews while it works.
-- Nullable without a default: adding the columns rewrites nothing.
ALTER TABLE messages ADD COLUMN claimed_by text;
ALTER TABLE message_chunks ADD COLUMN claimed_by text;
