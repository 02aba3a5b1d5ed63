"""Reading the index: one search, whatever the engine, filtered by what the searcher may open."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import nh3
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import fastsql
from plaza.core.errors import Invalid
from plaza.core.pagination import clamp_limit, decode_cursor, encode_cursor
from plaza.search.access import USER, compiled_condition, fill, knowable_documents_q, visible_documents_q
from plaza.search.engines import get_engine
from plaza.search.models import KIND_LABELS, Document, Kind
from plaza.search.segment import prefix_last, query_words
from plaza.spaces.models import Space

MAX_QUERY = 200  # characters
SNIPPET = 160  # characters of text around the first match


@dataclass
class Hit:
    doc: Found
    snippet: str
    url: str

    @property
    def kind(self) -> str:
        return self.doc.kind

    @property
    def label(self) -> str:
        return str(KIND_LABELS[Kind(self.doc.kind)])


def check_query(q: str | None) -> str:
    """The query without leading space; a trailing space is kept (it ends the last word,
    which then no longer matches as a prefix)."""
    text = (q or "").strip()
    if not text:
        raise Invalid(_("Enter something to search for."), field="q")
    if len(text) > MAX_QUERY:
        raise Invalid(_("Search for at most %(n)d characters.") % {"n": MAX_QUERY}, field="q")
    return text + " " if (q or "")[-1].isspace() else text


def check_kinds(value: str | None) -> list[str] | None:
    """``type`` is one kind or several separated by commas; empty means every kind."""
    if not value:
        return None
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    if not kinds or any(k not in Kind.values for k in kinds):
        raise Invalid(_("Choose a valid type."), field="type")
    return kinds


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search(
    user: Any,
    *,
    q: str,
    kinds: list[str] | None = None,
    space: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> tuple[list[Hit], str | None]:
    """The newest documents ``user`` may open now that have every word of ``q`` (the last
    one as a prefix while it is being typed), one page of them.

    Newest is the index's order, the order things were created in (``do_reindex`` writes
    in that order too); the cursor names the last document's id.

    One query on SQLite; on PostgreSQL two (the matches, then the page of those the person
    may open), more only when most matches are refused (see :func:`_two_step`).

    ``q`` must have passed :func:`check_query`. A query with no searchable word (only
    punctuation or emoji) finds nothing.
    """
    words = query_words(q)
    if not words:
        return [], None
    size = clamp_limit(limit)
    before = decode_cursor(cursor)[1] if cursor else None
    engine = get_engine()
    tables, where, params = engine.match(words, prefix_last(q))[:3]
    filters, filter_params = _filters(kinds, space, date_from, date_to)
    where, params = where + filters, params + filter_params
    if engine.two_step:
        rows = _two_step(user, kinds, where, params, before, size + 1)
    else:
        access, access_params = _condition(user, kinds)
        order = engine.match(words, False)[3]
        if before is not None:
            where, params = [*where, f"{order} < %s"], [*params, before]
        sql = f"{_select(connection.vendor)[0]}{tables} WHERE {' AND '.join(where)} AND ({access}) ORDER BY {order} DESC LIMIT %s"
        rows = fastsql.fetch_all(sql, [*params, *access_params, size + 1])
    docs = [_document(row) for row in rows]
    next_cursor = None
    if len(docs) > size:
        docs = docs[:size]
        next_cursor = encode_cursor(docs[-1].created, docs[-1].pk)
    return [Hit(doc, make_snippet(doc, words), result_url(doc)) for doc in docs], next_cursor


def _condition(user: Any, kinds: list[str] | None, *, necessary_only: bool = False) -> tuple[str, list[Any]]:
    """``search.access``'s condition for ``user`` as SQL and parameters (built once per
    shape; built on the spot when a rule cannot be reused)."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    shape = tuple(sorted(kinds)) if kinds else None
    compiled = compiled_condition(connection.vendor, authenticated, shape, necessary_only=necessary_only)
    if compiled is not None:
        return compiled[0], fill(compiled[1], user)
    condition = knowable_documents_q(user) if necessary_only else visible_documents_q(user, kinds)
    query = Document.objects.filter(condition).query
    sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    return sql, list(params)


