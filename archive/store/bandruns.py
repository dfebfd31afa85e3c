"""LSH band keys as sorted runs in files beside the archive: look-ups whose cost does not grow with it.

DuckDB keeps every band key (``dedup_bands``, the durable copy), but it can only find a batch's
keys by joining them against all of them: a scan per batch, and a scan grows with the archive.
So the keys of articles already committed are also kept here, as a few sorted numpy arrays in
``<archive>.bands/``, memory-mapped (a process reads only the pages its binary searches touch,
and gives them back after each look-up: a batch's probes land all over the runs, so without
that every page of every run, ~1.2 GB at a million articles, ends up counted in the writer's RSS;
the kernel's page cache keeps them, so touching one again costs a minor fault).
A batch's keys are found with ``np.searchsorted`` in each run; only the rows added since the
last run was written (the tail: article ids above ``covered``, which DuckDB's zone maps prune)
are joined in SQL.

Written by hand because no library does this well here: datasketch's ``MinHashLSH`` holds every
key in Python dicts (about 21 KB per signature: ~21 GB at a million articles) and its storage
back-ends need a server; DuckDB's ART index is not used for joins and slows inserts 16x.

The runs are derived data, never the only copy: a run holds only committed rows; the manifest
names the archive's band token, which ``DedupTables`` changes in the same transaction as any
deletion of band keys (a rebuild, a re-signed article), so runs that no longer match are dropped
and rebuilt from DuckDB. A crash while writing leaves the previous manifest (written last, by
rename) and some unreferenced files, removed at the next write.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LOGGER = logging.getLogger(__name__)

TAIL_ROWS = 2_000_000  # band rows joined in SQL before they are written out as a run (~18,000 articles)
MAX_MERGED_ROWS = 16_000_000  # runs are not merged beyond this (a merge holds both in memory: ~300 MB)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Run:
    name: str
    rows: int
    keys: np.ndarray  # int64, sorted
    ids: np.ndarray  # article id of each key
    maps: tuple[mmap.mmap, ...]  # the files under keys and ids

    def release(self) -> None:
        """Unmap the pages read so far (they stay in the page cache; a later read maps them again)."""
        if _DONTNEED is not None:
            for mapped in self.maps:
                mapped.madvise(_DONTNEED)


class BandRuns:
    """Sorted runs of (band key, article id) of one archive; ``directory`` None: none are kept."""

    def __init__(self, directory: Path | None, tail_rows: int = TAIL_ROWS, max_merged_rows: int = MAX_MERGED_ROWS):
        self.directory = directory
        self.tail_rows = tail_rows
        self.max_merged_rows = max_merged_rows
        self.token: str | None = None  # the archive's band token the runs were made for
        self.covered = -1  # every committed article with an id up to this is in the runs
        self.runs: list[Run] = []
        self._loaded = False

    # -- reading -------------------------------------------------------------------
    def sync(self, token: str) -> None:
        """Use the runs on disk if they were made for ``token``; otherwise drop them."""
        if self._loaded and self.token == token:
            return
        self._loaded = True
        self.token, self.covered, self.runs = token, -1, []
        if self.directory is None:
            return
        try:
            manifest = json.loads((self.directory / MANIFEST).read_text())
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            LOGGER.warning("%s: unreadable band runs (%s); they are rebuilt from the archive", self.directory, exc)
            return
        if manifest.get("token") != token:
            LOGGER.info("%s: band runs of other band keys; rebuilt from the archive", self.directory)
            return
        try:
            self.runs = [self._open(run["name"], int(run["rows"])) for run in manifest["runs"]]
        except (OSError, ValueError, KeyError) as exc:
            LOGGER.warning("%s: missing or damaged band run (%s); rebuilt from the archive", self.directory, exc)
            self.runs = []
            return
        self.covered = int(manifest["covered"])

    def _open(self, name: str, rows: int) -> Run:
        assert self.directory is not None
        (keys, keys_map), (ids, ids_map) = (_map_npy(self.directory / f"{name}{suffix}") for suffix in _SUFFIXES)
        if len(keys) != rows or len(ids) != rows:
            raise ValueError(f"run {name} has {len(keys)} keys and {len(ids)} ids, not {rows}")
        return Run(name, rows, keys, ids, (keys_map, ids_map))

    def lookup(self, keys: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(owner, article) for every stored article sharing a key with its owner in ``keys``."""
        if not self.runs or len(keys) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        order = np.argsort(keys, kind="stable")  # sorted probes walk each run in order
        keys, owners = keys[order], owners[order]
        left_parts, right_parts = [], []
        for run in self.runs:
            start = np.searchsorted(run.keys, keys, side="left")
            counts = np.searchsorted(run.keys, keys, side="right") - start
            hit = np.flatnonzero(counts)
            if len(hit) == 0:
                continue
            counts = counts[hit]
            first = np.repeat(start[hit] - np.r_[0, np.cumsum(counts)[:-1]], counts)
            left_parts.append(np.repeat(owners[hit], counts))
            right_parts.append(np.asarray(run.ids[first + np.arange(counts.sum())], dtype=np.int64))
        for run in self.runs:
            run.release()
        if not left_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(left_parts).astype(np.int64), np.concatenate(right_parts)

    # -- writing -------------------------------------------------------------------
    def add_run(self, keys: np.ndarray, ids: np.ndarray, covered: int) -> None:
        """Write committed rows (article ids in ``(self.covered, covered]``) as a run, merging runs of
        similar size, then the manifest."""
        if self.directory is None or self.token is None:
            return
        self.directory.mkdir(exist_ok=True)
        order = np.argsort(keys, kind="stable")
        runs = [*self.runs, self._write(np.asarray(keys)[order], np.asarray(ids)[order])]
        # Merged while the newer run is at least half the older: O(log n) runs, each row merged
        # O(log n) times; runs that would grow past max_merged_rows stay apart.
        while len(runs) >= 2 and 2 * runs[-1].rows >= runs[-2].rows:
            if runs[-1].rows + runs[-2].rows > self.max_merged_rows:
                break
            older, newer = runs[-2], runs.pop()
            runs[-1] = self._write(*_merge(older, newer))
        self._commit(runs, covered)

    def _write(self, keys: np.ndarray, ids: np.ndarray) -> Run:
        assert self.directory is not None
        name = f"run-{os.urandom(6).hex()}"
        id_type = np.uint32 if len(ids) == 0 or int(ids.max()) < 2**32 else np.int64
        for suffix, values in zip(_SUFFIXES, (keys.astype(np.int64, copy=False), ids.astype(id_type, copy=False))):
            part = self.directory / f"{name}{suffix}.part"
            with part.open("wb") as handle:
                np.save(handle, values)
                handle.flush()
                os.fsync(handle.fileno())
            part.replace(self.directory / f"{name}{suffix}")
        return self._open(name, len(keys))

    def _commit(self, runs: list[Run], covered: int) -> None:
        assert self.directory is not None
        manifest = {"token": self.token, "covered": covered, "runs": [{"name": r.name, "rows": r.rows} for r in runs]}
        part = self.directory / f"{MANIFEST}.part"
        part.write_text(json.dumps(manifest))
        part.replace(self.directory / MANIFEST)
        self.runs, self.covered = runs, covered
        self._remove_unreferenced()

    def _remove_unreferenced(self) -> None:
        assert self.directory is not None
        referenced = {run.name for run in self.runs}
        for path in self.directory.glob("run-*"):
            if path.name.split(".")[0] not in referenced:
                path.unlink(missing_ok=True)


