-- Files as pieces of 256 KiB (db/files-repo.ts): on the embedded database one statement over a 5 MB
-- value held the event loop for up to 0.7 s. The key is derived from the owner's row
-- ('ticket_attachments/att_…', 'brand_assets/brd_…/logo', …). The owners' old columns stay,
-- emptied and nullable, so nothing stored before is lost: it is moved here first.
CREATE TABLE file_pieces (
  file_id  text NOT NULL,
  seq      integer NOT NULL,
  data     bytea NOT NULL,
  PRIMARY KEY (file_id, seq)
);

INSERT INTO file_pieces (file_id, seq, data)
  SELECT 'ticket_attachments/' || id, k, substring(data FROM k * 262144 + 1 FOR 262144)
  FROM ticket_attachments CROSS JOIN LATERAL generate_series(0, (length(data) - 1) / 262144) AS k WHERE data IS NOT NULL;
ALTER TABLE ticket_attachments ALTER COLUMN data DROP NOT NULL;
UPDATE ticket_attachments SET data = NULL;

INSERT INTO file_pieces (file_id, seq, data)
  SELECT 'kyc_documents/' || id, k, substring(data FROM k * 262144 + 1 FOR 262144)
  FROM kyc_documents CROSS JOIN LATERAL generate_series(0, (length(data) - 1) / 262144) AS k WHERE data IS NOT NULL;
ALTER TABLE kyc_documents ALTER COLUMN data DROP NOT NULL;
UPDATE kyc_documents SET data = NULL;

INSERT INTO file_pieces (file_id, seq, data)
  SELECT 'deposits/' || id, k, substring(receipt FROM k * 262144 + 1 FOR 262144)
  FROM deposits CROSS JOIN LATERAL generate_series(0, (length(receipt) - 1) / 262144) AS k WHERE receipt IS NOT NULL;
ALTER TABLE deposits ALTER COLUMN receipt DROP NOT NULL;
UPDATE deposits SET receipt = NULL;

INSERT INTO file_pieces (file_id, seq, data)
  SELECT 'agency_application_documents/' || id, k, substring(data FROM k * 262144 + 1 FOR 262144)
  FROM agency_application_documents CROSS JOIN LATERAL generate_series(0, (length(data) - 1) / 262144) AS k WHERE data IS NOT NULL;
ALTER TABLE agency_application_documents ALTER COLUMN data DROP NOT NULL;
UPDATE agency_application_documents SET data = NULL;

INSERT INTO file_pieces (file_id, seq, data)
  SELECT 'brand_assets/' || brand_id || '/' || kind, k, substring(data FROM k * 262144 + 1 FOR 262144)
  FROM brand_assets CROSS JOIN LATERAL generate_series(0, (length(data) - 1) / 262144) AS k WHERE data IS NOT NULL;
ALTER TABLE brand_assets ALTER COLUMN data DROP NOT NULL;
UPDATE brand_assets SET data = NULL;
