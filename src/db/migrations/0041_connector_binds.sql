-- A connector's binds (sessions with the SMSC, which operators limit per account) are shared by
-- all processes: each slot is leased by one process at a time, renewed every few seconds; a lease
-- that runs out (its process died or stalled) may be taken by another. HTTP connectors hold no
-- session and take no lease.
ALTER TABLE connectors ADD COLUMN binds integer NOT NULL DEFAULT 1 CHECK (binds BETWEEN 1 AND 64);

CREATE TABLE connector_binds (
  connector_id  text NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  slot          integer NOT NULL,
  holder        text NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (connector_id, slot)
);
CREATE INDEX connector_binds_holder ON connector_binds (holder);
