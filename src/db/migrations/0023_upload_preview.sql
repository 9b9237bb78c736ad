-- The preview of an upload (its delimiter and first rows), kept when the file is read at upload:
-- showing it again does not read the file again.
ALTER TABLE phonebook_uploads ADD COLUMN preview jsonb;
