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

    def blocks(self, article: Article) -> dict[str, str]:
        """Hash -> line for the lines of the article's text that are long enough to count."""
        return self._hashed(article)[0]

    def _hashed(self, article: Article) -> tuple[dict[str, str], dict[str, str]]:
        """``blocks`` and the hash of each of those lines (line -> hash), each line hashed once."""
        p = self.params
        found: dict[str, str] = {}
        hashes: dict[str, str] = {}
        for line in article.text.splitlines():
            if p.min_chars <= len(line.strip()) <= p.max_chars:
                digest = hashes.get(line)
                if digest is None:
                    digest = hashes[line] = block_hash(line)
                found[digest] = line  # a later line with the same hash stands for it
        return found, hashes

    def apply(self, archive: Archive, articles: Sequence[tuple[int, Article]]) -> int:
        """Learn from ``(article id, article)`` pairs as extracted, then strip their repeated blocks
        in place; return how many changed."""
        hashed = [self._hashed(article) for _, article in articles]
        blocks = [found for found, _ in hashed]
        archive.site_blocks.learn(
            [
                BlockSeen(article.source, digest, article.text_hash, line[:200], article_id)
                for (article_id, article), found in zip(articles, blocks)
                for digest, line in found.items()
            ]
        )
        asked = sorted({(article.source, digest) for (_, article), found in zip(articles, blocks) for digest in found})
        repeated = archive.site_blocks.shares(asked, self.params.min_articles)
        changed = 0
        for (_, article), (found, hashes) in zip(articles, hashed):
            drop = set()
            for digest, line in found.items():
                share = repeated.get((article.source, digest))
                if share is not None and share >= (self.params.prose_share if is_prose(line) else 0):
                    drop.add(digest)
            if drop and self._strip(article, drop, found, hashes):
                changed += 1
        return changed

    def _strip(self, article: Article, drop: set[str], found: dict[str, str], hashes: dict[str, str]) -> bool:
        p = self.params
        lines = article.text.splitlines()
        prose = [line for line in lines if is_prose(line)]
        shared = [line for line in prose if (hashes.get(line) or block_hash(line)) in drop]
        if len(shared) >= p.copy_paragraphs and 2 * sum(map(len, shared)) > sum(map(len, prose)):
            # Most of its prose seen in other articles of the site: a copy of an earlier story,
            # not a page of boilerplate. Only the non-prose blocks go.
            drop = {digest for digest in drop if not is_prose(found[digest])}
            if not drop:
                return False
        keep = [
            line for line in lines if not (p.min_chars <= len(line.strip()) <= p.max_chars and hashes[line] in drop)
        ]
        removed_chars = sum(len(line) for line in lines) - sum(len(line) for line in keep)
        if removed_chars > p.max_removed_share * max(1, len(article.text)):
            LOGGER.debug("%s: site boilerplate would remove %s characters; kept", article.url, removed_chars)
            return False
        article.text = "\n".join(keep)
        article.text_hash = text_hash(article.text)
        removed = article.meta.setdefault("removed_blocks", {})
        removed["site-boilerplate"] = len(lines) - len(keep)
        article.meta["site_blocks_params"] = self._fingerprint  # which settings removed them
        return True
