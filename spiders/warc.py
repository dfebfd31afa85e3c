"""Downloader middleware: every fetched response also goes to WARC files (``NEWSARCHIVE_WARC_DIR``).

Placed after HTTP decompression and before redirects are followed, so the stored bodies are
decoded and each redirect hop is kept; ``newsarchive ingest DIR`` reads the files back.
"""

from __future__ import annotations

from http import HTTPStatus

from scrapy import signals
from scrapy.exceptions import NotConfigured

from pipelines import shared
from pipelines.warc import WarcRecorder


class WarcExportMiddleware:
    def __init__(self, directory: str):
        self.directory = directory
        self._key = ("warc", directory)
        self.recorder = shared.acquire(self._key, lambda: WarcRecorder(directory))

    @classmethod
    def from_crawler(cls, crawler):
        directory = crawler.settings.get("NEWSARCHIVE_WARC_DIR")
        if not directory:
            raise NotConfigured
        middleware = cls(directory)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def process_response(self, request, response, spider=None):
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            for value in values
        ]
        self.recorder.record(response.url, response.status, reason, headers, response.body)
        return response

    def close(self, spider=None) -> None:
        if self.recorder is not None:
            self.recorder = None
            shared.release(self._key, lambda recorder: recorder.close())
