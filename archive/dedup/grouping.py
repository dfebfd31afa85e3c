"""Group membership: place articles one by one into the groups of their verified copies.

Plain connected components chain unrelated stories through one weak edge (shared
boilerplate, a digest quoting two leads). Here an article joins the group of its best
verified edge, and two existing groups are merged only when the article is a strong
copy (exact, or similarity >= strong_similarity) of both.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from archive.dedup.config import DedupConfig
from archive.dedup.index import Candidates
from archive.dedup.verify import Verdict

LOGGER = logging.getLogger(__name__)

KIND_RANK = {"exact": 3, "near": 2, "rewrite": 1}
MAX_VERIFIED_PER_GROUP = 3  # candidates read per other group: the best estimates decide


@dataclass(frozen=True)
class Edge:
    article_id: int
    other_id: int
    kind: str
    similarity: float

    @property
    def strength(self) -> tuple[int, float]:
        return KIND_RANK[self.kind], self.similarity


@dataclass
class Placement:
    """Outcome of placing a batch: group roots, accepted edges, who joined, what was compared."""

    root_of: dict[int, int] = field(default_factory=dict)  # cluster id -> surviving cluster id
    group_of_new: dict[int, int] = field(default_factory=dict)  # placed article -> cluster id
    edges: list[Edge] = field(default_factory=list)
    joined: set[int] = field(default_factory=set)
    candidates: int = 0  # candidate pairs that passed the MinHash prefilter
    verified: int = 0  # pairs whose texts were compared


class Grouper:
    """Sequential placement of pending articles against already placed ones."""

    def __init__(self, config: DedupConfig, verify: Callable[[int, int], Verdict | None]):
        self.config = config
        self.verify = verify

    def place(
        self, pending: Sequence[int], candidates: Candidates, cluster_of: dict[int, int], sizes: dict[int, int]
    ) -> Placement:
        """``cluster_of`` maps every already placed candidate to its current cluster id, ``sizes`` those
        clusters to their member counts."""
        result = Placement(candidates=len(candidates.left))
        size = dict(sizes)
        order = {article: i for i, article in enumerate(pending)}
        by_article: dict[int, list[tuple[float, bool, int]]] = defaultdict(list)
        for left, right, estimate, exact in zip(
            candidates.left.tolist(),
            candidates.right.tolist(),
            candidates.containment.tolist(),
            candidates.exact.tolist(),
        ):
            # Each pair is judged once, by the later article (candidates only look back).
            if left in order and (right not in order or order[right] < order[left]):
                by_article[left].append((estimate, exact, right))

        def find(cluster: int) -> int:
            while result.root_of.get(cluster, cluster) != cluster:
                cluster = result.root_of[cluster]
            return cluster

        for article in pending:
            best_by_group: dict[int, Edge] = {}
            tried: dict[int, int] = defaultdict(int)
            for _estimate, exact, other in sorted(by_article.get(article, ()), key=lambda c: (not c[1], -c[0], c[2])):
                group = find(result.group_of_new.get(other, cluster_of.get(other, other)))
                if group in best_by_group and best_by_group[group].kind == "exact":
                    continue
                if tried[group] >= MAX_VERIFIED_PER_GROUP:
                    continue
                tried[group] += 1
                verdict: Verdict | None
                if exact:
                    verdict = Verdict("exact", 1.0)
                else:
                    result.verified += 1
                    verdict = self.verify(article, other)
                if verdict is None:
                    continue
                edge = Edge(article, other, verdict.kind, verdict.similarity)
                result.edges.append(edge)
                if group not in best_by_group or edge.strength > best_by_group[group].strength:
                    best_by_group[group] = edge
            if not best_by_group:
                result.group_of_new[article] = article
                size[article] = 1
                continue
            result.joined.add(article)
            home = max(best_by_group, key=lambda g: best_by_group[g].strength)
            result.group_of_new[article] = home
            size[home] = size.get(home, 1) + 1
            for group, edge in best_by_group.items():
                if group == home:
                    continue
                # A lone article with a verified edge would have joined this group had it come
                # later (verdicts are symmetric); two real groups need a strong copy of both.
                alone = size.get(group, 1) == 1 and edge.similarity >= self.config.absorb_similarity
                if alone or edge.kind == "exact" or edge.similarity >= self.config.strong_similarity:
                    result.root_of[group] = home
                    size[home] += size.pop(group, 1)
                    LOGGER.debug("article %s merges group %s into %s", article, group, home)
        for article, group in result.group_of_new.items():
            result.group_of_new[article] = find(group)
        for cluster in list(result.root_of):
            result.root_of[cluster] = find(cluster)
        return result
