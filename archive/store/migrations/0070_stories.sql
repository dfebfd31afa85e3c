-- Stories: reports of one event across outlets, assigned to every article as it is archived.
-- articles.story_id is the id of the story's first article (stable: a later article never
-- renumbers a story; a merge keeps the older, smaller id and is recorded in story_merges).
ALTER TABLE articles ADD COLUMN story_id BIGINT;

-- The inverted index story candidates are looked up in: one row per (article, term), keyed by
-- day * 2^32 + term hash, so a lookup names the days of its time window and articles archived
-- in time order sit in few row groups (DuckDB's min/max zone maps skip the others).
CREATE TABLE story_postings (
    key        BIGINT NOT NULL,
    article_id BIGINT NOT NULL,
    weight     FLOAT NOT NULL               -- the term's TF-IDF weight in the article's unit vector
);

-- Document frequency of each term over the archived headlines and leads (the IDF of new articles).
CREATE TABLE story_df (
    term UINTEGER PRIMARY KEY,
    df   INTEGER NOT NULL
);

-- Every merge of two stories: the younger story_id lives on as merged_into.
CREATE TABLE story_merges (
    story_id    BIGINT NOT NULL,
    merged_into BIGINT NOT NULL,
    article_id  BIGINT,                     -- the article whose arrival merged them
    merged_at   TIMESTAMPTZ NOT NULL
);

-- StoriesConfig.fingerprint the stories were built with.
CREATE TABLE story_config (
    name        VARCHAR PRIMARY KEY,        -- always 'stories'
    fingerprint VARCHAR NOT NULL,
    params      JSON NOT NULL,
    built_at    TIMESTAMPTZ NOT NULL
);

-- One row per story; the label is the headline of its earliest report.
CREATE VIEW stories AS
SELECT story_id,
       arg_min(coalesce(title, left(text, 80)), (coalesce(published, ingested_at), id)) AS label,
       count(*) AS articles,
       count(DISTINCT source) AS sources,
       min(published) AS first_published,
       max(published) AS last_published
FROM articles WHERE story_id IS NOT NULL GROUP BY story_id;
