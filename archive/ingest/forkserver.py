"""Preloaded by the extraction workers' forkserver (see ExtractorPool), and imported nowhere else.

Importing the project here imports trafilatura once for every worker forked later. The
forkserver then asks Linux to kill it with the process that started it: CPython keeps a
forkserver alive while any worker is, and a worker stuck in a parser call would otherwise keep
both alive after a forced exit (the workers die with the forkserver in turn; see
``pool.die_with_parent``).
"""

from archive.ingest import pool

pool.die_with_parent()
