-- The message engine: sender lines and who may use them, upstream connectors and routes,
-- batches and their messages (the outbox), parts (for delivery reports), the inbox, webhooks.

CREATE TABLE lines (
  id              text PRIMARY KEY,
  number          text NOT NULL UNIQUE,
  line_type       text NOT NULL CHECK (line_type IN ('public', '1000', '2000', '3000', '5000', '9000', 'fixed')),
  operators       text[] NOT NULL DEFAULT '{mci,irancell,rightel,other}',
  can_send        boolean NOT NULL DEFAULT true,
  can_receive     boolean NOT NULL DEFAULT false,
  -- UCS-2 parts of 66 characters on lines whose SMSC uses 16-bit concatenation references
  ref16           boolean NOT NULL DEFAULT false,
  -- final statuses whose charge is refunded
  refund_statuses text[] NOT NULL DEFAULT '{failed,rejected,expired}',
  renewal_price   int8 NOT NULL DEFAULT 0 CHECK (renewal_price >= 0),
  is_shared       boolean NOT NULL DEFAULT false,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Lines flow down the tree: the platform assigns to an agency, the agency to its users.
CREATE TABLE line_assignments (
  line_id      text NOT NULL REFERENCES lines (id),
  account_id   text NOT NULL REFERENCES accounts (id),
  can_send     boolean NOT NULL DEFAULT true,
  can_receive  boolean NOT NULL DEFAULT true,
  is_default   boolean NOT NULL DEFAULT false,
  assigned_by  text REFERENCES accounts (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (line_id, account_id)
);
CREATE INDEX line_assignments_account ON line_assignments (account_id);
CREATE UNIQUE INDEX line_assignments_one_default ON line_assignments (account_id) WHERE is_default;

CREATE TABLE connectors (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  kind        text NOT NULL CHECK (kind IN ('smpp', 'http', 'simulator')),
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Ordered routes: the first enabled match wins, the next ones are the failover.
CREATE TABLE routes (
  id            text PRIMARY KEY,
  priority      integer NOT NULL,
  operator      text CHECK (operator IN ('mci', 'irancell', 'rightel', 'other')),
  line_type     text,
  message_class text CHECK (message_class IN ('service', 'advertising', 'otp')),
  connector_id  text NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routes_priority ON routes (priority);

CREATE TABLE batches (
  id               text PRIMARY KEY,
  account_id       text NOT NULL REFERENCES accounts (id),
  account_path     text NOT NULL,
  line_id          text NOT NULL REFERENCES lines (id),
  message_class    text NOT NULL CHECK (message_class IN ('service', 'advertising', 'otp')),
  body             text NOT NULL,
  alphabet         text NOT NULL CHECK (alphabet IN ('gsm7', 'ucs2')),
  parts            integer NOT NULL,
  status           text NOT NULL CHECK (status IN ('scheduled', 'queued', 'sending', 'done', 'cancelled', 'held')),
  send_at          timestamptz,
  total            integer NOT NULL,
  rejected         integer NOT NULL DEFAULT 0,
  cost             int8 NOT NULL DEFAULT 0,
  reservation_id   text,
  idempotency_key  text,
  source           text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'panel', 'smpp', 'system')),
  priority         smallint NOT NULL DEFAULT 5,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);
CREATE INDEX batches_scope ON batches (account_path text_pattern_ops, created_at DESC);
CREATE UNIQUE INDEX batches_idempotency ON batches (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX batches_scheduled ON batches (send_at) WHERE status = 'scheduled';

-- The outbox. One row per recipient; dispatchers claim rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE messages (
  id              bigserial PRIMARY KEY,
  batch_id        text NOT NULL REFERENCES batches (id),
  account_id      text NOT NULL REFERENCES accounts (id),
  recipient       text NOT NULL,
  operator        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('queued', 'scheduled', 'held', 'sending', 'sent', 'delivered', 'undelivered',
                                                   'failed', 'rejected', 'blacklisted', 'cancelled', 'expired')),
  priority        smallint NOT NULL DEFAULT 5,
  parts           smallint NOT NULL,
  parts_sent      smallint NOT NULL DEFAULT 0,
  parts_done      smallint NOT NULL DEFAULT 0,
  cost            int8 NOT NULL DEFAULT 0,
  connector_id    text,
  attempts        smallint NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_at      timestamptz,
  expires_at      timestamptz NOT NULL,
  error_code      text,
  settled         boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_batch ON messages (batch_id, status);
CREATE INDEX messages_ready ON messages (priority, next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX messages_in_flight ON messages (claimed_at) WHERE status = 'sending';
CREATE INDEX messages_awaiting_receipt ON messages (expires_at) WHERE status = 'sent';

-- One row per submitted part: the upstream's message id leads a receipt back to its message.
CREATE TABLE message_parts (
  connector_id  text NOT NULL,
  upstream_id   text NOT NULL,
  message_id    bigint NOT NULL REFERENCES messages (id),
  seq           smallint NOT NULL,
  status        text NOT NULL DEFAULT 'sent',
  error_code    text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, upstream_id)
);
CREATE INDEX message_parts_message ON message_parts (message_id);

CREATE TABLE inbox (
  id           text PRIMARY KEY,
  line_id      text REFERENCES lines (id),
  account_id   text REFERENCES accounts (id),
  account_path text,
  sender       text NOT NULL,
  recipient    text NOT NULL,
  body         text NOT NULL,
  parts        smallint NOT NULL DEFAULT 1,
  cost         int8 NOT NULL DEFAULT 0,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_scope ON inbox (account_path text_pattern_ops, received_at DESC);

-- Parts of long inbound messages waiting for their siblings.
CREATE TABLE inbound_fragments (
  sender      text NOT NULL,
  recipient   text NOT NULL,
  ref         integer NOT NULL,
  total       smallint NOT NULL,
  seq         smallint NOT NULL,
  body        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sender, recipient, ref, seq)
);

CREATE TABLE forwarding_rules (
  id          text PRIMARY KEY,
  line_id     text NOT NULL REFERENCES lines (id),
  account_id  text NOT NULL REFERENCES accounts (id),
  kind        text NOT NULL CHECK (kind IN ('url', 'email', 'sms')),
  target      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_endpoints (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  url         text NOT NULL,
  secret      text NOT NULL,
  events      text[] NOT NULL DEFAULT '{delivery,inbound}',
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id);

CREATE TABLE webhook_attempts (
  id            bigserial PRIMARY KEY,
  endpoint_id   text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id      text NOT NULL,
  event         text NOT NULL,
  attempt       integer NOT NULL,
  status_code   integer,
  error         text,
  duration_ms   integer,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, at DESC);
