"""The two full-text engines behind one interface, chosen by ``connection.vendor``.

Both index ``search_document.terms`` (words already segmented by ``search.segment``) and
answer "the documents having every query word (the last one as a prefix)":

- SQLite: an FTS5 table with external content (``search_fts``), kept in step with
  ``search_document`` by triggers, so every write of the table updates it in the same
  transaction;
- PostgreSQL: a stored ``tsvector`` column of the ``simple`` configuration (no stemming, no
  stop words: the words are already cut) with a GIN index.

The match expression is built from the query's words only (letters and digits, each quoted
for FTS5), never from the raw query: no user text reaches FTS5's or tsquery's syntax.

A third engine (an external search server) would implement :class:`Engine` and be chosen
here; see docs/search.md.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import connection

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "terms, content='search_document', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN"
    " INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms);"
    " INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_INSTALL = [
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_document USING GIN (vector)",
]
POSTGRES_UNINSTALL = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


class Engine(Protocol):
    def match_sql(self, words: list[str], prefix: bool) -> tuple[str, list[Any]]:
        """A condition on ``search_document`` (aliased by Django as its table name) that
        holds for the documents having every word, and its parameters."""
        ...

    def size_bytes(self) -> int | None:
        """The engine's index size on disk, when the database can tell."""
        ...


class SQLiteEngine:
    def match_sql(self, words: list[str], prefix: bool) -> tuple[str, list[Any]]:
        terms = [f'"{w}"' for w in words]
        if prefix:
            terms[-1] += "*"
        return ('"search_document"."id" IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)', [" ".join(terms)])

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%%' OR name LIKE 'search_document%%'")
            except Exception:  # dbstat is a compile-time option of SQLite
                return None
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None


class PostgresEngine:
    def match_sql(self, words: list[str], prefix: bool) -> tuple[str, list[Any]]:
        terms = list(words)
        if prefix:
            terms[-1] += ":*"
        return '"search_document"."vector" @@ to_tsquery(\'simple\'::regconfig, %s)', [" & ".join(terms)]

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_document')")
            row = cursor.fetchone()
        return int(row[0]) if row else None


def get_engine() -> Engine:
    return PostgresEngine() if connection.vendor == "postgresql" else SQLiteEngine()


def install(schema_editor: Any) -> None:
    """Create the engine's index beside ``search_document`` (the migration; idempotent)."""
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_INSTALL if vendor == "postgresql" else SQLITE_INSTALL if vendor == "sqlite" else []:
        schema_editor.execute(sql)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRES_UNINSTALL if vendor == "postgresql" else SQLITE_UNINSTALL if vendor == "sqlite" else []:
        schema_editor.execute(sql)
