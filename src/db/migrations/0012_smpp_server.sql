-- The customer-facing SMPP server (modules/smpp-server): what was submitted over SMPP, the parts of
-- concatenated submits waiting for their siblings, and the deliver_sm (receipts, inbound) waiting
-- for a bound receiver. A pending row is removed only after the ESME's deliver_sm_resp.

-- An account's SMPP password: SMPP 3.4 gives bind_*'s password 9 octets (8 characters and the NUL),
-- too short for an API key, so each account has one dedicated 8-character password, shown once and
-- stored as argon2id (few characters: a fast hash would fall to a brute force of a stolen table).
-- No row: SMPP is off for the account. Rotating replaces the row (a new id); binds of the old one drop.
CREATE TABLE smpp_credentials (
  account_id     text PRIMARY KEY REFERENCES accounts (id),
  id             text NOT NULL UNIQUE,
  password_hash  text NOT NULL,
  allowed_ips    text[] NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz
);

-- One row per submit_sm answered with a message id; the batch is found by its idempotency key
-- (the row is written before accept commits, so a receipt can never overtake it).
CREATE TABLE smpp_submissions (
  message_id          text PRIMARY KEY,
  account_id          text NOT NULL REFERENCES accounts (id),
  idempotency_key     text NOT NULL,
  batch_id            text,
  seq                 integer NOT NULL DEFAULT 1,
  total               integer NOT NULL DEFAULT 1,
  source_addr         text NOT NULL,
  dest_addr           text NOT NULL,
  registered_delivery integer NOT NULL DEFAULT 0,
  text_head           text NOT NULL DEFAULT '',
  submitted_at        timestamptz NOT NULL,
  -- past the message's schedule and validity, with a margin: no receipt can need the row after it
  keep_until          timestamptz NOT NULL
);
CREATE INDEX smpp_submissions_key ON smpp_submissions (account_id, idempotency_key);
CREATE INDEX smpp_submissions_keep ON smpp_submissions (keep_until);

-- Parts of a concatenated submit_sm (UDH or sar_* TLVs) until the last one arrives.
CREATE TABLE smpp_fragments (
  account_id          text NOT NULL REFERENCES accounts (id),
  source_addr         text NOT NULL,
  dest_addr           text NOT NULL,
  ref                 integer NOT NULL,
  total               integer NOT NULL,
  seq                 integer NOT NULL,
  message_id          text NOT NULL UNIQUE,
  body                text NOT NULL,
  message_class       text NOT NULL,
  registered_delivery integer NOT NULL DEFAULT 0,
  -- schedule_delivery_time and validity_period of the part, read at its arrival (the first part's apply)
  send_at             timestamptz,
  valid_until         timestamptz,
  received_at         timestamptz NOT NULL,
  PRIMARY KEY (account_id, source_addr, dest_addr, ref, total, seq)
);
CREATE INDEX smpp_fragments_at ON smpp_fragments (received_at);

-- Accounts that have bound as a receiver or transceiver: only they get inbound messages queued.
CREATE TABLE smpp_esmes (
  account_id     text PRIMARY KEY REFERENCES accounts (id),
  receives       boolean NOT NULL DEFAULT false,
  last_bound_at  timestamptz NOT NULL
);

-- deliver_sm waiting for a bound receiver of the account: a claim (process + lease) while in flight.
CREATE TABLE smpp_deliveries (
  id             bigserial PRIMARY KEY,
  account_id     text NOT NULL REFERENCES accounts (id),
  kind           text NOT NULL CHECK (kind IN ('receipt', 'inbound')),
  payload        jsonb NOT NULL,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  attempts       integer NOT NULL DEFAULT 0,
  claimed_by     text,
  claimed_until  timestamptz
);
CREATE INDEX smpp_deliveries_account ON smpp_deliveries (account_id, id);
CREATE INDEX smpp_deliveries_expiry ON smpp_deliveries (expires_at);
