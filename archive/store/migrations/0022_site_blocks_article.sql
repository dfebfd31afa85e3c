-- Which article each learned block row came from, so re-extraction replaces an article's rows
-- instead of adding to them (rows learned before this migration keep article_id NULL).
ALTER TABLE site_blocks ADD COLUMN article_id BIGINT;
CREATE INDEX site_blocks_article ON site_blocks (article_id);
