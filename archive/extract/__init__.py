"""Extraction: a RawDocument in, clean body text and metadata with provenance out.

``extract`` is a pure function, run in worker processes. ``article`` holds the HTML and
plain-text paths; ``boilerplate`` the generic block rules; ``chunks`` recovers body parts
trafilatura left out; ``metadata`` and ``dates`` gather fields with their evidence;
``siteblocks`` learns per-source repeated blocks from the archive.
"""

from archive.extract.article import EXTRACTOR_VERSION, decode, extract
from archive.extract.language import identifier as _language_model


def prepare() -> None:
    """Load what extraction loads on first use (the language model, about a second), so that
    the first document's time budget is spent on the document."""
    _language_model()


__all__ = ["EXTRACTOR_VERSION", "decode", "extract", "prepare"]
