-- Receipts that matched no message, per connector, for the connector's page (every process adds
-- to one row; the count on /metrics is per process). Not a column of connectors: a change there
-- bumps routing_version and makes every process reload its connectors.
CREATE TABLE connector_unmatched_receipts (
  connector_id     text PRIMARY KEY,
  count            bigint NOT NULL DEFAULT 0,
  last_upstream_id text,
  last_at          timestamptz
);
