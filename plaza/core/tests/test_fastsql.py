"""``core.fastsql``: names from the models, values read exactly as the ORM reads them."""

from __future__ import annotations

import pytest
from django.db import connection

from plaza.core import fastsql
from plaza.feed.models import Post
from plaza.spaces.models import Membership, Space, Team

pytestmark = pytest.mark.django_db

q = connection.ops.quote_name


def test_names_come_from_the_models():
    assert fastsql.table(Post) == q(Post._meta.db_table)
    assert fastsql.column(Post, "team") == q("team_id")
    assert fastsql.column(Post, "team", "p") == f"p.{q('team_id')}"
    sql = fastsql.render(
        "SELECT {p.id} FROM {p} p JOIN {s} s ON {s.id} = {p.space} WHERE {extra}",
        {"p": Post, "s": Space},
        extra="1 = 1",
    )
    assert sql == (
        f"SELECT p.{q('id')} FROM {q(Post._meta.db_table)} p JOIN {q(Space._meta.db_table)} s"
        f" ON s.{q('id')} = p.{q('space_id')} WHERE 1 = 1"
    )
    with pytest.raises(KeyError):
        fastsql.render("{nobody}", {})


def test_placeholders():
    assert fastsql.placeholders("o", 3) == "%(o0)s, %(o1)s, %(o2)s"
    assert fastsql.placeholders("o", 0) == ""


def test_rows_read_like_the_orm(world):
    """Every concrete field of a space and a membership, through the fast path, equals the
    ORM's instance (aware datetimes, booleans and NULLs included)."""
    membership = Membership.objects.filter(space=world.acme).first()
    s, m = fastsql.columns(Space, "s"), fastsql.columns(Membership, "m")
    sql = fastsql.render(
        "SELECT {s_cols}, {m_cols} FROM {s} s LEFT OUTER JOIN {m} m ON {m.space} = {s.id} AND {m.id} = %s WHERE {s.id} = %s",
        {"s": Space, "m": Membership},
        s_cols=s.sql,
        m_cols=m.sql,
    )
    row = fastsql.fetch_one(sql, [membership.pk, world.acme.pk])
    space = fastsql.instance(Space, fastsql.convert(row[: len(s)], s.converters))
    found = fastsql.instance(Membership, fastsql.convert(row[len(s) :], m.converters))
    expected = Space.objects.get(pk=world.acme.pk)
    for field in Space._meta.concrete_fields:
        assert getattr(space, field.attname) == getattr(expected, field.attname), field.name
    assert space.created.tzinfo is not None
    for field in Membership._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(membership, field.attname), field.name
    # No membership joined: the outer join's NULLs give no instance.
    row = fastsql.fetch_one(sql, [-1, world.acme.pk])
    assert fastsql.instance(Membership, fastsql.convert(row[len(s) :], m.converters)) is None


def test_convert_rows_applies_only_the_converters_there_are(world):
    team = Team.objects.create(space=world.acme, name="T")
    cols = fastsql.columns(Team, "t", ("id", "created"))
    rows = fastsql.fetch_all(
        fastsql.render("SELECT {cols}, NULL FROM {t} t WHERE {t.id} = %s", {"t": Team}, cols=cols.sql), [team.pk]
    )
    [[pk, created, nothing]] = fastsql.convert_rows(rows, cols.converters + fastsql.no_conversion(1))
    assert (pk, created, nothing) == (team.pk, Team.objects.get(pk=team.pk).created, None)


def test_an_insert_writes_what_the_orm_would(world):
    """A post written by ``insert`` reads back, through the ORM, equal to one the ORM wrote:
    defaults filled, an aware time, JSON, NULLs and the new primary key set on the instance."""
    kwargs = {"space": world.acme, "author": world.alice.user, "body": "写 *fast*", "html": "<p>写 <em>fast</em></p>",
              "attachment_data": [{"id": 7, "name": "a.png", "is_image": True}]}
    fast = Post(**kwargs)
    fastsql.insert(fast)
    orm = Post.objects.create(**kwargs)
    assert fast.pk is not None and fast.pk != orm.pk
    assert not fast._state.adding
    fast_read, orm_read = Post.objects.get(pk=fast.pk), Post.objects.get(pk=orm.pk)
    for field in Post._meta.concrete_fields:
        if field.name in ("id", "created"):
            continue
        assert getattr(fast_read, field.attname) == getattr(orm_read, field.attname), field.name
    assert fast_read.created == fast.created and fast_read.created.tzinfo is not None
    assert fast_read.team_id is None and fast_read.like_count == 0



def test_named_parameters_become_numbered_ones():
    name, text, order, execute = fastsql._positional("SELECT %(a)s, %(b)s, %(a)s, '50%%' WHERE x LIKE %(b)s")
    assert text == "SELECT $1, $2, $1, '50%' WHERE x LIKE $2"
    assert order == ("a", "b")
    assert execute == f"EXECUTE {name} (%s, %s)"
    assert name == fastsql._positional("SELECT %(a)s, %(b)s, %(a)s, '50%%' WHERE x LIKE %(b)s")[0]
    assert name != fastsql._positional("SELECT %(a)s")[0], "one name per text"


def test_a_prepared_read_gives_what_a_plain_read_gives(world):
    """Same rows as ``fetch_all`` on either database, again after a rolled-back transaction
    (a prepared statement outlives it, and the registry must agree)."""
    from django.db import transaction

    sql = fastsql.render(
        "SELECT {p.id}, {p.body} FROM {p} p WHERE {p.space} = %(space)s AND {p.body} <> %(not)s ORDER BY {p.id} LIMIT 5",
        {"p": Post},
    )
    for i in range(3):
        Post.objects.create(space=world.acme, author=world.alice.user, body=f"post {i}", html="")
    params = {"space": world.acme.pk, "not": "post 1"}
    expected = fastsql.fetch_all(sql, params)
    assert [row[1] for row in expected] == ["post 0", "post 2"]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert fastsql.fetch_all_prepared(sql, params) == expected
        raise RuntimeError("roll back")
    assert fastsql.fetch_all_prepared(sql, params) == expected
    other = {**params, "not": "post 0"}
    assert fastsql.fetch_all_prepared(sql, other) == fastsql.fetch_all(sql, other)
    if connection.vendor == "postgresql":
        name = fastsql._positional(sql)[0]
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
            assert cur.fetchone()[0] == 1
