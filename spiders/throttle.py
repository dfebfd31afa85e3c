"""Extension: AutoThrottle that never goes below a site's own delay in ``DOWNLOAD_SLOTS``.

Scrapy's AutoThrottle floors every site's delay at ``DOWNLOAD_DELAY`` alone: a site given a
delay of its own (``DOWNLOAD_SLOTS = {"host": {"delay": 2}}``, which ``follow`` builds from
the sources file) drops below it after the first quick responses, robots.txt included. This
keeps AutoThrottle's adaptation and adds that floor, per site.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class SiteDelayAutoThrottle(AutoThrottle):
    def __init__(self, crawler):
        super().__init__(crawler)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {key: float(slot["delay"]) for key, slot in slots.items() if slot.get("delay")}

    def _response_downloaded(self, response, request, spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None and key in self.floors:
            slot.delay = max(slot.delay, self.floors[key])
