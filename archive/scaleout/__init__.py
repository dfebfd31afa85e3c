"""Scale-out: crawl workers on one Redis frontier, one committer writing the archive.

Workers (``newsarchive crawl --redis URL``) share scrapy-redis's request queue and duplicate
filter, and add each extracted article, with its dedup signature input, to a Redis Stream.
The committer (``newsarchive commit --redis URL``) reads that stream through a consumer group,
writes each batch through the one ``ArchiveWriter`` and acknowledges the entries only after the
commit. Every Redis key is named in ``keys``; ``connect`` makes the one kind of client used.
"""

from __future__ import annotations

from archive.scaleout.keys import RedisKeys, RedisUnreachable, connect

__all__ = ["RedisKeys", "RedisUnreachable", "connect"]
