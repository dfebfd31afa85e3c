"""Getting documents into the archive: the one batching writer and the runs that feed it.

``writer`` (extracted articles -> site boilerplate, dedup, store; one transaction a batch),
``pool`` (extraction in worker processes), ``files`` (local files), ``crawl`` (Scrapy
spiders), ``reextract`` (archived raw pages extracted again).
"""
