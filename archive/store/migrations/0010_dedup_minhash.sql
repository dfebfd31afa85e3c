-- MinHash dedup: stored signatures and LSH band keys, so every ingest checks new articles
-- against the whole archive; the parameters' fingerprint; verified edges between copies.
CREATE TABLE dedup_config (
    name        VARCHAR PRIMARY KEY,        -- always 'minhash'
    fingerprint VARCHAR NOT NULL,           -- DedupConfig.fingerprint the archive was built with
    params      JSON NOT NULL,
    built_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE dedup_signatures (
    article_id   BIGINT NOT NULL,
    n_shingles   INTEGER NOT NULL,          -- distinct content-stem shingles
    n_anchors    INTEGER NOT NULL,          -- distinct anchors (names, numbers)
    signature    BLOB NOT NULL,             -- num_perm little-endian uint32 MinHash values
    anchor_signature BLOB NOT NULL,         -- anchor_perm uint32 values
    shingles     BLOB NOT NULL              -- sorted distinct uint32 shingle hashes (high bits)
);

-- One row per (article, LSH band): articles sharing a key are candidates.
CREATE TABLE dedup_bands (
    band_key   BIGINT NOT NULL,
    article_id BIGINT NOT NULL
);

-- Verified pairs inside a group (the stronger evidence behind duplicates.kind).
CREATE TABLE dedup_edges (
    article_id BIGINT NOT NULL,
    other_id   BIGINT NOT NULL,
    kind       VARCHAR NOT NULL,            -- exact | near | rewrite
    similarity DOUBLE NOT NULL
);

-- Which lines each article has, by source: a line found in many articles of one source is
-- that outlet's boilerplate (header, footer, sign-up box) and is ignored when comparing.
CREATE TABLE dedup_lines (
    source     VARCHAR NOT NULL,
    line_hash  BIGINT NOT NULL,
    article_id BIGINT NOT NULL
);
