"""The one rule of team-scoped content (``spaces.access``) says the same in every form.

Hypothesis builds random worlds — spaces and sub-spaces (private, listed, public), teams
(public, private), people with a role or none in each space, team memberships, posts
(space-wide or in a team, some deleted) — and, for a random viewer (signed out too), checks:

- the fast feed page (``feed.queries.list_space_feed_data``, SQL from ``scope_sql``) shows
  exactly the posts that ``scope_q`` gives, in every space the viewer may read;
- ``list_visible_post_ids`` (SQL from ``visible_sql``) gives exactly ``visible_q``'s posts;
- both forms agree with each other and with the one-row form ``can_see_scoped``: the posts
  of a space that ``visible_q`` lets through are those ``scope_q`` gives in that space;
- ``list_people_who_see`` counts the viewer exactly when it sees the row and is in the space.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plaza.core.errors import PlazaError
from plaza.core.testing import make_user
from plaza.feed.access import list_visible_post_ids
from plaza.feed.models import Post
from plaza.feed.queries import list_space_feed_data
from plaza.spaces.access import can_see_scoped, list_people_who_see, scope_q, space_access_for, visible_q
from plaza.spaces.models import Membership, Space, Team, TeamMembership

pytestmark = pytest.mark.django_db

ROLES = [None, "owner", "admin", "member", "guest"]
PEOPLE = 3


@st.composite
def worlds(draw):
    n_spaces = draw(st.integers(1, 3))
    spaces = []
    for i in range(n_spaces):
        # A parent among the earlier spaces, at most two levels above (MAX_DEPTH is 3).
        parents = [j for j in range(i) if spaces[j]["depth"] < 3]
        parent = draw(st.sampled_from([None, *parents]))
        spaces.append(
            {
                "visibility": draw(st.sampled_from(["private", "listed", "public"])),
                "parent": parent,
                "depth": 1 if parent is None else spaces[parent]["depth"] + 1,
                "teams": draw(st.lists(st.sampled_from(["public", "private"]), max_size=3)),
            }
        )
    roles = draw(
        st.lists(st.lists(st.sampled_from(ROLES), min_size=n_spaces, max_size=n_spaces), min_size=PEOPLE, max_size=PEOPLE)
    )
    teams = [(s, t) for s, space in enumerate(spaces) for t in range(len(space["teams"]))]
    # Only people in a space are in its teams (leaving a space drops its team memberships).
    in_teams = [[(s, t) for (s, t) in teams if roles[p][s] is not None and draw(st.booleans())] for p in range(PEOPLE)]
    posts = draw(
        st.lists(
            st.tuples(st.integers(0, n_spaces - 1), st.integers(0, 3), st.booleans(), st.integers(0, PEOPLE - 1)),
            min_size=1,
            max_size=10,
        )
    )
    viewer = draw(st.sampled_from([None, *range(PEOPLE)]))
    return spaces, roles, in_teams, posts, viewer


_slugs = itertools.count()


def build(world):
    spaces_spec, roles, in_teams, posts_spec, viewer = world
    people = [make_user(f"p{next(_slugs)}") for _ in range(PEOPLE)]
    spaces, teams = [], {}
    for i, spec in enumerate(spaces_spec):
        n = next(_slugs)
        space = Space.objects.create(
            slug=f"w{n}",
            name=f"W{n}",
            visibility=spec["visibility"],
            depth=spec["depth"],
            parent=spaces[spec["parent"]] if spec["parent"] is not None else None,
        )
        spaces.append(space)
        for t, visibility in enumerate(spec["teams"]):
            teams[(i, t)] = Team.objects.create(space=space, name=f"T{t}", visibility=visibility)
    for p, person in enumerate(people):
        for s, role in enumerate(roles[p]):
            if role is not None:
                Membership.objects.create(space=spaces[s], user=person, role=role)
        for s, t in in_teams[p]:
            TeamMembership.objects.create(space=spaces[s], team=teams[(s, t)], user=person)
    posts = []
    for s, t, deleted, author in posts_spec:
        team = teams.get((s, t))  # no such team: a space-wide post
        posts.append(
            Post.objects.create(space=spaces[s], team=team, author=people[author], body="x", html="<p>x</p>", deleted=deleted)
        )
    user = AnonymousUser() if viewer is None else people[viewer]
    return user, spaces, posts


def fresh(space: Space) -> Space:
    # As the access helpers read it: with its parent chain.
    return Space.objects.select_related("parent__parent").get(pk=space.pk)


def check(world) -> None:
    user, spaces, posts = build(world)
    live = [p.pk for p in posts if not p.deleted]
    anywhere = set(Post.objects.filter(pk__in=live).filter(visible_q(user)).values_list("pk", flat=True))
    assert list_visible_post_ids(user, [p.pk for p in posts]) == anywhere
    for space in spaces:
        in_space = {p.pk for p in posts if p.space_id == space.pk and not p.deleted}
        try:
            acc = space_access_for(user, fresh(space))
        except PlazaError:
            assert not (anywhere & in_space), "a hidden space's posts are visible"
            continue
        scoped = set(Post.objects.filter(scope_q(acc), deleted=False).values_list("pk", flat=True))
        assert scoped == anywhere & in_space
        for post in posts:
            if post.space_id != space.pk or post.deleted:
                continue
            team = Team.objects.filter(pk=post.team_id).first()
            tm = TeamMembership.objects.filter(team=team, user=user).first() if team and user.is_authenticated else None
            assert can_see_scoped(acc, team, tm) == (post.pk in scoped)
            if user.is_authenticated:
                counted = user.pk in list_people_who_see(space, team, [user.pk])
                assert counted == (post.pk in scoped and (acc.joined or acc.inherited))
        try:
            items, _cursor = list_space_feed_data(acc, limit=50)
        except PlazaError:
            assert acc.role is None
            continue
        assert {item["id"] for item in items} == scoped


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_the_orm_and_sql_forms_of_the_rule_agree(world):
    with transaction.atomic():
        check(world)
        transaction.set_rollback(True)


def test_an_admin_above_who_is_a_guest_below_sees_the_same_in_both_forms():
    """An admin of the parent space who joined the sub-space as a guest is its admin on its
    pages too, as in the anywhere form (notifications, following feed)."""
    world = (
        [
            {"visibility": "private", "parent": None, "depth": 1, "teams": []},
            {"visibility": "private", "parent": 0, "depth": 2, "teams": []},
        ],
        [["admin", "guest"], [None, None], [None, None]],
        [[], [], []],
        [(1, 0, False, 1)],
        0,
    )
    user, spaces, posts = build(world)
    acc = space_access_for(user, fresh(spaces[1]))
    scoped = set(Post.objects.filter(scope_q(acc)).values_list("pk", flat=True))
    assert scoped == set(Post.objects.filter(visible_q(user)).values_list("pk", flat=True))


def test_a_guest_of_a_public_space_sees_the_same_in_both_forms():
    """A guest of a public space sees what any visitor sees there, and their own teams."""
    world = (
        [{"visibility": "public", "parent": None, "depth": 1, "teams": []}],
        [[None], [None], ["guest"]],
        [[], [], []],
        [(0, 0, False, 0)],
        2,
    )
    user, spaces, posts = build(world)
    acc = space_access_for(user, fresh(spaces[0]))
    scoped = set(Post.objects.filter(scope_q(acc)).values_list("pk", flat=True))
    assert scoped == set(Post.objects.filter(visible_q(user)).values_list("pk", flat=True))
