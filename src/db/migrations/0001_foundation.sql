-- Foundation: the account tree, brands and their host names, sessions, API keys, one-time codes,
-- the audit log and the notifications outbox.

CREATE TABLE accounts (
  id                 text PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('platform', 'agency', 'user')),
  parent_id          text REFERENCES accounts (id),
  -- Materialised path of ids, '/acc_root/acc_a/acc_b/': a subtree is every path with a prefix.
  path               text NOT NULL UNIQUE,
  depth              integer NOT NULL CHECK (depth >= 0),
  username           text NOT NULL UNIQUE CHECK (username = lower(username)),
  password_hash      text NOT NULL,
  display_name       text NOT NULL DEFAULT '',
  mobile             text NOT NULL,
  mobile_verified_at timestamptz,
  email              text,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'expired')),
  locale             text NOT NULL DEFAULT 'fa' CHECK (locale IN ('fa', 'en')),
  totp_secret        text,
  totp_enabled_at    timestamptz,
  failed_logins      integer NOT NULL DEFAULT 0,
  locked_until       timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_by         text REFERENCES accounts (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'platform') = (parent_id IS NULL))
);
CREATE INDEX accounts_parent ON accounts (parent_id);
CREATE INDEX accounts_path_prefix ON accounts (path text_pattern_ops);
CREATE INDEX accounts_mobile ON accounts (mobile);
-- One platform account per installation.
CREATE UNIQUE INDEX accounts_one_platform ON accounts ((kind)) WHERE kind = 'platform';

CREATE TABLE brands (
  id            text PRIMARY KEY,
  account_id    text NOT NULL UNIQUE REFERENCES accounts (id),
  name_fa       text NOT NULL,
  name_en       text NOT NULL,
  settings      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE brand_hosts (
  host          text PRIMARY KEY CHECK (host = lower(host)),
  brand_id      text NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'active', 'failed')),
  verify_token  text NOT NULL,
  checked_at    timestamptz,
  activated_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX brand_hosts_brand ON brand_hosts (brand_id);

CREATE TABLE sessions (
  token_hash     text PRIMARY KEY,
  account_id     text NOT NULL REFERENCES accounts (id),
  csrf_token     text NOT NULL,
  host           text NOT NULL,
  ip             text,
  user_agent     text,
  impersonator_id text REFERENCES accounts (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (id),
  name          text NOT NULL,
  key_hash      text NOT NULL UNIQUE,
  key_prefix    text NOT NULL,
  allowed_ips   text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE verification_codes (
  id            text PRIMARY KEY,
  purpose       text NOT NULL CHECK (purpose IN ('signup', 'password_reset', 'mobile_change')),
  mobile        text NOT NULL,
  code_hash     text NOT NULL,
  account_id    text REFERENCES accounts (id),
  brand_id      text REFERENCES brands (id),
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  attempts      integer NOT NULL DEFAULT 0,
  expires_at    timestamptz NOT NULL,
  consumed_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_codes_mobile ON verification_codes (mobile, purpose, created_at);

-- Append-only: who did what to whom, from where.
CREATE TABLE audit_events (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor_id      text REFERENCES accounts (id),
  subject_id    text REFERENCES accounts (id),
  -- the subject's path at the time, so ancestors can search their subtree's events
  subject_path  text,
  action        text NOT NULL,
  ip            text,
  details       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_subject_path ON audit_events (subject_path text_pattern_ops, at DESC);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Everything the notifications service sends, by any channel; also the outbox the platform admin
-- reads when no SMTP server is configured, and the simulator's handset for SMS in demo mode.
CREATE TABLE notifications (
  id            text PRIMARY KEY,
  channel       text NOT NULL CHECK (channel IN ('sms', 'email', 'panel')),
  account_id    text REFERENCES accounts (id),
  brand_id      text REFERENCES brands (id),
  recipient     text NOT NULL,
  subject       text,
  body          text NOT NULL,
  kind          text NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'read')),
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  sent_at       timestamptz
);
CREATE INDEX notifications_recipient ON notifications (channel, recipient, created_at DESC);
CREATE INDEX notifications_account ON notifications (account_id, created_at DESC);

-- Idempotency-Key on POST: the same key and body return the first answer.
CREATE TABLE idempotency_keys (
  account_id    text NOT NULL REFERENCES accounts (id),
  key           text NOT NULL,
  method        text NOT NULL,
  path          text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);
