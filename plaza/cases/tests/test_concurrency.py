"""Case numbers stay unique when many people submit at once, each on its own connection."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections

from plaza.cases.actions import do_create_case_type, do_submit_case
from plaza.cases.models import Case
from plaza.polls.tests.test_concurrency import in_thread, thread_database  # noqa: F401  (fixture)
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space

SUBMITTERS = 12


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_get_distinct_consecutive_numbers(world, request):
    lovers = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    case_type = do_create_case_type(space_access_for(world.alice.user, lovers), name="Check", submitters="anyone",
                                    fields=[{"key": "what", "label": "What", "type": "text", "required": True}],
                                    outcomes=["ok"])
    request.getfixturevalue("thread_database")
    start = threading.Barrier(SUBMITTERS)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def submit(i: int) -> None:
        try:
            start.wait()
            case, _code = do_submit_case(space_access_for(AnonymousUser(), lovers), case_type, values={"what": f"bottle {i}"})
            numbers.append(case.number)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(SUBMITTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(numbers)) == SUBMITTERS
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, SUBMITTERS + 1))
    stored: Any = in_thread(lambda: sorted(Case.objects.values_list("number", flat=True)))
    assert stored == sorted(numbers)
