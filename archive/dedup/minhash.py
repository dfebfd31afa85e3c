"""Vectorised MinHash signatures and LSH band keys (numpy, no per-token Python loop)."""

from __future__ import annotations

import numpy as np

from archive.dedup.features import mix64

_CHUNK = 4096  # shingles hashed per numpy step: a 4 MB buffer that stays in cache
_EMPTY = np.uint32(0xFFFFFFFF)
_EMPTY_64 = np.uint64(0xFFFFFFFF)


class MinHasher:
    """MinHash with ``num_perm`` multiply-shift permutations of 64-bit shingle hashes."""

    def __init__(self, num_perm: int, seed: int):
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)  # odd multipliers
        self.b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def signatures(self, shingle_sets: list[np.ndarray]) -> np.ndarray:
        """One uint32 row per set; an empty set gets all-ones (it matches nothing in LSH)."""
        out = np.full((len(shingle_sets), self.num_perm), _EMPTY_64, dtype=np.uint64)
        lengths = np.array([len(s) for s in shingle_sets], dtype=np.int64)
        if lengths.sum() == 0:
            return out.astype(np.uint32)
        flat = np.concatenate([np.asarray(s, dtype=np.uint64) for s in shingle_sets])
        doc_of = np.repeat(np.arange(len(shingle_sets)), lengths)
        buffer = np.empty((min(_CHUNK, len(flat)), self.num_perm), dtype=np.uint64)
        shift = np.uint64(32)
        for lo in range(0, len(flat), _CHUNK):
            x, docs = flat[lo : lo + _CHUNK], doc_of[lo : lo + _CHUNK]
            hashed = buffer[: len(x)]
            # Multiply-shift hashing in place: the high 32 bits of a*x+b mod 2^64.
            with np.errstate(over="ignore"):
                np.multiply(x[:, None], self.a[None, :], out=hashed)
                hashed += self.b[None, :]
            hashed >>= shift
            segment_starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
            seg_docs = docs[segment_starts]
            out[seg_docs] = np.minimum(out[seg_docs], np.minimum.reduceat(hashed, segment_starts, axis=0))
        return out.astype(np.uint32)


def band_keys(signatures: np.ndarray, bands: int, rows: int, channel: int) -> np.ndarray:
    """Signed 64-bit keys, one per (document, band); ``channel`` keeps separate signatures apart."""
    n = signatures.shape[0]
    used = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    acc = np.full((n, bands), np.uint64(channel * 1_000_003), dtype=np.uint64)
    acc += np.arange(bands, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        for r in range(rows):
            acc = mix64(acc * np.uint64(0x100000001B3) + used[:, :, r])
    return acc.view(np.int64)


def empty_rows(signatures: np.ndarray) -> np.ndarray:
    """Rows that came from empty sets."""
    return (signatures == _EMPTY).all(axis=1)


def estimate_jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Share of equal MinHash values, row by row."""
    return (left == right).mean(axis=1)


def containment_from_jaccard(jaccard: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """|A∩B| / min(|A|,|B|) implied by a Jaccard estimate and the set sizes."""
    inter = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return np.clip(inter / np.maximum(1, np.minimum(size_a, size_b)), 0.0, 1.0)