def _filters(
    kinds: list[str] | None, space: str | None, date_from: date | None, date_to: date | None
) -> tuple[list[str], list[Any]]:
    doc = fastsql.table(Document)
    where: list[str] = []
    params: list[Any] = []
    where.append(_apps_on_sql())
    if kinds:
        where.append(f"{fastsql.column(Document, 'kind', doc)} IN ({', '.join(['%s'] * len(kinds))})")
        params += kinds
    if space:
        where.append(
            f"{fastsql.column(Document, 'space', doc)} = (SELECT s.{fastsql.column(Space, 'id')} FROM {fastsql.table(Space)} s"
            f" WHERE s.{fastsql.column(Space, 'slug')} = %s)"
        )
        params.append(space)
    if date_from:
        where.append(f"{fastsql.column(Document, 'created', doc)} >= %s")
        params.append(connection.ops.adapt_datetimefield_value(_day_start(date_from)))
    if date_to:
        where.append(f"{fastsql.column(Document, 'created', doc)} < %s")
        params.append(connection.ops.adapt_datetimefield_value(_day_start(date_to + timedelta(days=1))))
    return where, params


# The app each kind belongs to: nothing of an app its space turned off is found
# (spaces.access.app_enabled), as its pages answer 404.
KINDS_OF_APP: dict[str, list[str]] = {
    "feed": [Kind.POST, Kind.COMMENT, Kind.TOPIC],
    "blogs": [Kind.BLOG],
    "announcements": [Kind.ANNOUNCEMENT],
    "events": [Kind.EVENT],
    "polls": [Kind.POLL],
    "showcase": [Kind.PRODUCT],
    "cases": [Kind.CASE],
    "groups": [Kind.MESSAGE],
}


@functools.cache
def _apps_on_sql() -> str:
    """No document of an app turned off in its space, as SQL built once from constants: the
    space's ``apps_off`` list (JSON text) must not name the document's app."""
    doc = fastsql.table(Document)
    kind = fastsql.column(Document, "kind", doc)
    app = " ".join(f"WHEN '{k}' THEN '\"{a}\"'" for a, ks in KINDS_OF_APP.items() for k in ks)
    return (
        f"NOT EXISTS (SELECT 1 FROM {fastsql.table(Space)} off_s WHERE off_s.{fastsql.column(Space, 'id')} = "
        f"{fastsql.column(Document, 'space', doc)} AND CAST(off_s.{fastsql.column(Space, 'apps_off')} AS TEXT)"
        f" LIKE ('%%' || CASE {kind} {app} END || '%%'))"
    )


# What a result shows, read with Django's converters into partial model instances (the
# index's words, ``terms``, stay unread).
_DOCUMENT = ("id", "kind", "object_id", "space", "team", "author", "ref", "title", "text", "created")
_SPACE = ("id", "slug", "name")
_AUTHOR = ("id", "name", "handle", "avatar")


@functools.cache
def _select(vendor: str) -> tuple[str, list[fastsql.Converter]]:
    """``SELECT`` … ``FROM`` the documents with their space and author (built once)."""
    from plaza.accounts.models import User

    doc = fastsql.table(Document)
    parts = [
        fastsql.columns(Document, doc, _DOCUMENT),
        fastsql.columns(Space, "search_space", _SPACE),
        fastsql.columns(User, "search_author", _AUTHOR),
    ]
    sql = (
        f"SELECT {', '.join(p.sql for p in parts)} FROM {doc}"
        f" LEFT OUTER JOIN {fastsql.table(Space)} search_space"
        f" ON search_space.{fastsql.column(Space, 'id')} = {fastsql.column(Document, 'space', doc)}"
        f" LEFT OUTER JOIN {fastsql.table(User)} search_author"
        f" ON search_author.{fastsql.column(User, 'id')} = {fastsql.column(Document, 'author', doc)}"
    )
    return sql, [c for p in parts for c in p.converters]


@dataclass(slots=True)
class FoundSpace:
    id: int
    slug: str
    name: str


@dataclass(slots=True)
class FoundAuthor:
    id: int
    name: str
    handle: str
    avatar_url: str | None

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class Found:
    """One document as a result shows it (plain values: building three model instances per
    result cost more than the search's query, measured with ``plaza bench``, G9)."""

    id: int
    kind: str
    object_id: int
    space_id: int | None
    team_id: int | None
    author_id: int | None
    ref: str
    title: str
    text: str
    created: datetime
    space: FoundSpace | None
    author: FoundAuthor | None

    @property
    def pk(self) -> int:
        return self.id


