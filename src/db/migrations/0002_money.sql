-- Money: user groups and their price lists, wallets, the double-entry ledger, send reservations,
-- payment gateways, payments, bank accounts and deposit declarations. See docs/money.md.

CREATE TABLE billing_settings (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  vat_bp      integer NOT NULL DEFAULT 1000 CHECK (vat_bp BETWEEN 0 AND 10000),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO billing_settings (id) VALUES (true);

-- A user group (گروه کاربری) of an agency or the platform: its direct children belong to one, and
-- the group's price list is what they pay per part.
CREATE TABLE user_groups (
  id             text PRIMARY KEY,
  owner_id       text NOT NULL REFERENCES accounts (id),
  name           text NOT NULL,
  is_default     boolean NOT NULL DEFAULT false,
  -- rials per part of a Persian (UCS-2) message before coefficients
  base_price     int8 NOT NULL DEFAULT 0 CHECK (base_price >= 0),
  receive_price  int8 NOT NULL DEFAULT 0 CHECK (receive_price >= 0),
  -- basis points (10000 = 1.0): {"alphabet": {"gsm7": 25000}, "operator": {...}, "lineType": {...}, "class": {...}}
  coefficients   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_id, name)
);
CREATE UNIQUE INDEX user_groups_one_default ON user_groups (owner_id) WHERE is_default;

-- An explicit price per part for one cell, replacing base × coefficients.
CREATE TABLE price_overrides (
  group_id       text NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
  operator       text NOT NULL,
  line_type      text NOT NULL,
  message_class  text NOT NULL,
  alphabet       text NOT NULL CHECK (alphabet IN ('gsm7', 'ucs2')),
  price          int8 NOT NULL CHECK (price >= 0),
  PRIMARY KEY (group_id, operator, line_type, message_class, alphabet)
);

-- One wallet per account, plus its billing settings. `balance` is what the account can spend
-- (available), `reserved` what open send reservations hold; both are kept beside the ledger and
-- reconciled against it. The platform's wallet is the issuance wallet: every rial of credit comes
-- from it, so it alone may go below zero without limit.
CREATE TABLE wallets (
  id                    text PRIMARY KEY,
  account_id            text NOT NULL UNIQUE REFERENCES accounts (id),
  kind                  text NOT NULL CHECK (kind IN ('account', 'issuance')),
  balance               int8 NOT NULL DEFAULT 0,
  reserved              int8 NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  credit_limit          int8 NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
  group_id              text REFERENCES user_groups (id),
  low_credit_threshold  int8 CHECK (low_credit_threshold >= 0),
  low_credit_alerted    boolean NOT NULL DEFAULT false,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'issuance' OR balance >= -credit_limit)
);
CREATE UNIQUE INDEX wallets_one_issuance ON wallets ((kind)) WHERE kind = 'issuance';
CREATE INDEX wallets_group ON wallets (group_id);

