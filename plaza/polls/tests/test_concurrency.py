"""Parallel voters, each on its own database connection, never lose a count.

On PostgreSQL the test database is used as is. On SQLite the shared in-memory test database
is not what production runs (it fails with "table is locked" instead of waiting), so the
test copies it into a file and points the voters' connections there: WAL, IMMEDIATE
transactions and the busy timeout from settings, as in production.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from plaza.core.testing import make_user
from plaza.polls.actions import do_create_poll, do_vote
from plaza.polls.models import Poll, PollOption
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Membership

VOTERS = 12


def in_thread(fn: Any) -> Any:
    """Run ``fn`` on a fresh thread (so on a fresh connection) and return its result."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001
            out["error"] = exc
        finally:
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.fixture
def thread_database(tmp_path) -> Iterator[None]:
    """From here on, new connections (other threads) use a file copy of the test database."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connections.settings["default"]
    memory_name = settings_dict["NAME"]
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    # A production database is in WAL mode from its first migration. The copy is not: every
    # voter's first connection would switch it (the settings' init_command), and a switch
    # racing eleven others failed at once with "database is locked" (once in CI).
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        # The main thread's connection (still on the in-memory database) is left open: closing
        # it would drop the shared in-memory test database.
        settings_dict["NAME"] = memory_name


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("ballot", ["secret", "open"])
def test_parallel_votes_are_all_counted(world, ballot, request):
    people = [make_user(f"voter{i}") for i in range(VOTERS)]
    Membership.objects.bulk_create([Membership(space=world.acme, user=u, role="member") for u in people])
    poll = do_create_poll(space_access_for(world.alice.user, world.acme), question="Red or white?",
                          options=[{"text": "Red"}, {"text": "White"}], max_choices=2, ballot=ballot)
    red, white = PollOption.objects.filter(poll=poll).order_by("position")
    request.getfixturevalue("thread_database")
    start = threading.Barrier(VOTERS)
    errors: list[BaseException] = []

    def vote(user: Any) -> None:
        try:
            start.wait()
            do_vote(space_access_for(user, world.acme), poll, option_ids=[red.pk, white.pk])
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tallies = in_thread(lambda: list(PollOption.objects.filter(poll=poll).order_by("position").values_list("votes", flat=True)))
    assert tallies == [VOTERS, VOTERS]
    assert in_thread(lambda: Poll.objects.get(pk=poll.pk).voter_count) == VOTERS
