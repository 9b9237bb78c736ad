-- Sign-in failures per (username, client address): growing delays for that pair only, so a
-- stranger's guesses never lock the owner out from elsewhere. Keyed by the name as typed
-- (lowercased), so a name that does not exist is throttled like one that does.
CREATE TABLE login_failures (
  username       text NOT NULL,
  ip             text NOT NULL,
  failures       integer NOT NULL DEFAULT 0,
  last_failed_at timestamptz NOT NULL,
  blocked_until  timestamptz,
  PRIMARY KEY (username, ip)
);
CREATE INDEX login_failures_ip ON login_failures (ip, last_failed_at);

-- The last TOTP time step accepted per account: a code is good once.
ALTER TABLE accounts ADD COLUMN totp_last_step bigint;

-- Self-hosted captchas: only a hash of the answer, single use, short-lived.
CREATE TABLE captchas (
  id          text PRIMARY KEY,
  answer_hash text NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX captchas_expires ON captchas (expires_at);