CREATE TABLE ledger_transactions (
  id               text PRIMARY KEY,
  type             text NOT NULL CHECK (type IN ('topup', 'transfer', 'send_reserve', 'settle', 'refund', 'agency_fee', 'renewal', 'adjustment')),
  idempotency_key  text NOT NULL UNIQUE,
  actor_id         text REFERENCES accounts (id),
  note             text NOT NULL DEFAULT '',
  reference        text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_reference ON ledger_transactions (reference);

-- Double entry: every transaction's entries sum to zero. bucket 'available' moves a wallet's
-- balance, 'held' its reserved amount.
CREATE TABLE ledger_entries (
  id              bigserial PRIMARY KEY,
  transaction_id  text NOT NULL REFERENCES ledger_transactions (id),
  wallet_id       text NOT NULL REFERENCES wallets (id),
  bucket          text NOT NULL CHECK (bucket IN ('available', 'held')),
  amount          int8 NOT NULL CHECK (amount <> 0),
  -- the wallet's balance (or reserved amount, for 'held') after this entry
  balance_after   int8 NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_wallet ON ledger_entries (wallet_id, id);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

-- Checked at commit, once every entry of the transaction is in.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total numeric;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO total FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not sum to zero (%)', NEW.transaction_id, total;
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- A send's reserved money, one line per price cell and level (0 = the sender, 1 = its parent …).
CREATE TABLE reservations (
  id               text PRIMARY KEY,
  account_id       text NOT NULL REFERENCES accounts (id),
  idempotency_key  text NOT NULL UNIQUE,
  transaction_id   text NOT NULL REFERENCES ledger_transactions (id),
  total            int8 NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reservation_lines (
  reservation_id  text NOT NULL REFERENCES reservations (id),
  cell            integer NOT NULL,
  level           integer NOT NULL,
  payer_wallet    text NOT NULL REFERENCES wallets (id),
  payee_wallet    text NOT NULL REFERENCES wallets (id),
  operator        text NOT NULL,
  line_type       text NOT NULL,
  message_class   text NOT NULL,
  alphabet        text NOT NULL,
  parts           integer NOT NULL,
  unit_price      int8 NOT NULL CHECK (unit_price >= 0),
  count           integer NOT NULL CHECK (count > 0),
  settled         integer NOT NULL DEFAULT 0 CHECK (settled >= 0),
  released        integer NOT NULL DEFAULT 0 CHECK (released >= 0),
  PRIMARY KEY (reservation_id, cell, level),
  CHECK (settled + released <= count)
);

-- Notifications waiting to be sent once their transaction has committed.
CREATE TABLE low_credit_alerts (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL REFERENCES accounts (id),
  balance     int8 NOT NULL,
  threshold   int8 NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);
CREATE INDEX low_credit_alerts_unsent ON low_credit_alerts (id) WHERE sent_at IS NULL;

CREATE TABLE payment_gateways (
  id          text PRIMARY KEY,
  owner_id    text NOT NULL REFERENCES accounts (id),
  kind        text NOT NULL CHECK (kind IN ('sandbox', 'zarinpal')),
  name        text NOT NULL,
  -- merchant id, base URL: secrets, never returned in full
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_gateways_owner ON payment_gateways (owner_id);

CREATE TABLE payments (
  id              text PRIMARY KEY,
  payer_id        text NOT NULL REFERENCES accounts (id),
  payee_id        text NOT NULL REFERENCES accounts (id),
  payer_path      text NOT NULL,
  gateway_id      text NOT NULL REFERENCES payment_gateways (id),
  amount          int8 NOT NULL CHECK (amount > 0),
  vat             int8 NOT NULL CHECK (vat >= 0),
  total           int8 NOT NULL CHECK (total = amount + vat),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verifying', 'verified', 'failed')),
  authority       text UNIQUE,
  ref_id          text,
  card_pan        text,
  error_code      text,
  transaction_id  text REFERENCES ledger_transactions (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  verified_at     timestamptz
);
CREATE INDEX payments_payer ON payments (payer_id, created_at DESC);
CREATE INDEX payments_payee ON payments (payee_id, created_at DESC);

CREATE TABLE bank_accounts (
  id           text PRIMARY KEY,
  owner_id     text NOT NULL REFERENCES accounts (id),
  bank_name    text NOT NULL,
  holder_name  text NOT NULL,
  iban         text NOT NULL CHECK (iban ~ '^IR[0-9]{24}$'),
  card_number  text CHECK (card_number ~ '^[0-9]{16}$'),
  account_no   text,
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bank_accounts_owner ON bank_accounts (owner_id);

-- A bank deposit (فیش واریزی) the payer declares and its parent approves or rejects, once.
CREATE TABLE deposits (
  id                text PRIMARY KEY,
  payer_id          text NOT NULL REFERENCES accounts (id),
  payee_id          text NOT NULL REFERENCES accounts (id),
  payer_path        text NOT NULL,
  bank_account_id   text REFERENCES bank_accounts (id),
  amount            int8 NOT NULL CHECK (amount > 0),
  vat               int8 NOT NULL CHECK (vat >= 0),
  total             int8 NOT NULL CHECK (total = amount + vat),
  paid_on           date NOT NULL,
  tracking_number   text NOT NULL,
  receipt           bytea NOT NULL,
  receipt_type      text NOT NULL CHECK (receipt_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reason            text,
  decided_by        text REFERENCES accounts (id),
  decided_at        timestamptz,
  transaction_id    text REFERENCES ledger_transactions (id),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deposits_payer ON deposits (payer_id, created_at DESC);
CREATE INDEX deposits_payee ON deposits (payee_id, status, created_at DESC);

-- Backfill: a default group for the platform and every agency, a wallet for every account, each
-- child in its parent's default group.
INSERT INTO user_groups (id, owner_id, name, is_default)
  SELECT 'grp_' || substr(md5(id), 1, 16), id, 'default', true FROM accounts WHERE kind <> 'user';
INSERT INTO wallets (id, account_id, kind, group_id)
  SELECT 'wal_' || substr(a.id, 5), a.id, CASE WHEN a.kind = 'platform' THEN 'issuance' ELSE 'account' END, g.id
  FROM accounts a LEFT JOIN user_groups g ON g.owner_id = a.parent_id AND g.is_default;
