"""Per-site boilerplate learning: blocks that repeat across articles of one source are removed.

Single-page rules cannot know that "Latest news" with today's headlines, a newsletter box or a
standard disclaimer appears on every page of a site; the archive can. Runs in the writer's
transaction, since extraction workers have no database access: ``apply`` records each block
(line) of each article in ``site_blocks`` and removes the blocks that the archive has seen in
at least ``min_articles`` different articles of the same source (prose sentences also in at
least ``prose_share`` of them: sites reuse background sentences).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from archive.models import Article
from archive.store import Archive
from archive.store.siteblocks import BlockSeen
from archive.textnorm import text_hash

LOGGER = logging.getLogger(__name__)

_WORDS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class SiteBlockParams:
    min_articles: int = 3  # a block in this many different articles of one source is boilerplate
    min_chars: int = 12  # shorter blocks ("Photo", "Reuters") carry too little to count
    max_chars: int = 600  # longer blocks are prose, even when a site repeats them
    max_removed_share: float = 0.5  # never remove more than this share of an article's text
    prose_share: float = 0.2  # a prose sentence must repeat in this share of the site's articles
    # An article that would lose this many prose paragraphs, the larger part of its prose, is a copy
    # of an earlier article of the site (a re-post, another extraction of the page), not a page
    # wrapped in boilerplate: its prose is kept, for dedup to see the copy.
    copy_paragraphs: int = 5

    def fingerprint(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


def is_prose(line: str) -> bool:
    """A sentence of the story; sites reuse background sentences, so these need more evidence."""
    return len(line.split()) >= 15 and line.rstrip().endswith((".", "!", "?", '"', "”"))


def block_hash(line: str) -> str:
    """Hash of a line, alike for copies that differ in case, punctuation or a list bullet."""
    return hashlib.sha1(_WORDS.sub(" ", line.lower()).strip().encode("utf-8")).hexdigest()[:16]


class SiteBoilerplate:
    """Learns and removes repeated blocks per source, inside the writer's transaction."""

    def __init__(self, params: SiteBlockParams | None = None):
        self.params = params or SiteBlockParams()
        self._fingerprint = self.params.fingerprint()  # the params are frozen: one hash, not one per article

    def _lines(self, article: Article) -> list[tuple[str, str | None]]:
        """Each line of the article's text with its block hash, None for a line too short or too long to count."""
        p = self.params
        return [
            (line, block_hash(line) if p.min_chars <= len(line.strip()) <= p.max_chars else None)
            for line in article.text.splitlines()
        ]

    def blocks(self, article: Article) -> dict[str, str]:
        """Hash -> line for the lines of the article's text that are long enough to count."""
        return {digest: line for line, digest in self._lines(article) if digest is not None}

    def apply(self, archive: Archive, articles: Sequence[tuple[int, Article]]) -> dict[int, list[int]]:
        """Learn from ``(article id, article)`` pairs as extracted, then strip their repeated blocks
        in place; return, for each article whose text changed (by position in ``articles``), the
        indices of the lines it kept."""
        lines = [self._lines(article) for _, article in articles]
        blocks = [{digest: line for line, digest in found if digest is not None} for found in lines]
        archive.site_blocks.learn(
            [
                BlockSeen(article.source, digest, article.text_hash, line[:200], article_id)
                for (article_id, article), found in zip(articles, blocks)
                for digest, line in found.items()
            ]
        )
        asked = sorted({(article.source, digest) for (_, article), found in zip(articles, blocks) for digest in found})
        repeated = archive.site_blocks.shares(asked, self.params.min_articles)
        kept: dict[int, list[int]] = {}
        for position, ((_, article), found) in enumerate(zip(articles, blocks)):
            drop = set()
            for digest, line in found.items():
                share = repeated.get((article.source, digest))
                if share is not None and share >= (self.params.prose_share if is_prose(line) else 0):
                    drop.add(digest)
            if drop:
                keep = self._strip(article, drop, lines[position])
                if keep is not None:
                    kept[position] = keep
        return kept

    def _strip(self, article: Article, drop: set[str], lines: list[tuple[str, str | None]]) -> list[int] | None:
        """Remove the ``drop`` blocks from the article; the indices of the lines kept, or None if it is left as it was."""
        p = self.params
        prose = [(line, digest) for line, digest in lines if is_prose(line)]
        shared = [line for line, digest in prose if digest in drop]
        if len(shared) >= p.copy_paragraphs and 2 * sum(map(len, shared)) > sum(len(line) for line, _ in prose):
            # Most of its prose seen in other articles of the site: a copy of an earlier story,
            # not a page of boilerplate. Only the non-prose blocks go.
            drop = drop - {digest for line, digest in prose}
            if not drop:
                return None
        keep = [i for i, (_, digest) in enumerate(lines) if digest is None or digest not in drop]
        removed_chars = sum(len(line) for line, _ in lines) - sum(len(lines[i][0]) for i in keep)
        if removed_chars > p.max_removed_share * max(1, len(article.text)):
            LOGGER.debug("%s: site boilerplate would remove %s characters; kept", article.url, removed_chars)
            return None
        article.text = "\n".join(lines[i][0] for i in keep)
        article.text_hash = text_hash(article.text)
        removed = article.meta.setdefault("removed_blocks", {})
        removed["site-boilerplate"] = len(lines) - len(keep)
        article.meta["site_blocks_params"] = self._fingerprint  # which settings removed them
        return keep
