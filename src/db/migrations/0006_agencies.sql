-- The agency programme: applications (draft → … → countersigned), agency terms (validity, renewal
-- fee, grace), renewal reminders, per-parent agency settings (contract template, fees), brand
-- assets (logo, favicon), domain checks, access packages. See docs/agencies.md.

-- A panel's validity (an agency's term, a user's package) and the access package it was given.
ALTER TABLE accounts ADD COLUMN valid_until timestamptz;
ALTER TABLE accounts ADD COLUMN package_id text;

-- What a parent (the platform, or an agency for its sub-agencies and users) sets once.
CREATE TABLE agency_settings (
  account_id         text PRIMARY KEY REFERENCES accounts (id),
  renewal_fee        int8 CHECK (renewal_fee >= 0),
  grace_days         integer NOT NULL DEFAULT 15 CHECK (grace_days BETWEEN 0 AND 365),
  user_renewal_fee   int8 NOT NULL DEFAULT 0 CHECK (user_renewal_fee >= 0),
  contract_template  text,
  legal_name         text NOT NULL DEFAULT '',
  national_number    text NOT NULL DEFAULT '',
  address            text NOT NULL DEFAULT '',
  phone              text NOT NULL DEFAULT '',
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agency_applications (
  id                  text PRIMARY KEY,
  applicant_id        text NOT NULL REFERENCES accounts (id),
  applicant_path      text NOT NULL,
  parent_id           text NOT NULL REFERENCES accounts (id),
  status              text NOT NULL CHECK (status IN ('draft', 'submitted', 'quoted', 'payment_declared', 'activated',
                        'contract_sent', 'contract_received', 'countersigned', 'rejected', 'cancelled')),
  business_name       text NOT NULL DEFAULT '',
  legal_type          text NOT NULL CHECK (legal_type IN ('natural', 'legal')),
  national_number     text NOT NULL DEFAULT '',
  address             text NOT NULL DEFAULT '',
  phone               text NOT NULL DEFAULT '',
  email               text,
  plan                text NOT NULL DEFAULT '',
  fee                 int8 CHECK (fee >= 0),
  renewal_fee         int8 CHECK (renewal_fee >= 0),
  quote_note          text,
  payment_method      text CHECK (payment_method IN ('online', 'deposit')),
  payment_reference   text,
  fee_transaction_id  text,
  activated_at        timestamptz,
  valid_until         timestamptz,
  contract_number     text,
  contract_pdf        bytea,
  contract_sent_at    timestamptz,
  signed_posted_on    date,
  signed_tracking     text,
  received_on         date,
  countersigned_on    date,
  countersigned_tracking text,
  reason              text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX agency_applications_parent ON agency_applications (parent_id, status, updated_at DESC);
CREATE INDEX agency_applications_applicant ON agency_applications (applicant_id, created_at DESC);
-- One application in progress per applicant.
CREATE UNIQUE INDEX agency_applications_one_open ON agency_applications (applicant_id)
  WHERE status IN ('draft', 'submitted', 'quoted', 'payment_declared');

CREATE TABLE agency_application_documents (
  id              text PRIMARY KEY,
  application_id  text NOT NULL REFERENCES agency_applications (id),
  kind            text NOT NULL,
  filename        text NOT NULL,
  content_type    text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size            integer NOT NULL CHECK (size > 0 AND size <= 5242880),
  sha256          text NOT NULL,
  data            bytea NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX agency_application_documents_app ON agency_application_documents (application_id);

-- Every transition, with who, when and why (also in audit_events).
CREATE TABLE agency_application_events (
  id              bigserial PRIMARY KEY,
  application_id  text NOT NULL REFERENCES agency_applications (id),
  from_status     text,
  to_status       text NOT NULL,
  actor_id        text REFERENCES accounts (id),
  reason          text,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb,
  at              timestamptz NOT NULL
);
CREATE INDEX agency_application_events_app ON agency_application_events (application_id, id);

-- An agency's term: active → expiring (30 days before) → expired → renewed.
CREATE TABLE agency_terms (
  account_id      text PRIMARY KEY REFERENCES accounts (id),
  parent_id       text NOT NULL REFERENCES accounts (id),
  application_id  text REFERENCES agency_applications (id),
  valid_until     timestamptz NOT NULL,
  renewal_fee     int8 NOT NULL DEFAULT 0 CHECK (renewal_fee >= 0),
  grace_days      integer NOT NULL DEFAULT 15 CHECK (grace_days >= 0),
  state           text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'expiring', 'expired', 'renewed')),
  updated_at      timestamptz NOT NULL
);
CREATE INDEX agency_terms_parent ON agency_terms (parent_id);

-- Idempotency of the daily job: one reminder per term end and lead time.
CREATE TABLE renewal_reminders (
  account_id   text NOT NULL REFERENCES accounts (id),
  valid_until  timestamptz NOT NULL,
  days_before  integer NOT NULL,
  sent_at      timestamptz NOT NULL,
  PRIMARY KEY (account_id, valid_until, days_before)
);

-- A brand's logo and favicon, checked by their bytes.
CREATE TABLE brand_assets (
  brand_id      text NOT NULL REFERENCES brands (id),
  kind          text NOT NULL CHECK (kind IN ('logo', 'favicon')),
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/x-icon', 'image/webp')),
  size          integer NOT NULL,
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (brand_id, kind)
);

-- Domain checks: the last problem seen and how many checks in a row failed.
ALTER TABLE brand_hosts ADD COLUMN last_error text;
ALTER TABLE brand_hosts ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE brand_hosts ADD COLUMN verified_at timestamptz;

-- Access packages (بسته): what the accounts given one may do, and what they start with.
CREATE TABLE packages (
  id               text PRIMARY KEY,
  owner_id         text NOT NULL REFERENCES accounts (id),
  name             text NOT NULL,
  permissions      text[] NOT NULL DEFAULT '{}',
  group_id         text REFERENCES user_groups (id),
  default_credit   int8 NOT NULL DEFAULT 0 CHECK (default_credit >= 0),
  max_subaccounts  integer CHECK (max_subaccounts >= 0),
  validity_days    integer CHECK (validity_days > 0),
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  UNIQUE (owner_id, name)
);
ALTER TABLE accounts ADD CONSTRAINT accounts_package FOREIGN KEY (package_id) REFERENCES packages (id);
