"""scrapy-redis's request fingerprints, one set per month: the shared frontier stays bounded.

``RFPDupeFilter`` keeps every fingerprint of a crawl in one set for as long as the crawl's
workers run (a fleet that never stops grows it without bound). This one adds to this month's
set, which expires after ``KEEP_DAYS``, and asks it and last month's: a request seen in the
last month or so is filtered, an older one may be fetched once more (an article URL then is
still skipped through the seen-set, which the committer keeps).
"""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy_redis.dupefilter import RFPDupeFilter

KEEP_DAYS = 62


class MonthlyDupeFilter(RFPDupeFilter):
    def request_seen(self, request) -> bool:
        fingerprint = self.request_fingerprint(request)
        now = datetime.now(timezone.utc)
        previous = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
        current_key = f"{self.key}:{now.year:04d}-{now.month:02d}"
        with self.server.pipeline(transaction=False) as pipe:
            pipe.sismember(f"{self.key}:{previous[0]:04d}-{previous[1]:02d}", fingerprint)
            pipe.sadd(current_key, fingerprint)
            pipe.expire(current_key, KEEP_DAYS * 86400)
            seen_before, added, _ = pipe.execute()
        return bool(seen_before) or added == 0

    def clear(self) -> None:
        keys = list(self.server.scan_iter(match=f"{self.key}:*", count=1000))
        if keys:
            self.server.delete(*keys)
