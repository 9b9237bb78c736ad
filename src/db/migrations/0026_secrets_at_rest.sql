-- Secrets at rest (issue 14): an idempotent answer that carried a secret is kept without it, and
-- a replay says so instead of answering again.
ALTER TABLE idempotency_keys ADD COLUMN redacted boolean NOT NULL DEFAULT false;

-- A notification whose text carries a code or a password is `secret`. In production its text is
-- emptied as soon as it is final, whoever marks it so (the channel, the retry job, the engine's
-- system SMS worker): the trigger is the one place that rule lives. Outside production the
-- simulator handset keeps it for a day (the hourly purge), so a newcomer can read a code.
ALTER TABLE notifications ADD COLUMN secret boolean NOT NULL DEFAULT false;
ALTER TABLE notifications ADD COLUMN redact_when_final boolean NOT NULL DEFAULT false;
ALTER TABLE notifications ADD COLUMN redacted_at timestamptz;

CREATE FUNCTION notifications_redact_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.redact_when_final AND NEW.redacted_at IS NULL AND NEW.status IN ('sent', 'failed', 'read') THEN
    NEW.body := '';
    NEW.subject := NULL;
    NEW.redacted_at := now();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER notifications_redact_final BEFORE UPDATE ON notifications
  FOR EACH ROW EXECUTE FUNCTION notifications_redact_final();

-- Rows written before this migration: codes and the passwords of welcome and reset messages.
UPDATE notifications SET secret = true WHERE kind LIKE 'code.%' OR kind IN ('agency.welcome', 'agency.password_reset');
UPDATE notifications SET body = '', subject = NULL, redacted_at = now() WHERE secret AND status <> 'pending';
