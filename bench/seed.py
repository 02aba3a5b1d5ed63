"""Deterministic bench data, written by bulk SQL (never the ORM row by row).

PostgreSQL gets ``COPY … FROM STDIN`` in text format; SQLite gets ``executemany`` in one big
transaction per table. Every value is a function of the row number, so two runs of the same
preset produce the same data set, and every count the application keeps (like_count,
comment_count, unread_notifications) matches the rows written.

Shape (see presets.py for the sizes):

- people ``p1`` … ``pN``, each with the API token ``token_for(i)`` (only its SHA-256 stored);
- space ``bench-1`` holds everyone (person 1 owns every space) and 10% of the posts; every
  other person is also in one more space; each space has teams, the first one private;
- posts spread over the last year, one in five in a team, one in fifty a share of an older
  post; likes, comments and notifications per post or person by fixed formulas;
- discussion groups in ``bench-1`` of 10, 100 and 1,000 people (``CHAT_GROUP_SIZES``, capped at
  the number of people): group ``k`` holds people 1..size, person 1 its creator (``chat_groups``).
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from bench.presets import Preset

BIG_SPACE = "bench-1"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # fixed, so the data set does not depend on the day
YEAR = timedelta(days=365)
FILLER = (
    "Plaza bench data: a short status update about the wine tasting, the quarterly report and "
    "the next meetup. 本周五下午三点在会议室举行品酒会，欢迎大家参加。"
)
SEARCH_PATH = "/api/v1/search?q=tasting&limit=20"  # G9: a word every post has, 20 hits a page
HEAVY_STRIDE = 7  # a heavy reader liked every 7th post back from the newest (all spaces)
CHAT_GROUP_SIZES = (10, 100, 1_000)  # discussion groups in bench-1 (G6 measures the largest)
MARK_TABLE = "bench_meta"
WRITE_TABLE = "bench_write"  # the B_w baseline inserts here


def token_for(i: int) -> str:
    """The API token of bench person ``i`` (deterministic, so clients can compute it)."""
    return f"plzbench-{i:07d}-token"


def chat_groups(people: int) -> list[tuple[int, int]]:
    """(group id, member count) of the seeded discussion groups; members are people 1..count."""
    return [(k, min(size, people)) for k, size in enumerate(CHAT_GROUP_SIZES, start=1)]


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- writing rows ------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _model_defaults(table: str, columns: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The table's NOT NULL columns the seeder does not write, with the model's default for each.

    Django keeps defaults in Python, not in the database: a column added later (a profile's
    ``bio``, a group's ``kind``) would fail the bulk insert. Taken from the model, so the
    seeder keeps working when a model grows a field with a default.
    """
    from django.apps import apps

    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    if model is None:
        return [], []
    names: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.column is None or field.column in columns or field.null or field.primary_key:
            continue
        value = field.get_default()
        if value is None:
            raise SystemExit(f"bench/seed.py: {table}.{field.column} is NOT NULL without a default: seed it")
        names.append(field.column)
        values.append(json.dumps(value) if isinstance(value, (dict, list)) else value)
    return names, values


def write_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 50_000) -> int:
    """Insert ``rows`` into ``table``: COPY on PostgreSQL, executemany on SQLite. NOT NULL
    columns not in ``columns`` get their model's default (``_model_defaults``)."""
    extra_columns, extra_values = _model_defaults(table, columns)
    if extra_columns:
        columns = [*columns, *extra_columns]
        rows = ((*row, *extra_values) for row in rows)
    count = 0
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
            buf = io.StringIO()
            for row in rows:
                buf.write("\t".join(_copy_text(v) for v in row))
                buf.write("\n")
                count += 1
                if count % chunk == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cur:
        for row in rows:
            # Django keeps SQLite datetimes as naive UTC text (str() of the value): do the same.
            batch.append([str(v.astimezone(UTC).replace(tzinfo=None)) if isinstance(v, datetime) else v for v in row])
            if len(batch) >= chunk:
                cur.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            count += len(batch)
    return count


# --- the data set ------------------------------------------------------------------------


