-- How much of an article the archived text holds: full, short (under 500 characters) or fragments
-- (mostly list items, table cells and short lines). Such pages are archived, not rejected.
ALTER TABLE articles ADD COLUMN text_quality VARCHAR;
