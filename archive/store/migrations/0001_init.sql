-- The archive spine: articles, their raw input, duplicate groups, ingest runs.
CREATE SEQUENCE article_id_seq START 1;

CREATE TABLE articles (
    id            BIGINT PRIMARY KEY DEFAULT nextval('article_id_seq'),
    url           VARCHAR NOT NULL UNIQUE,   -- http(s) URL, or file:// URI of a local file
    source        VARCHAR NOT NULL,          -- host name, or the folder of a local file
    title         VARCHAR,
    author        VARCHAR,
    published     TIMESTAMPTZ,
    language      VARCHAR,
    site_name     VARCHAR,
    canonical_url VARCHAR,
    description   VARCHAR,
    text          VARCHAR NOT NULL,
    text_hash     VARCHAR NOT NULL,          -- sha1 of the normalised text
    cluster_id    BIGINT,                    -- id of the duplicate group's representative
    origin        VARCHAR NOT NULL,          -- txt | html | warc | jsonl | crawl
    ingested_at   TIMESTAMPTZ NOT NULL,
    meta          JSON                       -- further metadata and its provenance
);
CREATE INDEX articles_text_hash ON articles (text_hash);

-- Raw input as read or fetched, so extraction can be re-run without re-fetching.
CREATE TABLE raw_documents (
    article_id   BIGINT NOT NULL,
    url          VARCHAR NOT NULL,
    content_type VARCHAR NOT NULL,
    encoding     VARCHAR,
    body         BLOB NOT NULL,
    hints        JSON
);

-- One row per article that belongs to a group it does not represent.
CREATE TABLE duplicates (
    article_id   BIGINT NOT NULL,
    duplicate_of BIGINT NOT NULL,            -- the group's representative (articles.cluster_id)
    kind         VARCHAR NOT NULL,           -- exact | near | rewrite
    similarity   DOUBLE
);

CREATE VIEW unique_articles AS SELECT * FROM articles WHERE id = cluster_id;

CREATE SEQUENCE run_id_seq START 1;
CREATE TABLE runs (
    id          BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),
    command     VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    read        BIGINT,
    archived    BIGINT,
    duplicates  BIGINT,
    rejected    BIGINT
);
CREATE TABLE rejections (
    run_id BIGINT NOT NULL,
    input  VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);
