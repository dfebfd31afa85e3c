-- Syndication lineage: for each duplicate group, its origin (earliest published, ties broken by the
-- first fetch, then id) and one row per copy: its lag behind the origin in hours (publication
-- times when both have one, else the times they were first archived) and whether it credits the
-- origin: names the origin's outlet (its site name, or its host) anywhere in the text, or a news
-- agency in a dateline or credit line (the opening or closing 300 characters): "WASHINGTON (AP) —",
-- "(Reuters)", "Berlin (dpa) -", "© AFP", "Source: Reuters", "The Associated Press contributed".
CREATE VIEW syndication AS
WITH members AS (
    SELECT id, cluster_id, source, site_name, published, ingested_at, text,
           first_value(id) OVER (PARTITION BY cluster_id ORDER BY published ASC NULLS LAST, ingested_at ASC, id ASC)
               AS origin_id
    FROM articles
    WHERE cluster_id IN (SELECT duplicate_of FROM duplicates)
)
SELECT c.cluster_id,
       c.origin_id,
       c.id AS article_id,
       c.source,
       round(CASE WHEN c.published IS NOT NULL AND o.published IS NOT NULL
                  THEN epoch(c.published) - epoch(o.published)
                  ELSE epoch(c.ingested_at) - epoch(o.ingested_at) END / 3600.0, 2) AS lag_hours,
       (o.site_name IS NOT NULL AND length(o.site_name) >= 3 AND contains(lower(c.text), lower(o.site_name)))
       OR (o.source LIKE '%.%' AND contains(lower(c.text), o.source))
       OR regexp_matches(
              left(c.text, 300) || chr(10) || right(c.text, 300),
              '\((AP|AFP|dpa|DPA|PA|Reuters|ANSA|EFE|APA|ANP|SDA|UPI|AAP|PTI|CP|Kyodo|Xinhua|Yonhap|TASS|Belga)\)'
              || '|\b(Associated Press|Reuters|Agence France-Presse|Deutsche Presse-Agentur|PA Media|Press Association'
              || '|Europa Press|Kyodo News|Xinhua|Anadolu Agency|Canadian Press|Australian Associated Press'
              || '|Press Trust of India|Yonhap|Keystone-SDA|Agencia EFE|Agenzia ANSA)\b'
              || '|(©|\(c\)|Copyright|Source:|Sources:|Quelle:|Fuente:|Source :|Fonte:|Bron:|via|with|mit|con|avec|/)\s*'
              || '(AP|AFP|dpa|DPA|PA|Reuters|ANSA|EFE|APA|ANP|SDA|UPI|AAP|PTI|Kyodo|Xinhua|Belga|Bloomberg)\b'
          ) AS credited,
       o.source AS origin_source
FROM members c JOIN members o ON o.id = c.origin_id
WHERE c.id <> c.origin_id;
