-- File pieces and upload chunks are stored as they come, without PostgreSQL's own compression
-- (pglz). Embedded PGlite runs every statement on the event loop, and compressing one 256 KiB
-- piece of a repetitive upload (a CSV with one huge field) held it for ~100 ms; most stored files
-- (images, PDFs, XLSX) are compressed already, and an upload is deleted within a day.
ALTER TABLE file_pieces ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE phonebook_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
