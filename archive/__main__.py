"""python -m archive: the newsarchive command, as the console script runs it."""

from archive.console import main

main()
