"""Why candidates are not held in datasketch's MinHashLSH: its memory and insert rate at archive scale.

Inserts N datasketch LeanMinHash signatures (the archive's shape: 192 values, bands x rows
from MinHashLSH itself at threshold 0.2, i.e. 64 x 3) into an in-memory ``MinHashLSH`` and
reports the resident memory it adds, per signature and against the signatures' own size, and
the insert and query rates. The archive keeps the same band keys in DuckDB instead (see
docs/dedup.md), whose memory does not grow with the archive.

    python bench/dedup_lsh_memory.py --n 20000 --n 100000
"""

from __future__ import annotations

import argparse
import gc
import json
import time

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

NUM_PERM, THRESHOLD = 192, 0.2


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def measure(n: int) -> dict:
    rng = np.random.default_rng(1)
    # Random signatures: what matters for memory is that band values rarely collide, as in real archives.
    values = rng.integers(0, 2**32 - 1, size=(n, NUM_PERM), dtype=np.uint64).astype(np.uint32)
    signatures = [LeanMinHash(seed=1, hashvalues=row, scheme="affine32") for row in values]
    gc.collect()
    before = rss_bytes()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    started = time.perf_counter()
    with lsh.insertion_session() as session:
        for key, signature in enumerate(signatures):
            session.insert(key, signature, check_duplication=False)
    inserted = time.perf_counter() - started
    gc.collect()
    added = rss_bytes() - before
    started = time.perf_counter()
    for signature in signatures[:2000]:
        lsh.query(signature)
    queried = time.perf_counter() - started
    own = NUM_PERM * 4
    return {
        "n": n,
        "bands_rows": [lsh.b, lsh.r],
        "lsh_rss_mb": round(added / 2**20, 1),
        "bytes_per_signature": round(added / n),
        "times_signature_size": round(added / n / own, 1),
        "inserts_per_s": round(n / inserted),
        "queries_per_s": round(2000 / queried),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="signatures to insert (repeatable)")
    args = parser.parse_args()
    for n in args.n or [20000, 100000]:
        print(json.dumps(measure(n)), flush=True)


if __name__ == "__main__":
    main()
