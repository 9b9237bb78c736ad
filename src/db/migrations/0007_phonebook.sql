-- Phonebook (groups, typed custom fields, contacts with tags and blacklist flags), file uploads
-- and imports with their per-row error report, and pattern (OTP) templates.
-- A phonebook belongs to one account: only its owner reads or edits it.

CREATE TABLE phonebook_groups (
  id           text PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts (id),
  name         text NOT NULL,
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

-- Custom fields are defined per account; a contact's values live in contacts.fields (jsonb),
-- validated against these types on every write: text (string), number (JSON number),
-- date ('YYYY-MM-DD', Gregorian; Jalali input is converted).
CREATE TABLE phonebook_fields (
  account_id   text NOT NULL REFERENCES accounts (id),
  key          text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,31}$'),
  label        text NOT NULL,
  type         text NOT NULL CHECK (type IN ('text', 'number', 'date')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);

-- One row per (group, mobile): the same number in a group is one contact (imports merge).
-- mobile is E.164 digits as int8 (989121234567), like the compliance lists. The id is a plain
-- int8: a million-row import should not spend its time minting text ids.
CREATE TABLE phonebook_contacts (
  id            int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (id),
  group_id      text NOT NULL REFERENCES phonebook_groups (id) ON DELETE CASCADE,
  mobile        int8 NOT NULL,
  name          text NOT NULL DEFAULT '',
  fields        jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags          text[] NOT NULL DEFAULT '{}',
  -- block_send: never send to this number; block_receive: drop inbound messages from it.
  block_send    boolean NOT NULL DEFAULT false,
  block_receive boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (group_id, mobile)
);
CREATE INDEX phonebook_contacts_account_mobile ON phonebook_contacts (account_id, mobile);
CREATE INDEX phonebook_contacts_blocked ON phonebook_contacts (account_id, mobile) WHERE block_send OR block_receive;

-- An uploaded file, kept in the database in 1 MiB chunks so that any API process can preview or
-- import it (scale-out: the upload and the import may land on different machines).
CREATE TABLE phonebook_uploads (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  filename    text NOT NULL,
  format      text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  size        int8 NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE phonebook_upload_chunks (
  upload_id   text NOT NULL REFERENCES phonebook_uploads (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  data        bytea NOT NULL,
  PRIMARY KEY (upload_id, seq)
);

CREATE TABLE phonebook_imports (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  group_id    text NOT NULL REFERENCES phonebook_groups (id) ON DELETE CASCADE,
  upload_id   text REFERENCES phonebook_uploads (id) ON DELETE SET NULL,
  filename    text NOT NULL,
  mapping     jsonb NOT NULL,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  rows_read   int8 NOT NULL DEFAULT 0,
  imported    int8 NOT NULL DEFAULT 0,
  merged      int8 NOT NULL DEFAULT 0,
  failed      int8 NOT NULL DEFAULT 0,
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX phonebook_imports_account ON phonebook_imports (account_id, created_at DESC);

CREATE TABLE phonebook_import_errors (
  import_id   text NOT NULL REFERENCES phonebook_imports (id) ON DELETE CASCADE,
  row_no      int8 NOT NULL,
  value       text NOT NULL,
  code        text NOT NULL,
  PRIMARY KEY (import_id, row_no, code)
);

-- Pattern (الگو) templates: a body with %name% variables, approved by the platform.
CREATE TABLE pattern_templates (
  id             text PRIMARY KEY,
  account_id     text NOT NULL REFERENCES accounts (id),
  name           text NOT NULL,
  body           text NOT NULL,
  variables      jsonb NOT NULL,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  review_comment text,
  reviewed_by    text REFERENCES accounts (id),
  reviewed_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pattern_templates_account ON pattern_templates (account_id, created_at DESC);
CREATE INDEX pattern_templates_pending ON pattern_templates (created_at) WHERE status = 'pending';
