-- Compliance and KYC: policies per account (platform rows, agencies tighten for their subtree),
-- forbidden words, the operator blacklist, each account's blacklist, opt-outs (لغو۱۱), the
-- moderation queue, KYC profiles and their documents. Mobile numbers are stored as int8 E.164
-- digits (989121234567): 8 bytes a number, and a bulk check is one join against unnest.

CREATE TABLE compliance_policies (
  account_id            text PRIMARY KEY REFERENCES accounts (id),
  -- NULL everywhere below = inherit from the account's ancestors (the platform row from defaults)
  opt_out_footer        text CHECK (opt_out_footer IN ('append', 'reject')),
  outside_hours         text CHECK (outside_hours IN ('hold', 'reject')),
  -- [{operator, lineType, start: 'HH:MM', end: 'HH:MM'}], '*' for any, Asia/Tehran
  sending_windows       jsonb,
  word_action           text CHECK (word_action IN ('moderate', 'reject')),
  link_action           text CHECK (link_action IN ('allow', 'moderate', 'reject')),
  card_action           text CHECK (card_action IN ('allow', 'moderate', 'reject')),
  moderation_threshold  integer CHECK (moderation_threshold >= 0),
  moderate_without_kyc  boolean,
  kyc_own_mobile_only   boolean,
  updated_by            text REFERENCES accounts (id),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Forbidden words of the platform and of agencies, stored normalised (ی/ک, no ZWNJ, lower case).
CREATE TABLE compliance_words (
  account_id  text NOT NULL REFERENCES accounts (id),
  word        text NOT NULL CHECK (length(word) BETWEEN 2 AND 100),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, word)
);

-- The operators' list (advertising traffic never reaches it). Millions of rows; nothing but the key.
CREATE TABLE operator_blacklist (
  number      int8 PRIMARY KEY,
  generation  integer NOT NULL DEFAULT 0
);

CREATE TABLE account_blacklist (
  account_id  text NOT NULL REFERENCES accounts (id),
  number      int8 NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, number)
);
CREATE INDEX account_blacklist_number ON account_blacklist (number);

-- A number that answered «11» to a line: out of the line owner's advertising (and of any
-- advertising on that line) until it answers «12».
CREATE TABLE opt_outs (
  account_id  text NOT NULL REFERENCES accounts (id),
  number      int8 NOT NULL,
  line_id     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, number)
);
CREATE INDEX opt_outs_number ON opt_outs (number);

CREATE TABLE moderation_items (
  id            text PRIMARY KEY,
  -- no foreign key: the engine may queue the item before or after it inserts the batch
  batch_id      text NOT NULL UNIQUE,
  account_id    text NOT NULL REFERENCES accounts (id),
  account_path  text NOT NULL,
  reasons       text[] NOT NULL,
  message_class text NOT NULL,
  body          text NOT NULL DEFAULT '',
  recipients    integer NOT NULL DEFAULT 0,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by    text REFERENCES accounts (id),
  decided_at    timestamptz,
  comment       text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_items_scope ON moderation_items (account_path text_pattern_ops, created_at DESC);
CREATE INDEX moderation_items_pending ON moderation_items (created_at) WHERE status = 'pending';

CREATE TABLE kyc_profiles (
  account_id         text PRIMARY KEY REFERENCES accounts (id),
  account_path       text NOT NULL,
  person_type        text NOT NULL CHECK (person_type IN ('natural', 'legal')),
  status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
  full_name          text,
  national_code      text CHECK (national_code ~ '^[0-9]{10}$'),
  birth_date         date,
  company_name       text,
  national_id        text CHECK (national_id ~ '^[0-9]{11}$'),
  ceo_name           text,
  ceo_national_code  text CHECK (ceo_national_code ~ '^[0-9]{10}$'),
  submitted_at       timestamptz,
  reviewed_by        text REFERENCES accounts (id),
  reviewed_at        timestamptz,
  rejection_reason   text,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kyc_profiles_scope ON kyc_profiles (account_path text_pattern_ops) WHERE status = 'submitted';

CREATE TABLE kyc_documents (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (id),
  kind          text NOT NULL,
  filename      text NOT NULL,
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size          integer NOT NULL CHECK (size > 0 AND size <= 5242880),
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kyc_documents_account ON kyc_documents (account_id, created_at);
