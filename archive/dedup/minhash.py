"""MinHash signatures with datasketch, LSH band parameters from datasketch, band keys for the archive.

datasketch defines every signature (its MinHash permutations, scheme affine32, over 32-bit
shingle hashes; the values are computed here, see ``Signer``) and chooses bands x rows for a
Jaccard threshold (``MinHashLSH``'s ``_optimal_param``).
Candidates are not held in a datasketch ``MinHashLSH``: its in-memory index grows with the
archive and its storage back-ends need a server; the band keys are kept in the archive
instead (see docs/dedup.md for the measurements). ``band_keys`` is the one hand-written part:
it turns each band slice, as MinHashLSH would hash it, into a 64-bit key DuckDB can join on.

datasketch is imported on first use, not with this module: its package imports scipy.integrate
for MinHashLSH (half a second), and the commands that only read an archive (sql, stats, export,
dups, stories, serve) never sign a text or ask for LSH parameters. Extraction prepares its
signers before the first document (``Signer.prepare``; the workers' forkserver before forking).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from archive.dedup.features import fmix32, mix64

EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's value for a permutation that saw no input


def identity(value: int) -> int:
    """datasketch's hashfunc: shingle hashes are already uniform 32-bit values (features.py)."""
    return int(value)


@lru_cache(maxsize=32)
def lsh_parameters(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) datasketch's MinHashLSH would use for ``threshold`` (equal weight to misses and
    false candidates: the verifier, not LSH, keeps precision)."""
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


class Signer:
    """datasketch MinHash signatures of 32-bit hash sets, ``num_perm`` values each.

    datasketch draws the permutations and defines the values (scheme affine32: each input is
    mixed by the MurmurHash3 finaliser, then ``a * h + b`` mod 2**32 per permutation, and the
    minimum kept). Its ``update_batch`` calls the hash function once per value in Python and a
    MinHash is built per text. Our inputs are already 32-bit hashes, so ``signatures`` computes
    the same values in one numpy block per set, half the time for a news article's three
    signatures; tests/unit/test_dedup_verify.py checks them against datasketch's own
    ``MinHash.update`` and ``update_batch``, value by value."""

    def __init__(self, num_perm: int, seed: int):
        self.num_perm = num_perm
        self.seed = seed
        self._permutations: tuple[np.ndarray, np.ndarray] | None = None  # datasketch's (a, b), drawn once

    def prepare(self) -> tuple[np.ndarray, np.ndarray]:
        """datasketch's permutations for this seed, as columns: datasketch imported, permutations drawn."""
        if self._permutations is None:
            from datasketch import MinHash

            empty = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=identity, scheme="affine32")
            a, b = (np.asarray(p, dtype=np.uint32)[:, None] for p in empty.permutations)
            self._permutations = (a, b)
        return self._permutations

    def signatures(self, sets: Sequence[np.ndarray]) -> np.ndarray:
        """One uint32 row per set; an empty set keeps datasketch's all-ones (it matches nothing in LSH)."""
        a, b = self.prepare()
        out = np.full((len(sets), self.num_perm), EMPTY, dtype=np.uint32)
        with np.errstate(over="ignore"):
            for row, values in enumerate(sets):
                if len(values):
                    # One (num_perm x values) block per set: small enough to stay in cache.
                    permuted = a * fmix32(values)
                    permuted += b
                    out[row] = permuted.min(axis=1)
        return out


def band_keys(signatures: np.ndarray, bands: int, rows: int, channel: int) -> np.ndarray:
    """Signed 64-bit keys, one per (document, band): band ``i`` covers values ``i*rows .. (i+1)*rows``,
    as in MinHashLSH; ``channel`` keeps separate signatures apart."""
    n = signatures.shape[0]
    used = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    acc = np.full((n, bands), np.uint64(channel * 1_000_003), dtype=np.uint64)
    acc += np.arange(bands, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        for r in range(rows):
            acc = mix64(acc * np.uint64(0x100000001B3) + used[:, :, r])
    keys: np.ndarray = acc.view(np.int64)
    return keys


def empty_rows(signatures: np.ndarray) -> np.ndarray:
    """Rows that came from empty sets."""
    empty: np.ndarray = (signatures == EMPTY).all(axis=1)
    return empty


def estimate_jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Share of equal MinHash values, row by row (what datasketch's MinHash.jaccard computes)."""
    share: np.ndarray = (left == right).mean(axis=1)
    return share


def containment_from_jaccard(jaccard: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """|A∩B| / min(|A|,|B|) implied by a Jaccard estimate and the set sizes."""
    inter = jaccard * (size_a + size_b) / (1.0 + jaccard)
    out: np.ndarray = np.clip(inter / np.maximum(1, np.minimum(size_a, size_b)), 0.0, 1.0)
    return out
