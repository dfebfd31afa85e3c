-- Article history (archive/history, archive/store/versions.py): every capture of an article that a
-- revisit crawl found changed, removed or back. Rows exist only for articles with a history: the
-- first time one changes, its first capture (version 1) is copied here from articles, then the new
-- version is added; articles keeps the latest. The versions view adds version 1 of every article
-- that never changed, read from articles, so it lists every capture of every article.
CREATE TABLE article_versions (
    article_id BIGINT NOT NULL,
    version    INTEGER NOT NULL,        -- 1 is the first capture
    fetched_at TIMESTAMPTZ NOT NULL,
    title      VARCHAR,
    text       VARCHAR,                 -- the text of this version; NULL for removed
    text_hash  VARCHAR,
    change     VARCHAR NOT NULL,        -- first | headline | minor | update | correction | removed | restored
    diff       VARCHAR,                 -- word diff from the previous version: [-removed-] {+added+}, one line a change
    rules      VARCHAR,                 -- fingerprint of the ChangeRules that classified it
    PRIMARY KEY (article_id, version)
);

CREATE VIEW versions AS
SELECT v.article_id, a.url, v.version, v.fetched_at, v.title, v.text_hash, v.change, v.diff, v.text
FROM article_versions v JOIN articles a ON a.id = v.article_id
UNION ALL
SELECT a.id, a.url, 1, a.ingested_at, a.title, a.text_hash, 'first', NULL, a.text
FROM articles a
WHERE NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id);
