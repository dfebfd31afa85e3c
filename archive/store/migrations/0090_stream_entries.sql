-- Redis Stream entries a committer has written (newsarchive commit), in the transaction of their
-- batch: an entry delivered again after a crash between the commit and its acknowledgement is
-- then acknowledged without being counted or written twice. Rows older than a week are pruned.
CREATE TABLE stream_entries (
    stream       VARCHAR NOT NULL,
    entry_id     VARCHAR NOT NULL,     -- Redis entry id, <milliseconds>-<sequence>
    run_id       BIGINT NOT NULL,
    committed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (stream, entry_id)
);
