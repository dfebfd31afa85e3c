-- The site (lower-case host without www.) of each crawled alias, so a crawl reads one site's
-- aliases with an index lookup instead of scanning every crawled URL.
ALTER TABLE crawl_urls ADD COLUMN site VARCHAR;
UPDATE crawl_urls SET site = lower(regexp_extract(url, '^[a-zA-Z]+://(?:www\.)?([^/:?#]+)', 1));
CREATE INDEX crawl_urls_site ON crawl_urls (site);
