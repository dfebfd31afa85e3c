-- The articles each source's blocks were learned from, one row per (source, text_hash), owned
-- like their block rows by the article first learned with that text. A block's share is taken
-- over them: counting these rows, instead of count(DISTINCT text_hash) over every block row of
-- the source, keeps that count from reading all of site_blocks for every batch.
CREATE TABLE site_texts (
    source     VARCHAR NOT NULL,
    text_hash  VARCHAR NOT NULL,
    article_id BIGINT,
    PRIMARY KEY (source, text_hash)
);
INSERT INTO site_texts SELECT source, text_hash, min(article_id) FROM site_blocks GROUP BY source, text_hash;
