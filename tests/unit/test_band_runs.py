"""Sorted band-key runs beside the archive: look-ups equal a plain join, whatever the merges."""

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from archive.store.bandruns import BandRuns


def brute_force(keys, ids, probe_keys, probe_owners):
    by_key = defaultdict(list)
    for key, article in zip(keys.tolist(), ids.tolist()):
        by_key[key].append(article)
    return sorted(
        (owner, article) for key, owner in zip(probe_keys.tolist(), probe_owners.tolist()) for article in by_key[key]
    )


def test_lookups_match_a_join_across_runs_written_and_merged_in_steps(tmp_path):
    rng = np.random.default_rng(3)
    keys = rng.integers(-(2**40), 2**40, 30_000)
    keys[::7] = keys[0]  # a key many articles share
    ids = np.repeat(np.arange(3_000), 10)
    runs = BandRuns(tmp_path / "a.bands", max_merged_rows=12_000)
    runs.sync("token-1")
    for start in range(0, 3_000, 250):  # twelve steps: merges, and runs left apart at the size cap
        rows = slice(start * 10, (start + 250) * 10)
        runs.add_run(keys[rows], ids[rows], covered=start + 249)
    assert 2 <= len(runs.runs) < 12
    probe_keys = np.concatenate([keys[rng.integers(0, len(keys), 500)], rng.integers(-(2**40), 2**40, 500)])
    probe_owners = np.arange(1000) + 5_000
    found = sorted(zip(*(part.tolist() for part in runs.lookup(probe_keys, probe_owners))))
    assert found == brute_force(keys, ids, probe_keys, probe_owners)

    reopened = BandRuns(tmp_path / "a.bands")  # another process opening the same archive
    reopened.sync("token-1")
    assert reopened.covered == 2_999 and [r.name for r in reopened.runs] == [r.name for r in runs.runs]
    assert sorted(zip(*(p.tolist() for p in reopened.lookup(probe_keys, probe_owners)))) == found
    files = {p.name.split(".")[0] for p in (tmp_path / "a.bands").glob("run-*")}
    assert files == {r.name for r in runs.runs}  # merged-away runs were removed


def test_runs_of_another_token_or_damaged_ones_are_not_used(tmp_path):
    runs = BandRuns(tmp_path / "a.bands")
    runs.sync("old")
    runs.add_run(np.array([5, 1, 3]), np.array([0, 1, 2]), covered=2)
    stale = BandRuns(tmp_path / "a.bands")
    stale.sync("new")  # the archive's band keys were deleted since
    assert stale.runs == [] and stale.covered == -1
    (name,) = [r.name for r in runs.runs]
    (tmp_path / "a.bands" / f"{name}.ids.npy").write_bytes(b"not numpy")
    damaged = BandRuns(tmp_path / "a.bands")
    damaged.sync("old")
    assert damaged.runs == [] and damaged.covered == -1


def resident_kib_of_files_under(directory) -> int:
    """Resident pages of this process's mappings of files in ``directory`` (Linux /proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if fields and not fields[0].endswith(":"):  # a mapping's header: address, perms, offset, dev, inode, path
            inside = len(fields) >= 6 and fields[5].startswith(str(directory))
        elif inside and fields[0] == "Rss:":
            total += int(fields[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads Linux's /proc/self/smaps")
def test_a_lookup_gives_back_the_pages_it_read(tmp_path):
    rng = np.random.default_rng(4)
    keys = rng.integers(-(2**62), 2**62, 2_000_000)  # 24 MB of runs
    runs = BandRuns(tmp_path / "a.bands")
    runs.sync("token")
    runs.add_run(keys, np.arange(len(keys)) // 100, covered=len(keys) // 100)
    probes = np.concatenate([keys[rng.integers(0, len(keys), 5_000)], rng.integers(-(2**62), 2**62, 50_000)])
    owners, _ = runs.lookup(probes, np.arange(len(probes)))
    assert set(range(5_000)) <= set(owners.tolist())  # every stored key probed was found
    assert resident_kib_of_files_under(tmp_path) < 1024  # of the ~24,000 KiB the probes touched
