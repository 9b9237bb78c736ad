-- Every process follows changes to connectors and routes: a statement that changes either bumps
-- routing_version and notifies 'chapar_routing' in its own transaction (delivered at commit);
-- each process LISTENs and also compares the version every second, in case a notification is lost.
CREATE TABLE routing_version (
  id       boolean PRIMARY KEY DEFAULT true CHECK (id),
  version  bigint NOT NULL
);
INSERT INTO routing_version (id, version) VALUES (true, 1);

CREATE FUNCTION routing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
  UPDATE routing_version SET version = version + 1 RETURNING version INTO v;
  PERFORM pg_notify('chapar_routing', v::text);
  RETURN NULL;
END $$;

CREATE TRIGGER connectors_routing_changed AFTER INSERT OR UPDATE OR DELETE ON connectors
  FOR EACH STATEMENT EXECUTE FUNCTION routing_changed();
CREATE TRIGGER routes_routing_changed AFTER INSERT OR UPDATE OR DELETE ON routes
  FOR EACH STATEMENT EXECUTE FUNCTION routing_changed();
