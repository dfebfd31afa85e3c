-- Per-site boilerplate learning: which text blocks occur in which articles of a source.
-- A block seen in several different articles of one source is navigation or a promo, not prose.
CREATE TABLE site_blocks (
    source     VARCHAR NOT NULL,   -- articles.source
    block_hash VARCHAR NOT NULL,   -- hash of the normalised block text
    text_hash  VARCHAR NOT NULL,   -- articles.text_hash of an article it was seen in (before removal)
    sample     VARCHAR,            -- the block text, for inspection
    PRIMARY KEY (source, block_hash, text_hash)
);
