"""``sources.toml``: one table per outlet the archive follows.

    [sources.guardian]
    home = "https://www.theguardian.com/"
    feeds = ["https://www.theguardian.com/world/rss"]
    sitemaps = ["https://www.theguardian.com/sitemaps/news.xml"]
    language = "en"           # optional
    interval = "15m"          # how often it is polled: seconds, or 90s / 15m / 2h / 1d
    delay = 2.0               # optional: seconds between requests to its host
    concurrency = 2           # optional: requests in flight to its host

The file is read with the standard library's tomllib and written with tomli-w; an entry that
cannot be used is reported as one line naming the file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w
import tomllib

from archive.errors import ArchiveError

DEFAULT_INTERVAL = 900.0  # seconds: a quarter of an hour, as news sites update
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_NAME = re.compile(r"^[\w][\w.-]*$")
_KEYS = {"home", "feeds", "sitemaps", "language", "interval", "delay", "concurrency"}


class SourcesFileError(ArchiveError):
    """The sources file, or one of its entries, cannot be used."""


def parse_interval(value: Any) -> float:
    """Seconds from 900, 900.0, "900", "90s", "15m", "2h" or "1d"."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an interval")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _INTERVAL.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not an interval (e.g. 900, 90s, 15m, 2h, 1d)")
        seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if seconds <= 0:
        raise ValueError(f"{value!r}: an interval must be positive")
    return seconds


def _interval_text(seconds: float) -> str | float:
    for unit in ("d", "h", "m"):
        if seconds >= _UNITS[unit] and seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


def _web_url(value: Any) -> str:
    parts = urlsplit(str(value))
    if not isinstance(value, str) or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


@dataclass(frozen=True)
class Source:
    """One outlet: where its article lists are and how politely to poll them."""

    name: str
    home: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()  # news sitemaps first
    language: str | None = None
    interval: float = DEFAULT_INTERVAL  # seconds between polls
    delay: float | None = None  # seconds between requests to its host
    concurrency: int | None = None  # requests in flight to its host

    @property
    def lists(self) -> tuple[str, ...]:
        """The URLs a poll fetches: feeds, then sitemaps."""
        return self.feeds + self.sitemaps

    @property
    def host(self) -> str:
        return urlsplit(self.home).hostname or ""

    @classmethod
    def from_table(cls, name: str, table: dict[str, Any]) -> Source:
        if not _NAME.match(name):
            raise ValueError("a name is letters, digits, '.', '-' or '_'")
        if not isinstance(table, dict):
            raise ValueError("expected a table of settings")
        if "home" not in table:
            raise ValueError("no home URL")
        unknown = sorted(set(table) - _KEYS)
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
        lists = {}
        for key in ("feeds", "sitemaps"):
            value = table.get(key, [])
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise ValueError(f"{key} must be a list of URLs")
            lists[key] = tuple(_web_url(url) for url in value)
        delay, concurrency = table.get("delay"), table.get("concurrency")
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0):
            raise ValueError(f"delay {delay!r} is not a number of seconds")
        if concurrency is not None and (
            isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
        ):
            raise ValueError(f"concurrency {concurrency!r} is not a positive whole number")
        return cls(
            name=name,
            home=_web_url(table["home"]),
            feeds=lists["feeds"],
            sitemaps=lists["sitemaps"],
            language=str(table["language"]) if table.get("language") else None,
            interval=parse_interval(table.get("interval", DEFAULT_INTERVAL)),
            delay=float(delay) if delay is not None else None,
            concurrency=concurrency,
        )

    def to_table(self) -> dict[str, Any]:
        table: dict[str, Any] = {"home": self.home, "feeds": list(self.feeds), "sitemaps": list(self.sitemaps)}
        if self.language:
            table["language"] = self.language
        table["interval"] = _interval_text(self.interval)
        for key in ("delay", "concurrency"):
            if getattr(self, key) is not None:
                table[key] = getattr(self, key)
        return table

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def download_slots(sources: list[Source]) -> dict[str, dict[str, float | int]]:
    """Scrapy's DOWNLOAD_SLOTS for the sources' own delay and concurrency, by host; where two
    sources share a host, the larger delay and the smaller concurrency."""
    slots: dict[str, dict[str, float | int]] = {}
    for source in sources:
        hosts = {urlsplit(url).hostname or "" for url in (source.home, *source.lists)} - {""}
        for host in hosts:
            slot = slots.setdefault(host, {})
            if source.delay is not None:
                slot["delay"] = max(float(slot.get("delay", 0.0)), source.delay)
            if source.concurrency is not None:
                slot["concurrency"] = min(int(slot.get("concurrency", source.concurrency)), source.concurrency)
    return {host: slot for host, slot in slots.items() if slot}


class SourcesFile:
    """The sources file at ``path``; a missing file is an empty watch-list."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @staticmethod
    def beside(db: str | Path) -> Path:
        """The default sources file: ``sources.toml`` in the archive's folder."""
        return Path(db).resolve().parent / "sources.toml"

    def load(self) -> list[Source]:
        if not self.path.exists():
            return []
        try:
            document = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise SourcesFileError(f"{self.path}: cannot read it ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise SourcesFileError(f"{self.path}: not valid TOML ({exc})") from None
        tables = document.get("sources", {})
        if not isinstance(tables, dict):
            raise SourcesFileError(f"{self.path}: [sources] must be a table of outlets")
        sources = []
        for name, table in tables.items():
            try:
                sources.append(Source.from_table(name, table))
            except ValueError as exc:
                raise SourcesFileError(f"{self.path}: source {name!r}: {exc}") from None
        return sources

    def get(self, name: str) -> Source:
        for source in self.load():
            if source.name == name:
                return source
        raise SourcesFileError(f"{self.path}: no source named {name!r}")

    def save(self, sources: list[Source]) -> None:
        """Write the file whole, through a temporary file, so a crash leaves the old one or the new one."""
        text = tomli_w.dumps({"sources": {s.name: s.to_table() for s in sources}})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.path)

    def add(self, source: Source, replace: bool = False) -> None:
        sources = self.load()
        if any(s.name == source.name for s in sources) and not replace:
            raise SourcesFileError(f"{self.path}: a source named {source.name!r} is there already")
        self.save([s for s in sources if s.name != source.name] + [source])

    def remove(self, name: str) -> Source:
        sources = self.load()
        found = [s for s in sources if s.name == name]
        if not found:
            raise SourcesFileError(f"{self.path}: no source named {name!r}")
        self.save([s for s in sources if s.name != name])
        return found[0]
