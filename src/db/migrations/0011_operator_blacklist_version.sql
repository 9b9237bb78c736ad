-- The operator blacklist's version. Every statement that changes the list bumps it in the same
-- transaction, so a process that keeps the list in memory (compliance/recipient-check.ts) knows,
-- with one cheap read per send, whether its copy is current: on PGlite and, across processes,
-- on PostgreSQL. A row, not a sequence: a sequence moves before the change commits.
CREATE TABLE operator_blacklist_version (
  id       boolean PRIMARY KEY DEFAULT true CHECK (id),
  version  int8 NOT NULL
);
INSERT INTO operator_blacklist_version (version) VALUES (1);

CREATE FUNCTION operator_blacklist_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE operator_blacklist_version SET version = version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER operator_blacklist_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON operator_blacklist
  FOR EACH STATEMENT EXECUTE FUNCTION operator_blacklist_bump();
