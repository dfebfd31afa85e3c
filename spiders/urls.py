"""``urls``: article URLs given as arguments or in a file (one a line, # comments allowed).

scrapy crawl urls -a url="https://example.org/a https://example.org/b"
scrapy crawl urls -a urls_file=links.txt
"""

from __future__ import annotations

from spiders.base import ArticleSpider


class UrlsSpider(ArticleSpider):
    name = "urls"

    async def start(self):
        for url in self.given_urls:
            request = self.article_request(url)
            if request is not None:
                yield request
