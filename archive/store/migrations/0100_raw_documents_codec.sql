-- Raw bodies are stored compressed from now on: codec 'zstd' marks a body that is one zstd
-- frame of the bytes as read. Rows written before keep the bytes as read (codec NULL) and
-- are read as they are, so this migration only adds a column: no row is rewritten, however
-- big the archive.
ALTER TABLE raw_documents ADD COLUMN codec VARCHAR;