def _document(row: Any) -> Found:
    values = fastsql.convert(row, _select(connection.vendor)[1])
    n, m = len(_DOCUMENT), len(_DOCUMENT) + len(_SPACE)
    space = FoundSpace(*values[n:m]) if values[n] is not None else None
    author = None
    if values[m] is not None:
        avatar = values[m + 3]
        author = FoundAuthor(values[m], values[m + 1], values[m + 2], _avatar_storage().url(avatar) if avatar else None)
    return Found(*values[:n], space=space, author=author)  # type: ignore[misc]


@functools.cache
def _avatar_storage() -> Any:
    from plaza.accounts.models import User

    return User._meta.get_field("avatar").storage


def _two_step(
    user: Any, kinds: list[str] | None, where: list[str], params: list[Any], before: int | None, need: int
) -> list[Any]:
    """PostgreSQL: the newest matches in spaces the person may know (a small statement,
    planned for these words: the GIN index for rare ones, the primary key backwards for
    common ones), then those of them the person may open, by the prepared access check.
    While the check refuses too many, the next, larger batch of matches is read."""
    doc = fastsql.table(Document)
    pk = fastsql.column(Document, "id", doc)
    necessary, necessary_params = _condition(user, kinds, necessary_only=True)
    candidates_sql = f"SELECT {pk} FROM {doc} WHERE {' AND '.join(where)} AND ({necessary}){{before}} ORDER BY {pk} DESC LIMIT %s"
    batch = max(2 * need, 40)
    rows: list[Any] = []
    while True:
        sql = candidates_sql.format(before="" if before is None else f" AND {pk} < %s")
        extra = [] if before is None else [before]
        ids = [r[0] for r in fastsql.fetch_all(sql, [*params, *necessary_params, *extra, batch])]
        if ids:
            rows += _visible_rows(user, kinds, ids)
        if len(rows) >= need or len(ids) < batch:
            return rows[:need]
        before, batch = ids[-1], min(batch * 4, 5000)


# Names of the prepared access checks, by shape (prepared once per connection, fastsql.prepare).
_statement_names: dict[tuple[Any, ...], str] = {}


