"""Python values to and from what DuckDB stores: UTC timestamps, JSON text, Arrow tables."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import pyarrow as pa


def utc(value: datetime | None) -> datetime | None:
    """Aware datetimes in UTC; naive ones are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def to_json(value: Any) -> str | None:
    """JSON text for a JSON column; empty values are stored as NULL."""
    return json.dumps(value, ensure_ascii=False, default=str) if value else None


def from_json(value: str | None) -> Any:
    return json.loads(value) if value else None


def table(schema: pa.Schema, rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """An Arrow table of ``rows`` (dicts keyed by the schema's column names)."""
    return pa.table({name: [row[name] for row in rows] for name in schema.names}, schema=schema)
