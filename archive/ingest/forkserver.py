"""Preloaded by the extraction workers' forkserver (see ExtractorPool), and imported nowhere else.

The forkserver was started with SIGINT and SIGTERM blocked. It leaves its parent's process
group first: a Ctrl-C at the terminal or a signal to the whole group then reaches the parent
alone, which stops the workers itself. Out of the group, a SIGTERM that arrived meanwhile is
dropped and SIGTERM unblocked again, so that workers are born able to be terminated. Importing
the project then imports trafilatura, and ``pool.prepare_process`` loads the language model and
the dedup signers (datasketch, their permutations), once for every worker forked later. Last,
the forkserver asks Linux to kill it with its parent: CPython keeps a forkserver alive while any worker is,
and a worker stuck in a parser call would otherwise keep both alive after a forced exit (the
workers die with the forkserver in turn; see ``pool.die_with_parent``).
"""

import os
import signal

os.setpgid(0, 0)
if signal.SIGTERM in signal.sigpending():
    signal.sigtimedwait({signal.SIGTERM}, 0)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})

from archive.ingest import pool  # noqa: E402

pool.prepare_process()  # the language model and the signers, loaded once here rather than in every worker
pool.die_with_parent()
