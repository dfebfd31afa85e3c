"""Named exceptions: the CLI turns each into a one-line message."""


class ArchiveError(Exception):
    """Base class for errors a user can act on."""


class ArchiveLocked(ArchiveError):
    """The archive file is held by another writer process."""


class ConfigMismatch(ArchiveError):
    """The archive was built with other dedup parameters."""


class InputError(ArchiveError):
    """An input file or record cannot be read."""


class ExtractionError(ArchiveError):
    """No article could be extracted from a document."""


class NotFound(ArchiveError):
    """No article, group or raw page with that id or URL."""


class ReadOnlyArchive(ArchiveError):
    """A write was asked of an archive opened for reading."""
