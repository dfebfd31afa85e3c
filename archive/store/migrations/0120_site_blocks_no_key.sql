-- site_blocks without its primary key: a row is written only for a (source, text) new to
-- site_texts (SiteBlocks.learn), which keeps the rows unique; the key's ART index over three
-- strings, about eleven rows per article, was most of the cost of learning on a large archive
-- and was written again whole at every checkpoint.
CREATE TABLE site_blocks_keyless (
    source     VARCHAR NOT NULL,
    block_hash VARCHAR NOT NULL,
    text_hash  VARCHAR NOT NULL,
    sample     VARCHAR,
    article_id BIGINT
);
INSERT INTO site_blocks_keyless SELECT source, block_hash, text_hash, sample, article_id FROM site_blocks;
DROP INDEX site_blocks_article;
DROP TABLE site_blocks;
ALTER TABLE site_blocks_keyless RENAME TO site_blocks;
CREATE INDEX site_blocks_article ON site_blocks (article_id);
