"""The watch-list: the outlets an archive follows (``sources.toml``), how to find an outlet's
feeds and sitemaps, and how healthy each source is, judged from its recorded polls.

``config`` reads and writes the sources file; ``discovery`` finds feeds and sitemaps in pages
fetched by the crawler; ``health`` turns poll records and article times into warnings. The
fetching and polling themselves are Scrapy's (spiders/follow.py, spiders/probe.py), the poll
records are the store's (archive/store/polls.py).
"""

from archive.watchlist.config import Source, SourcesFile, SourcesFileError, parse_interval
from archive.watchlist.health import HealthThresholds, SourceHealth, assess

__all__ = [
    "HealthThresholds",
    "Source",
    "SourceHealth",
    "SourcesFile",
    "SourcesFileError",
    "assess",
    "parse_interval",
]
