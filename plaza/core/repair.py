"""Repairs of rows written before input was validated (issue 19), for data migrations.

Each function works on raw SQL through the migration's connection, so it reads rows the ORM
cannot load (a PostgreSQL date before year 1 makes psycopg fail), and does nothing on clean
data. See ``core/validation.py`` for the rules the repaired rows now follow.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from plaza.core.validation import MAX_YEAR, MIN_YEAR

LOWEST = datetime(MIN_YEAR, 1, 2, tzinfo=UTC)  # a day in: a time-zone shift stays within the year
HIGHEST = datetime(MAX_YEAR, 12, 30, tzinfo=UTC)


def _table_exists(connection: BaseDatabaseWrapper, table: str) -> bool:
    with connection.cursor() as cursor:
        return table in connection.introspection.table_names(cursor)


def clamp_datetimes(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: list[str],
    *,
    nullable: tuple[str, ...] = (),
    ordered: tuple[str, str] | None = None,
) -> int:
    """Move every value of ``columns`` outside the years 1900–2200 to the nearest bound;
    ``nullable`` columns are cleared instead. With ``ordered`` = (start, end), an end that no
    longer comes after its start becomes start + 1 hour. Returns the number of rows changed."""
    if not _table_exists(connection, table):
        return 0
    qn = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    low, high = adapt(LOWEST), adapt(HIGHEST)
    changed: set[Any] = set()
    with connection.cursor() as cursor:
        for column in columns:
            col = qn(column)
            cursor.execute(f"SELECT id FROM {qn(table)} WHERE {col} < %s OR {col} > %s", [low, high])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                continue
            changed.update(ids)
            if column in nullable:
                cursor.execute(f"UPDATE {qn(table)} SET {col} = NULL WHERE {col} < %s OR {col} > %s", [low, high])
            else:
                cursor.execute(f"UPDATE {qn(table)} SET {col} = %s WHERE {col} < %s", [low, low])
                cursor.execute(f"UPDATE {qn(table)} SET {col} = %s WHERE {col} > %s", [high, high])
        if ordered and changed:
            start, end = (qn(c) for c in ordered)
            cursor.execute(f"SELECT id, {start} FROM {qn(table)} WHERE {end} <= {start}")
            for pk, begins in cursor.fetchall():
                if isinstance(begins, str):  # SQLite: raw SQL applies no converters (naive UTC text)
                    begins = datetime.fromisoformat(begins).replace(tzinfo=UTC)
                cursor.execute(f"UPDATE {qn(table)} SET {end} = %s WHERE id = %s", [adapt(begins + timedelta(hours=1)), pk])
    return len(changed)


def clean_json_text(value: Any) -> Any:
    """``value`` (parsed JSON) with NUL and lone surrogates removed from every string."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF)
    if isinstance(value, list):
        return [clean_json_text(item) for item in value]
    if isinstance(value, dict):
        return {clean_json_text(key): clean_json_text(item) for key, item in value.items()}
    return value


def clean_json_columns(connection: BaseDatabaseWrapper, table: str, columns: list[str]) -> int:
    """Remove NUL and lone surrogates from the strings of JSON ``columns``.

    Only SQLite could store them (as ``\\u0000``/``\\ud800`` escapes in the JSON text);
    PostgreSQL's jsonb refuses both, so there it does nothing. Returns the rows changed."""
    if connection.vendor != "sqlite" or not _table_exists(connection, table):
        return 0
    qn = connection.ops.quote_name
    changed = 0
    with connection.cursor() as cursor:
        for column in columns:
            col = qn(column)
            # Both escapes start with "\u" followed by 0 or d: a cheap filter before parsing.
            cursor.execute(f"SELECT id, {col} FROM {qn(table)} WHERE {col} LIKE %s ESCAPE '!'", ["%\\u%"])
            for pk, raw in cursor.fetchall():
                try:
                    value = json.loads(raw)
                except (TypeError, ValueError):
                    continue
                cleaned = clean_json_text(value)
                if cleaned != value:
                    cursor.execute(f"UPDATE {qn(table)} SET {col} = %s WHERE id = %s", [json.dumps(cleaned), pk])
                    changed += 1
    return changed
