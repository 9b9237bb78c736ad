-- An Idempotency-Key in progress belongs to one process (owner) for a lease (locked_until) that the
-- owner extends while its request runs: a retry finding the lease run out, or on PGlite (one
-- process) a row another process left, takes the key over instead of waiting out the 24 hours.
ALTER TABLE idempotency_keys ADD COLUMN owner text;
ALTER TABLE idempotency_keys ADD COLUMN locked_until timestamptz;