class Shape:
    """Row formulas of one preset, shared by the seeder and the load clients."""

    def __init__(self, preset: Preset) -> None:
        self.p = preset
        self.n = preset.people
        self.s = preset.spaces
        self.t = preset.teams_per_space
        self.likes_per_post = max(preset.likes // max(preset.posts, 1), 0)
        self.comments_per_post = max(preset.comments // max(preset.posts, 1), 0)
        self.step = YEAR / max(preset.posts, 1)
        # Heavy readers: the last ``h`` people each liked the same ``heavy_likes`` posts, every
        # HEAVY_STRIDE-th post back from the newest, in every space (G1 for a heavy reader).
        self.h = min(preset.heavy_readers, max(self.n - 2, 0))
        self.heavy_likes = min(preset.heavy_likes, preset.posts // HEAVY_STRIDE) if self.h else 0
        self.heavy_from = preset.posts - HEAVY_STRIDE * (self.heavy_likes - 1)

    def heavy_liked(self, p: int) -> bool:
        return self.heavy_likes > 0 and p >= self.heavy_from and (self.p.posts - p) % HEAVY_STRIDE == 0

    def heavy_people(self) -> range:
        """The heavy readers (the last people)."""
        return range(self.n - self.h + 1, self.n + 1)

    def post_space(self, p: int) -> int:
        return 1 if p % 10 == 0 or self.s == 1 else 2 + p % (self.s - 1)

    def team_id(self, space: int, k: int) -> int:
        return (space - 1) * self.t + k + 1

    def post_team(self, p: int, space: int) -> int | None:
        if self.t == 0 or p % 5 != 1:
            return None
        return self.team_id(space, (p // 5) % self.t)

    def post_created(self, p: int) -> datetime:
        return EPOCH - YEAR + self.step * p

    def base_like_count(self, p: int) -> int:
        return p % (2 * self.likes_per_post + 1) if self.likes_per_post else 0

    def like_count(self, p: int) -> int:
        return self.base_like_count(p) + (self.h if self.heavy_liked(p) else 0)

    def comment_count(self, p: int) -> int:
        return p % (2 * self.comments_per_post + 1) if self.comments_per_post else 0

    def like_users(self, p: int) -> list[int]:
        # Everyone but the heavy readers, whose likes follow (so no (post, person) repeats).
        people = self.n - self.h
        step = max(people // 7, 1)
        return [(p * 31 + j * step) % people + 1 for j in range(self.base_like_count(p))] + (
            list(self.heavy_people()) if self.heavy_liked(p) else [])

    def other_space(self, i: int) -> int:
        """The one space besides bench-1 that person ``i`` belongs to."""
        return 2 + i % (self.s - 1) if self.s > 1 else 1


def _people(shape: Shape) -> Iterator[tuple[Any, ...]]:
    for i in range(1, shape.n + 1):
        yield (i, "!bench", None, i == 1, f"p{i}@bench.invalid", f"Person {i}", f"p{i}", "", "en", "UTC", True,
               i == 1, EPOCH - YEAR, 0)


def _tokens(shape: Shape) -> Iterator[tuple[Any, ...]]:
    now = datetime.now(UTC)
    for i in range(1, shape.n + 1):
        key = token_for(i)
        yield (i, i, "bench", _hash(key), key[:8], now, now, None)


def _spaces(shape: Shape) -> Iterator[tuple[Any, ...]]:
    for j in range(1, shape.s + 1):
        yield (j, f"bench-{j}", f"Bench space {j}", "", "", "private", "invite", None, 1, 1, EPOCH - YEAR)


def _memberships(shape: Shape) -> Iterator[tuple[Any, ...]]:
    pk = 0
    for i in range(1, shape.n + 1):
        for j in sorted({1, shape.other_space(i)} if i != 1 else set(range(1, shape.s + 1))):
            pk += 1
            yield (pk, j, i, "owner" if i == 1 else "member", EPOCH - YEAR)


def _teams(shape: Shape) -> Iterator[tuple[Any, ...]]:
    for j in range(1, shape.s + 1):
        for k in range(shape.t):
            yield (shape.team_id(j, k), j, f"Team {k + 1}", "", "private" if k == 0 else "public", 1, EPOCH - YEAR)


def _team_memberships(shape: Shape) -> Iterator[tuple[Any, ...]]:
    if shape.t == 0:
        return
    pk = 0
    for i in range(2, shape.n + 1):
        for j in sorted({1, shape.other_space(i)}):
            pk += 1
            yield (pk, j, shape.team_id(j, i % shape.t), i, "member", EPOCH - YEAR)


def _posts(shape: Shape) -> Iterator[tuple[Any, ...]]:
    for p in range(1, shape.p.posts + 1):
        space = shape.post_space(p)
        body = f"Post {p}. {FILLER}"
        shared = p - 997 if p % 50 == 7 and p > 1000 else None
        yield (p, space, shape.post_team(p, space), (p * 7919) % shape.n + 1, body, f"<p>{body}</p>",
               shape.post_created(p), None, False, None, shape.like_count(p), shape.comment_count(p), 0, shared, "[]")


def _likes(shape: Shape) -> Iterator[tuple[Any, ...]]:
    pk = 0
    for p in range(1, shape.p.posts + 1):
        space, created = shape.post_space(p), shape.post_created(p)
        for j, uid in enumerate(shape.like_users(p)):
            pk += 1
            yield (pk, space, p, uid, created + timedelta(minutes=j + 1))


def _comments(shape: Shape) -> Iterator[tuple[Any, ...]]:
    pk = 0
    for p in range(1, shape.p.posts + 1):
        space, created = shape.post_space(p), shape.post_created(p)
        for j in range(shape.comment_count(p)):
            pk += 1
            body = f"Comment {j + 1} on post {p}: agreed, see you there."
            yield (pk, space, p, (p * 17 + j * 101) % shape.n + 1, body, f"<p>{body}</p>", None,
                   created + timedelta(minutes=j + 1))


def _notifications(shape: Shape) -> Iterator[tuple[Any, ...]]:
    total, posts = shape.p.notifications, max(shape.p.posts, 1)
    for k in range(1, total + 1):
        recipient = k % shape.n + 1
        actor = (k * 7) % shape.n + 1
        post = (k * 7919) % posts + 1
        created = EPOCH - timedelta(minutes=total - k)
        data = json.dumps({"actor": f"Person {actor}", "count": 1})
        yield (k, recipient, actor, "post_like", shape.post_space(post), None, "post", post, data, created,
               None if k % 3 == 0 else created, created)


def _chat_groups(shape: Shape) -> Iterator[tuple[Any, ...]]:
    # As do_create_group writes a group: in the space, created by person 1.
    for gid, size in chat_groups(shape.n):
        yield (gid, 1, f"Bench group of {size}", 1, EPOCH - YEAR)


def _chat_members(shape: Shape) -> Iterator[tuple[Any, ...]]:
    # As do_create_group writes its members: the creator first (role creator), then the others
    # (role member), all at the group's creation time and with nothing read yet (marker 0).
    pk = 0
    for gid, size in chat_groups(shape.n):
        for i in range(1, size + 1):
            pk += 1
            yield (pk, 1, gid, i, "creator" if i == 1 else "member", 0, EPOCH - YEAR)


TABLES: list[tuple[str, list[str], Callable[[Shape], Iterator[tuple[Any, ...]]]]] = [
    ("accounts_user", ["id", "password", "last_login", "is_superuser", "email", "name", "handle", "avatar", "language",
                       "timezone", "is_active", "is_staff", "date_joined", "unread_notifications"], _people),
    ("accounts_apitoken", ["id", "user_id", "name", "key_hash", "prefix", "created", "last_used", "revoked_at"], _tokens),
    ("spaces_space", ["id", "slug", "name", "description", "logo", "visibility", "join_policy", "parent_id", "depth",
                      "created_by_id", "created"], _spaces),
    ("spaces_membership", ["id", "space_id", "user_id", "role", "created"], _memberships),
    ("spaces_team", ["id", "space_id", "name", "description", "visibility", "created_by_id", "created"], _teams),
    ("spaces_teammembership", ["id", "space_id", "team_id", "user_id", "role", "created"], _team_memberships),
    ("feed_post", ["id", "space_id", "team_id", "author_id", "body", "html", "created", "edited_at", "deleted",
                   "pinned_at", "like_count", "comment_count", "share_count", "shared_post_id", "attachment_data"], _posts),
    ("feed_like", ["id", "space_id", "post_id", "user_id", "created"], _likes),
    ("feed_comment", ["id", "space_id", "post_id", "author_id", "body", "html", "reply_to_id", "created"], _comments),
    ("notifications_notification", ["id", "recipient_id", "actor_id", "kind", "space_id", "team_id", "target_type",
                                    "target_id", "data", "created", "read_at", "emailed_at"], _notifications),
    ("chat_group", ["id", "space_id", "name", "created_by_id", "created"], _chat_groups),
    ("chat_groupmember", ["id", "space_id", "group_id", "user_id", "role", "last_read_message_id", "created"],
     _chat_members),
]


def _posts_sql(shape: Shape) -> str:
    """``_posts`` as one INSERT … SELECT over generate_series, for PostgreSQL.

    The same formulas, computed by the server: 10 million posts do not pass through Python.
    (Times may differ from ``_posts`` by a microsecond of rounding; the data set is still the
    same on every run.)
    """
    s, t, n, lpp, cpp = shape.s, shape.t, shape.n, shape.likes_per_post, shape.comments_per_post
    space = "1" if s == 1 else f"(CASE WHEN p % 10 = 0 THEN 1 ELSE 2 + p % {s - 1} END)"
    team = "NULL" if t == 0 else f"(CASE WHEN p % 5 <> 1 THEN NULL ELSE ({space} - 1) * {t} + (p / 5) % {t} + 1 END)"
    likes = f"p % {2 * lpp + 1}" if lpp else "0"
    if shape.heavy_likes:
        likes = (f"{likes} + CASE WHEN p >= {shape.heavy_from} AND ({shape.p.posts} - p) % {HEAVY_STRIDE} = 0 "
                 f"THEN {shape.h} ELSE 0 END")
    comments = f"p % {2 * cpp + 1}" if cpp else "0"
    epoch = (EPOCH - YEAR).isoformat()
    step_us = YEAR / timedelta(microseconds=1) / max(shape.p.posts, 1)
    filler = FILLER.replace("'", "''")
    return (
        "INSERT INTO feed_post (id, space_id, team_id, author_id, body, html, created, edited_at, deleted, pinned_at, "
        "like_count, comment_count, share_count, shared_post_id, attachment_data) "
        f"SELECT p, {space}, {team}, (p * 7919) % {n} + 1, 'Post ' || p || '. {filler}', "
        f"'<p>Post ' || p || '. {filler}</p>', TIMESTAMPTZ '{epoch}' + make_interval(secs => p * {step_us} / 1e6), "
        f"NULL, false, NULL, {likes}, {comments}, 0, CASE WHEN p % 50 = 7 AND p > 1000 THEN p - 997 END, '[]' "
        f"FROM generate_series(1::bigint, {shape.p.posts}::bigint) AS p"
    )


def _search_documents(shape: Shape) -> Iterator[tuple[Any, ...]]:
    """The search index of the seeded people, spaces, posts and comments, as the apps' actions
    would write it (``search.documents``), in creation order (posts with their comments).

    The texts differ only by their numbers, so jieba cuts each template once and the number
    is put in: 1M posts are indexed in seconds, not the minutes segmenting each would take.
    """
    from plaza.search.documents import plain
    from plaza.search.segment import index_terms

    cuts: dict[str, str] = {}

    def terms_of(template: str, *numbers: int) -> str:
        # Words of the template with 9000000, 9000001 … standing for the numbers (cut once).
        if template not in cuts:
            cuts[template] = index_terms(template.format(*(f"{9000000 + k}" for k in range(len(numbers)))))
        cut = cuts[template]
        for k, n in enumerate(numbers):
            cut = cut.replace(str(9000000 + k), str(n))
        return cut

    pk = 0
    for j in range(1, shape.s + 1):
        pk += 1
        yield (pk, "space", j, j, None, None, f"bench-{j}", f"Bench space {j}", "", terms_of("Bench space {0}", j),
               EPOCH - YEAR)
    for i in range(1, shape.n + 1):
        pk += 1
        yield (pk, "user", i, None, None, None, f"p{i}", f"Person {i}", f"@p{i}", terms_of("Person {0}\n@p{0}", i),
               EPOCH - YEAR)
    post_terms = index_terms(f"Post 9000000. {FILLER}")
    comment_template = "Comment {0} on post {1}: agreed, see you there."
    cpk = 0
    for p in range(1, shape.p.posts + 1):
        space, created = shape.post_space(p), shape.post_created(p)
        team = shape.post_team(p, space)
        body = plain(f"Post {p}. {FILLER}")
        pk += 1
        title = body if len(body) <= 80 else body[:79] + "…"
        yield (pk, "post", p, space, team, (p * 7919) % shape.n + 1, "", title, body,
               post_terms.replace("9000000", str(p)), created)
        for j in range(shape.comment_count(p)):
            cpk += 1
            pk += 1
            text = comment_template.format(j + 1, p)
            yield (pk, "comment", cpk, space, team, (p * 17 + j * 101) % shape.n + 1, str(p), title, text,
                   terms_of(comment_template, j + 1, p), created + timedelta(minutes=j + 1))


SEARCH_TABLE = ("search_document", ["id", "kind", "object_id", "space_id", "team_id", "author_id", "ref", "title", "text",
                                    "terms", "created"], _search_documents)


def _mark() -> str | None:
    with connection.cursor() as cur:
        try:
            cur.execute(f"SELECT preset FROM {MARK_TABLE}")
            row = cur.fetchone()
        except Exception:
            return None
    return row[0] if row else None


def seeded_with(preset: Preset) -> bool:
    return _mark() == _signature(preset)


def _signature(preset: Preset) -> str:
    p = preset
    # v2: discussion groups (chat_group, chat_groupmember); v3: heavy readers. Older bench
    # databases are re-seeded.
    return (f"v3:{p.people}:{p.spaces}:{p.teams_per_space}:{p.posts}:{p.likes}:{p.comments}:{p.notifications}:"
            f"{p.heavy_readers}:{p.heavy_likes}")


def _reset_sequences(tables: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's rowid allocation continues after the largest id by itself
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def _empty_tables() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM accounts_user")
        return cur.fetchone()[0] == 0


def seed(preset: Preset, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Write the preset's data set into the (migrated, empty) database; returns timings."""
    if not _empty_tables():
        raise SystemExit("The bench database is not empty: the harness seeds only a fresh database.")
    shape = Shape(preset)
    timings: dict[str, Any] = {}
    started = time.monotonic()
    for table, columns, rows in TABLES:
        t0 = time.monotonic()
        with transaction.atomic():
            if table == "feed_post" and connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute(_posts_sql(shape))
                    n = cur.rowcount
            else:
                n = write_rows(table, columns, rows(shape))
        timings[table] = {"rows": n, "seconds": round(time.monotonic() - t0, 2)}
        log(f"  seeded {table}: {n:,} rows in {timings[table]['seconds']} s")
    t0 = time.monotonic()
    with transaction.atomic():
        # The migration indexed the empty database; the rows written above bypassed the actions.
        with connection.cursor() as cur:
            cur.execute("DELETE FROM search_document")
        table, columns, rows = SEARCH_TABLE
        n = write_rows(table, columns, rows(shape))
    timings[table] = {"rows": n, "seconds": round(time.monotonic() - t0, 2)}
    log(f"  seeded {table}: {n:,} rows in {timings[table]['seconds']} s")
    with transaction.atomic(), connection.cursor() as cur:
        # The unread badge column, kept in step with the rows by the notification actions.
        cur.execute(
            "UPDATE accounts_user SET unread_notifications = (SELECT COUNT(*) FROM notifications_notification n "
            "WHERE n.recipient_id = accounts_user.id AND n.read_at IS NULL)"
        )
        cur.execute(f"CREATE TABLE IF NOT EXISTS {WRITE_TABLE} (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created TEXT NOT NULL)"
                    if connection.vendor == "sqlite" else
                    f"CREATE TABLE IF NOT EXISTS {WRITE_TABLE} (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, created TIMESTAMPTZ NOT NULL)")
        cur.execute(f"CREATE TABLE IF NOT EXISTS {MARK_TABLE} (preset TEXT NOT NULL)")
        cur.execute(f"DELETE FROM {MARK_TABLE}")
        cur.execute(f"INSERT INTO {MARK_TABLE} (preset) VALUES (%s)", [_signature(preset)])
    _reset_sequences([*(t for t, _c, _r in TABLES), SEARCH_TABLE[0]])
    t0 = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    timings["analyze_seconds"] = round(time.monotonic() - t0, 2)
    timings["total_seconds"] = round(time.monotonic() - started, 2)
    log(f"  seeded in {timings['total_seconds']} s")
    return timings
