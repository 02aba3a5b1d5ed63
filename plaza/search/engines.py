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

PREFIX_INDEX = 3  # FTS5 keeps prefix indexes of 1, 2 and 3 characters

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "terms, content='search_document', content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
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
    # Whether the engine's matches are read first and checked for access by a second query
    # (PostgreSQL: see PostgresEngine), rather than in one statement with the access check.
    two_step: bool

    def match(self, words: list[str], prefix: bool) -> tuple[str, list[str], list[Any], str]:
        """The documents having every word (the last one as a prefix when ``prefix``), as
        SQL on ``"search_document"``: tables to add to ``FROM`` (text starting with a comma,
        or empty), conditions, their parameters, and the column to order by, newest first
        (the index is written in creation order)."""
        ...

    def size_bytes(self) -> int | None:
        """The index's size on disk (documents and the engine's own index), when the
        database can tell."""
        ...


class SQLiteEngine:
    """FTS5 drives the query: it yields the matching rowids newest first and stops as soon as
    the page is full (the document table and the access checks are visited per match)."""

    two_step = False

    def match(self, words: list[str], prefix: bool) -> tuple[str, list[str], list[Any], str]:
        terms = [f'"{w}"' for w in words]  # words are letters and digits only: quoting is enough
        where = ['search_fts.rowid = "search_document"."id"', "search_fts MATCH %s"]
        params: list[Any] = []
        if prefix:
            # FTS5 answers a prefix of 1 to 3 characters from its prefix index, streaming the
            # newest first; a longer prefix would merge every matching word's entries first
            # (40 ms for a word in 100,000 posts). So the first three characters are matched
            # there and the whole prefix checked on the document's words: with instr(), as
            # both sides are case-folded letters and digits (LIKE '% word%' cost ~12 µs per
            # match on a post's words, 1.7 of the search's 2.3 ms of CPU; instr 0.3 ms).
            last = words[-1]
            terms[-1] = f'"{last[:PREFIX_INDEX]}"*'
            if len(last) > PREFIX_INDEX:
                where.append('instr(\' \' || "search_document"."terms", %s) > 0')
                params.append(f" {last}")
        params.insert(0, " ".join(terms))
        return ", search_fts", where, params, "search_fts.rowid"

    def size_bytes(self) -> int | None:
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%%' OR name LIKE 'search_document%%'")
            except Exception:  # dbstat is a compile-time option of SQLite
                return None
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None


class PostgresEngine:
    """The planner picks the GIN index for rare words; for common ones it walks the primary
    key backwards and checks the stored ``tsvector`` of each row until the page is full. That
    choice needs the words in hand when the statement is planned, while planning the access
    check (a hundred subqueries) cost more than running it: so the matches are read by a
    small statement planned each time, and the access check is a prepared statement planned
    once per connection (``search.queries``)."""

    two_step = True

    def match(self, words: list[str], prefix: bool) -> tuple[str, list[str], list[Any], str]:
        terms = list(words)  # letters and digits only: no tsquery operator can get in
        if prefix:
            terms[-1] += ":*"
        return (
            "",
            ['"search_document"."vector" @@ to_tsquery(\'simple\'::regconfig, %s)'],
            [" & ".join(terms)],
            '"search_document"."id"',
        )

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