def _visible_rows(user: Any, kinds: list[str] | None, ids: list[int]) -> list[Any]:
    """The rows of documents ``ids`` that ``user`` may open now, newest first: one
    ``EXECUTE`` of a statement prepared once per connection and shape (signed in or out,
    kinds), so PostgreSQL plans the hundred subqueries of the access check once (~90 ms on
    a loaded machine) rather than on every search. Its two parameters are the documents
    and the searcher (see :func:`_prepared_text`)."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    shape = tuple(sorted(kinds)) if kinds else None
    compiled = compiled_condition(connection.vendor, authenticated, shape)
    doc = fastsql.table(Document)
    pk = fastsql.column(Document, "id", doc)
    select = _select(connection.vendor)[0]
    if compiled is None:  # a rule that cannot be reused: planned every time
        access, access_params = _condition(user, kinds)
        sql = f"{select} WHERE {pk} = ANY(%s) AND ({access}) ORDER BY {pk} DESC"
        return fastsql.fetch_all(sql, [ids, *access_params])
    key = (authenticated, shape)
    name = _statement_names.setdefault(key, f"plaza_search_{len(_statement_names)}")
    if not fastsql.is_prepared(name):
        access = _prepared_text(compiled, connection.connection)
        fastsql.prepare(name, f"{select} WHERE {pk} = ANY($1) AND ({access}) ORDER BY {pk} DESC", "bigint[], bigint")
        # PostgreSQL would plan the first five executions again (custom plans, ~100 ms
        # each on the full data set) and keep doing so while their estimate beats the
        # generic plan's. The setting reaches only the statements Plaza prepares (Django
        # binds parameters on the client): these and fastsql.fetch_all_prepared's, whose
        # generic plans were checked with EXPLAIN (the feed page's, docs/benchmarks.md).
        with connection.cursor() as cur:
            cur.execute("SET plan_cache_mode = force_generic_plan")
    return fastsql.fetch_all(f"EXECUTE {name}(%s, %s)", [ids, user.pk if authenticated else None])


def _prepared_text(compiled: tuple[str, tuple[Any, ...]], raw: Any) -> str:
    """The compiled access check as the text of a prepared statement whose parameter ``$2``
    is the searcher's id. Its other parameters (four hundred when signed in) are the rules'
    own constants (roles, kinds, statuses: values of the code, never of a request) and are
    written into the text as literals quoted by psycopg. Passed as parameters, every search
    made psycopg parse the statement and quote each of them again (its statement cache
    stops at 50 parameters): about a third of the search's CPU in the server (G9)."""
    from psycopg import sql

    values = iter(compiled[1])

    def value(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%"
        v = next(values)
        return "$2" if v is USER else sql.Literal(v).as_string(raw)

    return re.sub(r"%%|%s", value, compiled[0])


# Each kind's address, as (URL name, which argument) pairs: filled in by string, because
# reversing twenty URLs cost more than the search's query (measured with plaza bench, G9).
_ROUTES = {
    Kind.POST: ("post_detail", "pk", ""),
    Kind.COMMENT: ("post_detail", "ref", "#comment-{pk}"),
    Kind.BLOG: ("blog_detail", "pk", ""),
    Kind.ANNOUNCEMENT: ("announcement_detail", "pk", ""),
    Kind.EVENT: ("event_detail", "pk", ""),
    Kind.POLL: ("poll_detail", "pk", ""),
    Kind.PRODUCT: ("product_detail", "pk", ""),
    Kind.MAIL: ("mail_thread", "pk", ""),
    Kind.MESSAGE: ("chat_group", "ref", "#message-{pk}"),
    Kind.USER: ("person", "ref", ""),
}
_MARK = "9999999999"


@functools.lru_cache(maxsize=32)
def _url_template(name: str, with_slug: bool) -> str:
    args = ["s" + _MARK, _MARK] if with_slug else [_MARK]
    return reverse(name, args=args)


def result_url(doc: Found) -> str:
    k = Kind(doc.kind)
    if k in _ROUTES:
        name, arg, anchor = _ROUTES[k]
        value = str(doc.object_id) if arg == "pk" else quote(doc.ref, safe="")
        return _url_template(name, False).replace(_MARK, value, 1) + anchor.format(pk=doc.object_id)
    slug = doc.space.slug if doc.space is not None else ""
    if k == Kind.SPACE:
        return reverse("space_home", args=[slug])
    name = "case_detail" if k == Kind.CASE else "topic_feed"
    return _url_template(name, True).replace("s" + _MARK, slug, 1).replace(_MARK, quote(doc.ref, safe=""), 1)


def _lowered(text: str) -> str:
    """``text`` in lower case, one character for one (so positions match the original)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join((c.lower() or c)[0] for c in text)


def make_snippet(doc: Found, words: list[str]) -> str:
    """Safe HTML: a piece of the text around the first matched word, every word in <mark>."""
    text = re.sub(r"\s+", " ", doc.text).strip()
    low = _lowered(text)
    hits = [i for i in (low.find(w) for w in words) if i >= 0]
    if not hits and doc.title:  # matched in the title only: show the title
        text = re.sub(r"\s+", " ", doc.title).strip()
        low = _lowered(text)
        hits = [i for i in (low.find(w) for w in words) if i >= 0]
    first = min(hits) if hits else 0
    start = max(0, first - SNIPPET // 3)
    end = min(len(text), start + SNIPPET)
    piece, low_piece = text[start:end], low[start:end]
    # Every occurrence of every word; touching ones (品鉴 + 会) become one mark.
    spans: list[list[int]] = []
    for a, b in sorted((m.start(), m.start() + len(w)) for w in words for m in re.finditer(re.escape(w), low_piece)):
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    out: list[str] = ["…" if start else ""]
    at = 0
    for a, b in spans:
        out.append(html.escape(piece[at:a]))
        out.append(f"<mark>{html.escape(piece[a:b])}</mark>")
        at = b
    out.append(html.escape(piece[at:]))
    out.append("…" if end < len(text) else "")
    return nh3.clean("".join(out), tags={"mark"}, attributes={})


def index_size() -> dict[str, Any]:
    """Documents in the index and the engine's size on disk (for ``plaza bench``)."""
    return {"documents": Document.objects.count(), "bytes": get_engine().size_bytes()}
