-- Polls of the followed sources (sources.toml): one row per feed or sitemap polled, written in
-- the same transaction as the last article that poll found, so a validator (ETag, Last-Modified)
-- is never stored before the articles behind it. `newsarchive sources status` reads health from it.
CREATE SEQUENCE source_poll_id_seq START 1;
CREATE TABLE source_polls (
    id                 BIGINT PRIMARY KEY DEFAULT nextval('source_poll_id_seq'),
    source             VARCHAR NOT NULL,     -- the sources.toml entry
    url                VARCHAR NOT NULL,     -- the feed or sitemap polled
    run_id             BIGINT,
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ NOT NULL,
    status             VARCHAR NOT NULL,     -- ok | not modified | the failure (HTTP 500, timed out, ...)
    http_status        INTEGER,
    etag               VARCHAR,              -- validators sent back on the next poll
    last_modified      VARCHAR,
    entries            INTEGER NOT NULL,     -- articles listed
    newest_entry       TIMESTAMPTZ,
    requested          INTEGER NOT NULL,     -- listed and not archived before: fetched
    archived           INTEGER NOT NULL,     -- extracted and archived
    rejected           INTEGER NOT NULL,     -- no article text found
    failed             INTEGER NOT NULL,     -- not fetched (HTTP error, timeout, not HTML)
    short              INTEGER NOT NULL,     -- archived with a very short text
    median_text_length INTEGER
);
CREATE INDEX source_polls_source ON source_polls (source, started_at);
