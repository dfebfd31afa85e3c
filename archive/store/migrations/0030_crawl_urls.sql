-- Crawled URLs that led to an archived article (request URL, redirect target, tracking-stripped
-- URL), so later crawls skip them before fetching even when the article is stored under its
-- canonical URL.
CREATE TABLE crawl_urls (
    url         VARCHAR PRIMARY KEY,
    article_url VARCHAR NOT NULL,   -- articles.url it resolved to
    first_seen  TIMESTAMPTZ NOT NULL
);
