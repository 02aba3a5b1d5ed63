"""Fast queries: SQL written once per shape, every name taken from the models.

The hottest reads (the space feed page, reading a post, the API token lookup, reaching a
space) skip the ORM's query compiler: compiling their querysets cost ~1 ms of CPU per
request, running them a few dozen microseconds (docs/benchmarks.md). They are written
with this module, the one way to write such a query:

    cols = columns(Post, "p", ("id", "body"))           # p."id", p."body" + converters
    sql = render("SELECT {cols} FROM {p} p WHERE {p.space} = %(space)s", {"p": Post}, cols=cols.sql)

- Table and column names come from ``_meta`` (``render``, ``table``, ``column``,
  ``columns``), quoted by the connection, so renaming a field or a table cannot leave a stale name behind.
- Values come back through Django's own converters (``convert``/``convert_rows``), so a
  row reads exactly as the ORM would read it (aware datetimes, booleans, JSON...);
  ``instance`` builds a model instance from converted values like ``QuerySet`` does.
- Build the text once per shape (``functools.cache`` on a function of the vendor and the
  shape) and pass values as parameters: never format a value into the text.

``core/tests/test_fastsql.py`` checks every helper against the ORM.
"""

from __future__ import annotations

import functools
import hashlib
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model

# (converter functions, the column expression they take) for one selected column.
Converter = tuple[list[Any], Any]


def table(model: type[Model]) -> str:
    """The quoted table of ``model``."""
    return str(connection.ops.quote_name(model._meta.db_table))


def column(model: type[Model], name: str, alias: str | None = None) -> str:
    """The quoted column of field ``name`` (``"team"`` gives ``team_id``), after ``alias.``."""
    quoted = str(connection.ops.quote_name(str(model._meta.get_field(name).column)))  # type: ignore[union-attr]
    return f"{alias}.{quoted}" if alias else quoted


@dataclass(frozen=True)
class Columns:
    """Selected columns of one model under one alias, and their converters."""

    model: type[Model]
    names: list[str]  # alias.column, quoted
    converters: list[Converter]

    @property
    def sql(self) -> str:
        return ", ".join(self.names)

    def __len__(self) -> int:
        return len(self.names)


def columns(model: type[Model], alias: str, names: Sequence[str] | None = None) -> Columns:
    """``alias.column`` for each field of ``names`` (default: every concrete field, in the
    order ``instance`` expects), with each one's converters from the database."""
    fields = model._meta.concrete_fields if names is None else [model._meta.get_field(n) for n in names]
    sql: list[str] = []
    converters: list[Converter] = []
    for field in fields:
        sql.append(f"{alias}.{connection.ops.quote_name(str(field.column))}")  # type: ignore[union-attr]
        col = field.get_col(alias)  # type: ignore[union-attr]
        converters.append((connection.ops.get_db_converters(col) + col.get_db_converters(connection), col))
    return Columns(model, sql, converters)


def no_conversion(count: int) -> list[Converter]:
    """Converters for ``count`` computed columns read as the database gives them."""
    return [([], None)] * count


def convert(row: Iterable[Any], converters: Sequence[Converter]) -> list[Any]:
    """One row with Django's converters applied (NULLs are left alone: every converter
    returns None for None)."""
    values = []
    for value, (funcs, col) in zip(row, converters, strict=True):
        if value is not None:
            for func in funcs:
                value = func(value, col, connection)
        values.append(value)
    return values


def convert_rows(rows: Iterable[Sequence[Any]], converters: Sequence[Converter]) -> list[list[Any]]:
    """Many rows, visiting only the columns that have converters (a feed page is 20 rows of
    20 columns, most of them integers and text that need none)."""
    active = [(i, funcs, col) for i, (funcs, col) in enumerate(converters) if funcs]
    out = []
    for row in rows:
        values = list(row)
        for i, funcs, col in active:
            value = values[i]
            if value is not None:
                for func in funcs:
                    value = func(value, col, connection)
                values[i] = value
        out.append(values)
    return out


@functools.cache
def attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def instance(model: type[Model], values: Sequence[Any]) -> Any:
    """A ``model`` instance from the converted values of ``columns(model, alias)`` (all
    concrete fields); None when the row's primary key is NULL (an outer join found none)."""
    if values[_pk_index(model)] is None:
        return None
    return model.from_db(connection.alias, attnames(model), list(values))


@functools.cache
def _pk_index(model: type[Model]) -> int:
    return attnames(model).index(model._meta.pk.attname)


