-- A system SMS that carries a code or a password (its notification is `secret`) is also a send of
-- the platform's, and its batch keeps the text the engine sends. The batch is marked `secret`;
-- in production it is emptied as soon as the send is done or cancelled, whoever marks it so (the
-- trigger is the one place that rule lives); outside production the hourly purge empties it a day
-- later, as it does the notification's.
ALTER TABLE batches ADD COLUMN secret boolean NOT NULL DEFAULT false;
ALTER TABLE batches ADD COLUMN redact_when_done boolean NOT NULL DEFAULT false;

CREATE FUNCTION batches_redact_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.redact_when_done AND NEW.status IN ('done', 'cancelled') AND NEW.body <> '' THEN
    NEW.body := '';
  END IF;
  RETURN NEW;
END $$;
-- Only rows marked for it: the dispatcher and settlement update batches all the time.
CREATE TRIGGER batches_redact_done BEFORE UPDATE ON batches
  FOR EACH ROW WHEN (NEW.redact_when_done) EXECUTE FUNCTION batches_redact_done();

-- Sends made before this migration from secret notifications (the system SMS worker keys them
-- by the notification's id).
UPDATE batches b SET secret = true FROM notifications n
  WHERE b.source = 'system' AND n.secret AND b.idempotency_key = 'ntf:' || n.id;
UPDATE batches SET body = '' WHERE secret AND status IN ('done', 'cancelled');
