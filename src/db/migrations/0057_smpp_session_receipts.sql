-- A receipt goes to the bind that submitted its message while that bind is up (two Kannels bound
-- as one account each want their own reports), then to any receiver bind of the account.
-- session_id: the listener process's id and the session's number in it.
ALTER TABLE smpp_submissions ADD COLUMN session_id text;
ALTER TABLE smpp_deliveries ADD COLUMN session_id text;
CREATE INDEX smpp_deliveries_session ON smpp_deliveries (session_id) WHERE session_id IS NOT NULL;
