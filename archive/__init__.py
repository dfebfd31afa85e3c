"""newsarchive: a deduplicating archive of news articles in DuckDB."""

from archive.errors import ArchiveError, ArchiveLocked, ConfigMismatch, ExtractionError, InputError
from archive.models import Article, RawDocument, Rejection
from archive.store import Archive

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveLocked",
    "Article",
    "ConfigMismatch",
    "ExtractionError",
    "InputError",
    "RawDocument",
    "Rejection",
]
