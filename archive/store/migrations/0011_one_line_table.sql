-- One per-source line-learning table: site_blocks (archive/extract/siteblocks.py) removes a
-- source's repeated blocks from the stored text, so dedup compares the stored text as it is
-- and no longer learns the same lines a second time.
DROP TABLE IF EXISTS dedup_lines;
