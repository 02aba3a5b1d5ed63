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
