-- What the page says of its paywall: free | teaser (marked not free, only the opening) | paywalled.
-- NULL for articles extracted before this column; reextract fills it.
ALTER TABLE articles ADD COLUMN access VARCHAR;
