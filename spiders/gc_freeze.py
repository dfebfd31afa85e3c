"""Extension: move everything allocated during start-up into the GC's permanent generation.

Imports (Scrapy, Twisted, trafilatura, DuckDB) leave ~100,000 long-lived objects that every
full collection would traverse again, pausing the reactor for 100+ ms on a busy machine.
``gc.freeze()`` once the spider is open keeps later collections to the crawl's own objects;
``gc.unfreeze()`` when it closes.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.exceptions import NotConfigured


class FreezeStartupObjects:
    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("NEWSARCHIVE_GC_FREEZE", True):
            raise NotConfigured
        extension = cls()
        crawler.signals.connect(extension.freeze, signal=signals.spider_opened)
        crawler.signals.connect(extension.unfreeze, signal=signals.spider_closed)
        return extension

    def freeze(self, spider=None) -> None:
        gc.collect()
        gc.freeze()

    def unfreeze(self, spider=None) -> None:
        # Frozen objects are never freed; at exit DuckDB's bindings would report them as leaks.
        gc.unfreeze()
