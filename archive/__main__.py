"""python -m archive: the newsarchive command, as the console script runs it."""

from archive.cli import main

main()
