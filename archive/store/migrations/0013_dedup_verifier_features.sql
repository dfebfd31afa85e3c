-- The verifier's features beside each signature, computed where the text was extracted, so
-- that placing a new article never reads or tokenises the texts of its candidates again.
-- Rows signed before this migration keep NULL (their texts are read, as before, until a rebuild).
ALTER TABLE dedup_signatures ADD COLUMN stems BLOB;           -- uint32 crc32 of each content stem, in order
ALTER TABLE dedup_signatures ADD COLUMN sentence_sizes BLOB;  -- uint32 stems per sentence (sentences with any)
