-- Extraction metadata: authors as a list, modified date, top image, and where each field came from.
ALTER TABLE articles ADD COLUMN authors VARCHAR[];        -- names only; author keeps them joined with '; '
ALTER TABLE articles ADD COLUMN modified TIMESTAMPTZ;     -- never before published
ALTER TABLE articles ADD COLUMN image VARCHAR;            -- top image URL
ALTER TABLE articles ADD COLUMN date_confidence VARCHAR;  -- high | medium | low | none
ALTER TABLE articles ADD COLUMN provenance JSON;          -- {"title": "jsonld", "published": "url", ...}
ALTER TABLE articles ADD COLUMN extractor VARCHAR;        -- extraction version that produced text and metadata
