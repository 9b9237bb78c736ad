-- Secrets at rest (issue 14): an idempotent answer that carried a secret is kept without it, and
-- a replay says so instead of answering again.
ALTER TABLE idempotency_keys ADD COLUMN redacted boolean NOT NULL DEFAULT false;
