-- A notification whose channel failed for a reason worth retrying (an SMTP 4xx, a refused or
-- dropped connection) stays pending with a next attempt; the notification-retries job sends it
-- again with backoff until it is sent or the attempts run out. next_attempt_at is set while a
-- row is pending: at insert and at each claim it is a lease, so a crash in the middle of an
-- attempt retries the row instead of losing it. Times are the service clock's.
ALTER TABLE notifications ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE notifications ADD COLUMN last_attempt_at timestamptz;
-- the sender's display name (the brand's), so a retry looks like the first attempt
ALTER TABLE notifications ADD COLUMN from_name text;
CREATE INDEX notifications_retry_due ON notifications (next_attempt_at) WHERE status = 'pending' AND next_attempt_at IS NOT NULL;

-- What an e-mail carries besides its text (the agency contract PDF), kept only until the
-- notification is sent or has failed for good: a retry needs the same bytes.
CREATE TABLE notification_attachments (
  notification_id text NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  position        integer NOT NULL,
  filename        text NOT NULL,
  content_type    text NOT NULL,
  data            bytea NOT NULL,
  PRIMARY KEY (notification_id, position)
);
