-- Support tickets (opener → its parent agency → forwarded up the tree), their messages,
-- attachments, forwarding chain and read markers; canned replies; notification templates per
-- brand and language, quiet rules per agency, and the in-panel notification centre.

CREATE TABLE tickets (
  id              text PRIMARY KEY,
  opener_id       text NOT NULL REFERENCES accounts (id),
  -- the opener's path when opened: readers are checked against it as well as against path_ids
  opener_path     text NOT NULL,
  -- the agency answering now: the opener's parent, then each agency it was forwarded to
  assignee_id     text NOT NULL REFERENCES accounts (id),
  -- every agency the ticket has reached, in order; these and the opener are its only readers
  path_ids        text[] NOT NULL,
  category        text NOT NULL,
  priority        text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  subject         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('waiting_for_support', 'waiting_for_user', 'answered', 'closed', 'forwarded')),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  last_message_at timestamptz NOT NULL,
  closed_at       timestamptz
);
CREATE INDEX tickets_opener ON tickets (opener_id, last_message_at DESC);
CREATE INDEX tickets_path_ids ON tickets USING gin (path_ids);

CREATE TABLE ticket_messages (
  -- seq orders messages and read markers even when two share a timestamp
  seq         bigserial UNIQUE,
  id          text PRIMARY KEY,
  ticket_id   text NOT NULL REFERENCES tickets (id),
  author_id   text NOT NULL REFERENCES accounts (id),
  side        text NOT NULL CHECK (side IN ('user', 'support')),
  body        text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, seq);

CREATE TABLE ticket_attachments (
  id            text PRIMARY KEY,
  ticket_id     text NOT NULL REFERENCES tickets (id),
  message_id    text NOT NULL REFERENCES ticket_messages (id),
  position      integer NOT NULL,
  filename      text NOT NULL,
  -- sniffed from the bytes, never taken from the upload
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'application/pdf', 'text/plain; charset=utf-8')),
  size          integer NOT NULL CHECK (size > 0 AND size <= 5242880),
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX ticket_attachments_message ON ticket_attachments (message_id);

-- The path the ticket took: one row per forward.
CREATE TABLE ticket_forwards (
  ticket_id   text NOT NULL REFERENCES tickets (id),
  seq         integer NOT NULL,
  from_id     text NOT NULL REFERENCES accounts (id),
  to_id       text NOT NULL REFERENCES accounts (id),
  by_id       text NOT NULL REFERENCES accounts (id),
  note        text,
  at          timestamptz NOT NULL,
  PRIMARY KEY (ticket_id, seq)
);

-- Last message each participant has read.
CREATE TABLE ticket_reads (
  ticket_id      text NOT NULL REFERENCES tickets (id),
  account_id     text NOT NULL REFERENCES accounts (id),
  last_read_seq  bigint NOT NULL,
  read_at        timestamptz NOT NULL,
  PRIMARY KEY (ticket_id, account_id)
);

CREATE TABLE canned_replies (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  title       text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canned_replies_account ON canned_replies (account_id, title);

-- A brand's own wording of an alert; without a row the built-in default applies.
CREATE TABLE notification_templates (
  brand_id    text NOT NULL REFERENCES brands (id),
  kind        text NOT NULL,
  lang        text NOT NULL CHECK (lang IN ('fa', 'en')),
  subject     text NOT NULL,
  body        text NOT NULL,
  sms         text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (brand_id, kind, lang)
);

-- When an agency wants SMS alerts: every priority inside the window (Asia/Tehran wall clock),
-- only min_priority_outside and above outside it. E-mail and panel alerts are never held back.
CREATE TABLE notification_rules (
  account_id            text PRIMARY KEY REFERENCES accounts (id),
  sms_window_start      text NOT NULL CHECK (sms_window_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  sms_window_end        text NOT NULL CHECK (sms_window_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  min_priority_outside  text NOT NULL CHECK (min_priority_outside IN ('low', 'normal', 'high', 'urgent', 'none')),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- The panel's notification centre reads channel 'panel' rows of the notifications table.
ALTER TABLE notifications ADD COLUMN read_at timestamptz;
ALTER TABLE notifications ADD COLUMN data jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX notifications_panel_unread ON notifications (account_id) WHERE channel = 'panel' AND read_at IS NULL;

-- GET /api/v1/audit searches by actor and by action as well as by subject subtree.
CREATE INDEX audit_events_actor ON audit_events (actor_id, at DESC);
CREATE INDEX audit_events_action ON audit_events (action, at DESC);
