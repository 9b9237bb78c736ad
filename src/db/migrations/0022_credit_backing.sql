-- No minting (docs/money.md#credit-you-grant-is-backed): a credit limit an agency grants its child
-- sets the same amount of the agency's own money aside in the bucket `backing`, so what the
-- agency earns from its child's sends on credit was already its own. The platform's grants come
-- from the issuance wallet, which is where all credit enters the tree, and need no backing.
-- Prices an agency sets are bounded by a multiple of the platform's price (billing_settings).

ALTER TABLE wallets ADD COLUMN backing int8 NOT NULL DEFAULT 0 CHECK (backing >= 0);

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_bucket_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_bucket_check CHECK (bucket IN ('available', 'held', 'backing'));
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_type_check
  CHECK (type IN ('topup', 'transfer', 'send_reserve', 'settle', 'refund', 'agency_fee', 'renewal', 'adjustment', 'credit_backing'));

-- The ceiling on an agency's price for one part of a cell: multiple × max(the platform's price for
-- that cell in the agency's chain, reference). The reference keeps a new install, whose platform
-- prices are 0, usable.
ALTER TABLE billing_settings ADD COLUMN price_ceiling_multiple integer NOT NULL DEFAULT 100 CHECK (price_ceiling_multiple >= 1);
ALTER TABLE billing_settings ADD COLUMN price_ceiling_reference int8 NOT NULL DEFAULT 1000 CHECK (price_ceiling_reference >= 0);

-- Limits granted before this migration: backed from the agency's available balance where it can
-- pay for them; where it cannot, each child's limit is first lowered to what the child already
-- owes. What still cannot be backed is left for reconcile() to report (credit granted unbacked).
-- Parents before their children: lowering a sub-agency's own limit changes what it can back.
DO $$
DECLARE p record; bal int8; lim int8; need int8; tx text;
BEGIN
  FOR p IN
    SELECT pw.id AS wallet_id, pw.account_id
    FROM wallets pw JOIN accounts pa ON pa.id = pw.account_id
    WHERE pw.kind = 'account' AND EXISTS (
      SELECT 1 FROM accounts c JOIN wallets cw ON cw.account_id = c.id WHERE c.parent_id = pw.account_id AND cw.credit_limit > 0)
    ORDER BY pa.depth, pw.id
  LOOP
    SELECT balance, credit_limit INTO bal, lim FROM wallets WHERE id = p.wallet_id;
    SELECT coalesce(sum(cw.credit_limit), 0) INTO need FROM accounts c JOIN wallets cw ON cw.account_id = c.id WHERE c.parent_id = p.account_id;
    IF bal - need < -lim THEN
      UPDATE wallets cw SET credit_limit = greatest(-cw.balance, 0) FROM accounts c WHERE c.id = cw.account_id AND c.parent_id = p.account_id;
      SELECT coalesce(sum(cw.credit_limit), 0) INTO need FROM accounts c JOIN wallets cw ON cw.account_id = c.id WHERE c.parent_id = p.account_id;
    END IF;
    IF need > 0 AND bal - need >= -lim THEN
      tx := 'tx_backing_' || p.account_id;
      INSERT INTO ledger_transactions (id, type, idempotency_key, actor_id, note, params, reference)
        VALUES (tx, 'credit_backing', 'credit-backing:migration:' || p.account_id, NULL, '', '{"migrated": true}'::jsonb, NULL);
      INSERT INTO ledger_entries (transaction_id, wallet_id, bucket, amount, balance_after)
        VALUES (tx, p.wallet_id, 'available', -need, bal - need), (tx, p.wallet_id, 'backing', need, need);
      UPDATE wallets SET balance = balance - need, backing = need WHERE id = p.wallet_id;
    END IF;
  END LOOP;
END $$;

-- Backstop at commit: a wallet whose credit limit changed needs its parent's backing to cover the
-- limits of all the parent's children, and a wallet whose backing changed must still cover its
-- own children's. The code keeps them equal; this catches a path that forgets.
CREATE FUNCTION wallets_check_backing() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parent text; held int8; granted int8;
BEGIN
  FOR parent IN
    SELECT a.parent_id FROM accounts a WHERE a.id = NEW.account_id AND OLD.credit_limit IS DISTINCT FROM NEW.credit_limit
    UNION SELECT NEW.account_id WHERE OLD.backing IS DISTINCT FROM NEW.backing
  LOOP
    CONTINUE WHEN parent IS NULL;
    SELECT w.backing INTO held FROM wallets w WHERE w.account_id = parent AND w.kind = 'account';
    CONTINUE WHEN NOT FOUND;
    SELECT coalesce(sum(cw.credit_limit), 0) INTO granted FROM accounts c JOIN wallets cw ON cw.account_id = c.id WHERE c.parent_id = parent;
    IF held < granted THEN
      RAISE EXCEPTION 'credit granted by % (%) is not backed (backing %)', parent, granted, held USING ERRCODE = 'check_violation';
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER wallets_backing_covers_limits AFTER UPDATE ON wallets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.credit_limit IS DISTINCT FROM NEW.credit_limit OR OLD.backing IS DISTINCT FROM NEW.backing)
  EXECUTE FUNCTION wallets_check_backing();
