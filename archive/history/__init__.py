"""Article history: what changed between two captures of one article, and how to show it.

``changes.py`` classifies a new capture against the previous one (headline, minor, update,
correction) and ``worddiff.py`` renders the word-level diff stored with each version. Both are
pure functions of the two texts; the archive writer calls them when a revisit crawl fetches an
article again, and ``archive.store.versions`` stores the result.
"""

from archive.history.changes import ChangeRules, classify
from archive.history.worddiff import word_diff

__all__ = ["ChangeRules", "classify", "word_diff"]
