-- Set when re-extraction changed texts and their groups still have to be placed again: the
-- placement runs once at the end of a reextract, or when the next writer opens after a stop.
ALTER TABLE dedup_config ADD COLUMN regroup_pending BOOLEAN DEFAULT false;
