-- A digest of what extraction saw for each rejected document (extractor version, content type,
-- declared charset, hints and bytes), so a later run can skip an input that is unchanged instead of
-- extracting it again. NULL for inputs refused before extraction (empty, unreadable, bad JSON line):
-- those are found again at no cost.
ALTER TABLE rejections ADD COLUMN digest VARCHAR;
