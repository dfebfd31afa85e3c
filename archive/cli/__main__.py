"""python -m archive.cli: the newsarchive command."""

from archive.cli import main

main()
