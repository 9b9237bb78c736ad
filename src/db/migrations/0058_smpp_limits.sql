-- Customers' SMPP limits, per account and shared by all its binds, set by the account's parent:
-- tps (submit_sm a second the server answers; faster ones are paced, not refused), window (submit_sm
-- the account may have unanswered at once across its binds; past it ESME_RTHROTTLED) and max_binds.
-- A null column is the platform's default (CHAPAR_SMPP_TPS, CHAPAR_SMPP_WINDOW,
-- CHAPAR_SMPP_MAX_BINDS). Whatever is stored, an account's effective limit is never above its
-- parent's effective limit (the platform's own are CHAPAR_SMPP_*_MAX): lowering a parent lowers its
-- whole subtree without rewriting it. No row: all three are the defaults.
CREATE TABLE smpp_limits (
  account_id  text PRIMARY KEY REFERENCES accounts (id),
  tps         integer CHECK (tps >= 1),
  "window"    integer CHECK ("window" >= 1),
  max_binds   integer CHECK (max_binds >= 1),
  updated_at  timestamptz NOT NULL,
  updated_by  text REFERENCES accounts (id)
);
