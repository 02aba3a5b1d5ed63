"""Recurrence rules cannot stall the server (issue 18, item 6): no BYSECOND, occurrences at
least 15 minutes apart, bounded work to save a rule that (almost) never happens, and a read
expands only inside its window, under a cap per request. Work is counted in dateutil's
steps and occurrences, not in wall time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil import rrule as dateutil_rrule
from django.utils import timezone

from plaza.calendars.models import Entry
from plaza.calendars.queries import MAX_EXPANSIONS
from plaza.calendars.tests.test_api import calendar, entry, iso, window

pytestmark = pytest.mark.django_db

EVERY_SECOND = "FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(60))) + ";BYSECOND=" + ",".join(map(str, range(60)))
EVERY_MINUTE = "FREQ=HOURLY;BYMINUTE=" + ",".join(map(str, range(60)))


@pytest.fixture
def dateutil_work(monkeypatch):
    """Counts dateutil's work: ``steps`` (periods it walks, matching or not) and
    ``occurrences`` (values it yields)."""
    work = {"steps": 0, "occurrences": 0}
    original_ddayset, original_iter = dateutil_rrule._iterinfo.ddayset, dateutil_rrule.rrule._iter

    def ddayset(self, *args, **kwargs):
        work["steps"] += 1
        return original_ddayset(self, *args, **kwargs)

    def counting_iter(self):
        for value in original_iter(self):
            work["occurrences"] += 1
            yield value

    monkeypatch.setattr(dateutil_rrule._iterinfo, "ddayset", ddayset)
    monkeypatch.setattr(dateutil_rrule.rrule, "_iter", counting_iter)
    return work


@pytest.mark.parametrize("rule", [EVERY_SECOND, EVERY_MINUTE, "FREQ=HOURLY;BYMINUTE=0,10,20", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0,5"])
def test_dense_rules_are_422_on_rrule(api, rule):
    response = entry(api, rrule=rule)
    assert response.status_code == 422, response.content
    assert response.json_body["detail"][0]["loc"][-1] == "rrule"


def test_every_quarter_hour_is_allowed(api):
    assert entry(api, rrule="FREQ=HOURLY;BYMINUTE=0,15,30,45").status_code == 201


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;COUNT=5"],
)
def test_a_rule_that_never_happens_is_refused_with_bounded_work(api, dateutil_work, rule):
    response = entry(api, rrule=rule)
    assert response.status_code == 422 and response.json_body["detail"][0]["loc"][-1] == "rrule"
    # dateutil used to walk every day to the year 9999 (2.9 million steps, 2.8-4.6 s).
    assert dateutil_work["steps"] <= 410 * 366


def test_a_sparse_counted_rule_is_saved_with_bounded_work(api, dateutil_work):
    response = entry(api, rrule="FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=5000")
    assert response.status_code == 201
    assert dateutil_work["steps"] <= 60 * 366


def test_reading_a_window_expands_only_inside_it(api, world, dateutil_work):
    began = timezone.now() - timedelta(days=3 * 365)
    body = {"starts_at": iso(began), "ends_at": iso(began + timedelta(minutes=5))}
    assert entry(api, title="Quarterly", rrule="FREQ=HOURLY;BYMINUTE=0,15,30,45", **body).status_code == 201
    assert entry(api, title="Daily", rrule="FREQ=DAILY;BYHOUR=8,20", **body).status_code == 201
    assert entry(api, title="Counted", rrule="FREQ=DAILY;COUNT=5000", **body).status_code == 201
    dateutil_work.update(steps=0, occurrences=0)
    items = calendar(world.alice, **window(days=2))
    assert {i["title"] for i in items} == {"Quarterly", "Daily", "Counted"}
    assert len([i for i in items if i["title"] == "Quarterly"]) in (192, 193)
    # Two days hold ~200 occurrences; walking from three years back cost ~110,000.
    assert dateutil_work["occurrences"] <= 400, dateutil_work


def test_expansions_per_request_are_capped(api, world, dateutil_work):
    began = timezone.now() - timedelta(days=1)
    rows = [
        Entry(
            owner=world.alice.user,
            title=f"E{i}",
            starts_at=began + timedelta(minutes=i),
            timezone="UTC",
            ends_at=began + timedelta(minutes=i + 5),
            rrule="FREQ=HOURLY;BYMINUTE=0,15,30,45",
        )
        for i in range(60)
    ]
    Entry.objects.bulk_create(rows)
    dateutil_work.update(steps=0, occurrences=0)
    items = calendar(world.alice, **window(days=30))
    assert len(items) <= MAX_EXPANSIONS
    assert dateutil_work["occurrences"] <= MAX_EXPANSIONS