_SUFFIXES = (".keys.npy", ".ids.npy")
_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)  # POSIX; not on Windows


def _map_npy(path: Path) -> tuple[np.ndarray, mmap.mmap]:
    """A read-only array over the ``.npy`` file's mapping, and the mapping (``np.load(mmap_mode="r")``
    keeps its mapping private, and ``release`` needs it)."""
    with path.open("rb") as handle:
        version = np.lib.format.read_magic(handle)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(handle)
        if len(shape) != 1 or fortran_order:
            raise ValueError(f"{path.name} is not a one-dimensional array")
        offset = handle.tell()
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return np.frombuffer(mapped, dtype=dtype, count=shape[0], offset=offset), mapped


def _merge(older: Run, newer: Run) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs as one (the older's rows first among equal keys), without sorting again."""
    at = np.searchsorted(older.keys, newer.keys, side="right") + np.arange(newer.rows)
    keys = np.empty(older.rows + newer.rows, dtype=np.int64)
    ids = np.empty(older.rows + newer.rows, dtype=np.result_type(older.ids, newer.ids))  # uint32 mostly
    from_newer = np.zeros(len(keys), dtype=bool)
    from_newer[at] = True
    keys[at], ids[at] = newer.keys, newer.ids
    keys[~from_newer], ids[~from_newer] = older.keys, older.ids
    older.release()  # read through once: not kept mapped while the merged run is written
    newer.release()
    return keys, ids
