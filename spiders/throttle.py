"""Extension: AutoThrottle that never goes below a site's own delay in ``DOWNLOAD_SLOTS``.

Scrapy's AutoThrottle floors every site's delay at ``DOWNLOAD_DELAY`` alone: a site given a
delay of its own (``DOWNLOAD_SLOTS = {"host": {"delay": 2}}``, which ``follow`` builds from
the sources file) drops below it after the first quick responses, robots.txt included. This
keeps AutoThrottle's adaptation and adds that floor, per site.

It also lets a 304 lower the delay as a 200 does. Scrapy's AutoThrottle only ever raises the
delay on other statuses (error pages are small and quick, and would make it speed up), so a
revisit crawl, whose articles answer 304 (``crawl --revisit``), kept the delay the first
large responses (robots.txt, a sitemap) set, for every request: a revisit of an unchanged site
took longer than its first crawl. A 304 is the server's normal answer to a conditional request.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class SiteDelayAutoThrottle(AutoThrottle):
    def __init__(self, crawler):
        super().__init__(crawler)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {key: float(slot["delay"]) for key, slot in slots.items() if slot.get("delay")}

    def _adjust_delay(self, slot, latency, response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)

    def _response_downloaded(self, response, request, spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None and key in self.floors:
            slot.delay = max(slot.delay, self.floors[key])
