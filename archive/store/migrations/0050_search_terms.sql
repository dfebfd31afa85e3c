-- Full-text search: each distinct word of an article's title and text, as a 32-bit hash.
-- Kept by the writer in the same transaction as the article (archive/store/search.py holds
-- the tokenizer; the same SQL splits a query, so index and query always agree).
CREATE TABLE search_terms (
    article_id BIGINT NOT NULL,
    term       UINTEGER NOT NULL
);
INSERT INTO search_terms
SELECT DISTINCT id, (hash(word) >> 32)::UINTEGER
FROM (SELECT id, unnest(regexp_split_to_array(lower(coalesce(title, '') || ' ' || text), '[^\pL\pN]+')) AS word
      FROM articles)
WHERE word <> '';
