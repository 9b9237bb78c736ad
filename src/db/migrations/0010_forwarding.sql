-- A URL forwarding rule posts through its own webhook endpoint (signed, retried, logged); that
-- endpoint subscribes to no event of its own.
ALTER TABLE forwarding_rules ADD COLUMN endpoint_id text REFERENCES webhook_endpoints (id) ON DELETE CASCADE;
CREATE INDEX forwarding_rules_line ON forwarding_rules (line_id, account_id);
