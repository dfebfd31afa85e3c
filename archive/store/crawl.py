"""Crawled URLs that led to an archived article (``crawl_urls``): aliases skipped on later crawls."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from archive.urls import host_of


class CrawlUrls:
    """The ``crawl_urls`` table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def record(self, aliases: Mapping[str, str]) -> None:
        """Remember ``url -> article url`` (request URL, redirect target, tracking-stripped URL)."""
        if aliases:
            self.con.execute(
                "INSERT OR IGNORE INTO crawl_urls (url, article_url, first_seen, site) SELECT unnest(?), unnest(?), now(), unnest(?)",
                [list(aliases), list(aliases.values()), [host_of(url) for url in aliases]],
            )

    def known_since(self, days: int) -> list[str]:
        """URLs archived, or aliases recorded, in the last ``days`` days (what a fleet's seen-set holds)."""
        rows = self.con.execute(
            f"""
            SELECT url FROM articles WHERE ingested_at >= now() - INTERVAL {int(days)} DAY
            UNION
            SELECT url FROM crawl_urls WHERE first_seen >= now() - INTERVAL {int(days)} DAY
            """
        ).fetchall()
        return [row[0] for row in rows]

    def known_of_site(self, site: str) -> set[str]:
        """Every URL of ``site`` (host without www.) that is archived or an alias of an archived article."""
        rows = self.con.execute(
            """
            SELECT url FROM articles WHERE source = ?
            UNION ALL
            SELECT url FROM crawl_urls WHERE site = ?
            """,
            [site, site],
        ).fetchall()
        return {row[0] for row in rows}