_NAME = re.compile(r"\{(\w+)(?:\.(\w+))?\}")


def render(template: str, models: dict[str, type[Model]], **text: str) -> str:
    """SQL from ``template`` with every name taken from the models.

    ``models`` binds aliases to models: ``{p}`` is the quoted table of the model bound to
    ``p`` and ``{p.space}`` its quoted column of field ``space`` after ``p.``. Any other
    ``{name}`` is replaced by ``text[name]`` (SQL built by the caller, e.g. a column list).
    Parameters stay ``%(name)s``/``%s``, passed to the cursor, never formatted in.
    """

    def name(match: re.Match[str]) -> str:
        alias, field = match.group(1), match.group(2)
        if field is not None:
            return column(models[alias], field, alias)
        if alias in models:
            return table(models[alias])
        return text[alias]

    return _NAME.sub(name, template)


def placeholders(prefix: str, count: int) -> str:
    """``%(prefix0)s, %(prefix1)s, ...`` for an ``IN`` list of ``count`` named parameters."""
    return ", ".join(f"%({prefix}{i})s" for i in range(count))


def insert(obj: Model) -> None:
    """Insert the new instance ``obj`` as ``obj.save()`` would, and set its primary key.

    Each value goes through its field's ``pre_save`` and ``get_db_prep_save``, as in the ORM's
    own insert, but the statement is built once per model instead of compiled per call (~0.3 ms
    of CPU). No signals are sent: use it only for models no receiver listens to.
    """
    model = type(obj)
    fields = _insert_fields(model)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor, model), params)
        row = cursor.fetchone()
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias


@functools.cache
def _insert_fields(model: type[Model]) -> list[Any]:
    if model._meta.pk is not model._meta.auto_field:
        raise TypeError(f"fastsql.insert needs an automatic primary key: {model.__name__} has none")
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@functools.cache
def _insert_sql(vendor: str, model: type[Model]) -> str:
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in _insert_fields(model))
    values = ", ".join(["%s"] * len(_insert_fields(model)))
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    return f"INSERT INTO {table(model)} ({names}) VALUES ({values}) RETURNING {pk}"


# The statements prepared on each PostgreSQL connection (psycopg's), by name.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PARAM = re.compile(r"%%|%\((\w+)\)s")


def is_prepared(name: str) -> bool:
    """Whether this PostgreSQL connection has prepared statement ``name`` (``prepare``)."""
    connection.ensure_connection()
    return name in _prepared.get(connection.connection, ())


def prepare(name: str, text: str, types: str = "") -> bool:
    """``PREPARE name (types) AS text`` on this PostgreSQL connection unless it was; True
    when it was prepared now. ``name`` must stand for one text only."""
    if is_prepared(name):
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE {name} {f'({types}) ' if types else ''}AS {text}")
    _prepared.setdefault(connection.connection, set()).add(name)
    return True


@functools.cache
def _positional(sql: str) -> tuple[str, str, tuple[str, ...], str]:
    """The statement's name (from its text), ``sql`` with ``%(name)s`` turned into ``$1``,
    ``$2``... (one number per name) and ``%%`` into ``%``, the names in number order, and the
    ``EXECUTE`` that runs it with those parameters."""
    order: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    text = _PARAM.sub(number, sql)
    name = "plaza_" + hashlib.blake2s(sql.encode(), digest_size=10).hexdigest()
    execute = f"EXECUTE {name} ({', '.join(['%s'] * len(order))})" if order else f"EXECUTE {name}"
    return name, text, tuple(order), execute


def fetch_all_prepared(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """``fetch_all(sql, params)`` that PostgreSQL plans once per connection.

    Django binds parameters on the client, so PostgreSQL parses and plans every statement
    it is sent; for the feed page that is most of its work (~0.8 ms of planning against
    ~0.3 ms of execution). Here the statement is ``PREPARE``d the first time a connection
    runs it (a prepared statement outlives a rollback and lives as long as the pooled
    connection), then run with ``EXECUTE``. Parameters are named (``%(name)s``). Write
    ``LIMIT`` as a literal: a generic plan guesses a parameter's limit at a tenth of the
    rows. Elsewhere (SQLite) it is ``fetch_all``.
    """
    if connection.vendor != "postgresql":
        return fetch_all(sql, params)
    name, text, order, execute = _positional(sql)
    prepare(name, text)
    with connection.cursor() as cursor:
        cursor.execute(execute, [params[key] for key in order])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def fetch_one(sql: str, params: Any) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def fetch_all(sql: str, params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
