"""A secret ballot leaves nothing in the database that links a voter to a choice.

The test compares the whole database — every table, every row — before and after each
secret vote (through the API and through the page) and allows exactly what a secret vote
may write: one ``Voter`` row (who voted, never how), the options' tallies and the poll's
voter count. Anything else that changed — an audit entry, a notification, a queued task, a
feed row, a per-choice row, a column nobody expected — fails the test, whoever added it.
Closing the poll then tells every voter the same tally and nothing per person.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from plaza.core.models import IdempotencyRecord
from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import make_persona
from plaza.notifications.models import Notification
from plaza.polls.models import Poll, PollOption, Voter
from plaza.spaces.models import Membership

Rows = dict[str, tuple[list[str], set[tuple[Any, ...]]]]


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (dict, list)):  # JSON columns on PostgreSQL
        return json.dumps(value, sort_keys=True)
    return value


def dump_database() -> Rows:
    """Every row of every table (this database's own tables, whatever the apps)."""
    out: Rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            out[table] = (columns, {tuple(_plain(v) for v in row) for row in cursor.fetchall()})
    return out


def changes(before: Rows, after: Rows) -> dict[str, tuple[list[str], set[tuple[Any, ...]], set[tuple[Any, ...]]]]:
    """{table: (columns, rows gone or changed, rows new or changed)} for tables that differ."""
    out = {}
    for table, (columns, rows) in after.items():
        old = before.get(table, (columns, set()))[1]
        if rows != old:
            out[table] = (columns, old - rows, rows - old)
    return out


def by_id(columns: list[str], rows: set[tuple[Any, ...]]) -> dict[Any, dict[str, Any]]:
    return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}


def assert_only_a_secret_vote_was_written(before: Rows, after: Rows, *, poll: Poll, voter_id: int, chosen: set[int]) -> None:
    diff = changes(before, after)
    voter_table, option_table, poll_table = Voter._meta.db_table, PollOption._meta.db_table, Poll._meta.db_table
    allowed = {voter_table, option_table, poll_table}
    # Signing in by session rewrites the session row (its messages say "Your vote was
    # counted." and nothing else, checked below); a token's last use is stamped hourly.
    sessions, tokens = "django_session", "accounts_apitoken"
    unexpected = set(diff) - allowed - {sessions, tokens}
    assert not unexpected, {t: diff[t][2] for t in unexpected}

    columns, gone, new = diff[voter_table]
    assert not gone and len(new) == 1
    (row,) = by_id(columns, new).values()
    # Who voted and when, in which poll: no column that could hold a choice.
    assert set(columns) == {"id", "space_id", "poll_id", "user_id", "created"}
    assert row["user_id"] == voter_id and row["poll_id"] == poll.pk

    columns, gone, new = diff[option_table]
    old_rows, new_rows = by_id(columns, gone), by_id(columns, new)
    assert set(old_rows) == set(new_rows) <= set(poll.options.values_list("pk", flat=True))
    for pk, now in new_rows.items():
        changed = {c for c in columns if old_rows[pk][c] != now[c]}
        assert changed == {"votes"} and now["votes"] == old_rows[pk]["votes"] + 1 and pk in chosen
    assert set(new_rows) == chosen  # the tallies of the chosen options, and nothing about who

    columns, gone, new = diff[poll_table]
    (old_poll,), (new_poll,) = by_id(columns, gone).values(), by_id(columns, new).values()
    assert {c for c in columns if old_poll[c] != new_poll[c]} == {"voter_count"}

    if tokens in diff:
        columns, gone, new = diff[tokens]
        for pk, now in by_id(columns, new).items():
            assert {c for c in columns if by_id(columns, gone)[pk][c] != now[c]} == {"last_used"}
    if sessions in diff:
        from django.contrib.sessions.backends.db import SessionStore

        columns, _gone, new = diff[sessions]
        for row in (dict(zip(columns, r, strict=True)) for r in new):
            decoded = json.dumps(SessionStore().decode(row["session_data"]), default=str)
            for option in PollOption.objects.filter(poll=poll):
                assert option.text not in decoded


@pytest.mark.django_db(transaction=True)
def test_a_secret_vote_writes_nothing_that_links_the_voter_to_the_choice(world, api):
    carol = make_persona("carol")
    Membership.objects.create(space=world.acme, user=carol.user, role="member")
    r = api("alice").post("spaces/acme/polls", {"question": "2027 fee?", "ballot": "secret", "results": "always", "max_choices": 2,
                                                "options": [{"text": "Approve-9f1"}, {"text": "Reject-7c2"}, {"text": "Abstain-3d4"}]})
    assert r.status_code == 201, r.json_body
    poll = Poll.objects.get(pk=r.json_body["id"])
    approve, reject, abstain = poll.options.order_by("position").values_list("pk", flat=True)
    run_pending_tasks()  # whatever creating the poll queued is done before the votes are watched

    # bob through the API, a single choice.
    before = dump_database()
    r = api("bob").post(f"polls/{poll.pk}/votes", {"option_ids": [reject]})
    assert r.status_code == 200 and r.json_body["my_choices"] is None
    run_pending_tasks()
    assert_only_a_secret_vote_was_written(before, dump_database(), poll=poll, voter_id=world.bob.user.pk, chosen={reject})

    # carol through the page, two choices.
    page = Client()
    page.force_login(carol.user)
    page.get(f"/polls/{poll.pk}/")
    before = dump_database()
    assert page.post(f"/polls/{poll.pk}/", {"option_ids": [str(approve), str(abstain)]}).status_code == 302
    page.get(f"/polls/{poll.pk}/")  # the message is shown and spent
    run_pending_tasks()
    assert_only_a_secret_vote_was_written(before, dump_database(), poll=poll, voter_id=carol.user.pk,
                                          chosen={approve, abstain})

    # alice (the space's owner) votes too; a second vote is refused and writes nothing.
    api("alice").post(f"polls/{poll.pk}/votes", {"option_ids": [reject]})
    before = dump_database()
    assert api("bob").post(f"polls/{poll.pk}/votes", {"option_ids": [approve]}).status_code == 409
    run_pending_tasks()
    assert not set(changes(before, dump_database())) - {"accounts_apitoken"}

    # Closing tells each voter the same tally: notifications and their queued deliveries
    # differ by recipient only.
    assert api("alice").post(f"polls/{poll.pk}/close").status_code == 200
    run_pending_tasks()
    sent = list(Notification.objects.filter(kind="poll_closed", target_id=poll.pk))
    assert {n.recipient_id for n in sent} == {world.bob.user.pk, carol.user.pk}  # alice closed it herself
    assert len({json.dumps(n.data, sort_keys=True) for n in sent}) == 1
    assert sent[0].data["results"] == "Approve-9f1: 1, Reject-7c2: 2, Abstain-3d4: 1"


def test_an_idempotent_secret_vote_keeps_no_hash_of_the_choice(world, api):
    r = api("alice").post("spaces/acme/polls", {"question": "Fee?", "ballot": "secret",
                                                "options": [{"text": "Yes"}, {"text": "No"}]})
    poll_id, (yes, no) = r.json_body["id"], [o["id"] for o in r.json_body["options"]]
    r = api("bob").post(f"polls/{poll_id}/votes", {"option_ids": [no]}, HTTP_IDEMPOTENCY_KEY="vote-1")
    assert r.status_code == 200
    import hashlib

    path = f"/api/v1/polls/{poll_id}/votes"
    guesses = {
        option: hashlib.sha256(path.encode() + b"\0" + json.dumps({"option_ids": [option]}).encode()).hexdigest()
        for option in (yes, no)
    }
    stored = set(IdempotencyRecord.objects.values_list("request_hash", flat=True))
    assert not stored & set(guesses.values())
    # Nothing of the vote is kept for replays (its answer holds the tally of that moment);
    # a retry with the same key runs the route again, which refuses a second secret vote.
    assert not IdempotencyRecord.objects.filter(key="vote-1").exists()
    retry = api("bob").post(f"polls/{poll_id}/votes", {"option_ids": [no]}, HTTP_IDEMPOTENCY_KEY="vote-1")
    assert retry.status_code == 409
    assert Poll.objects.get(pk=poll_id).voter_count == 1
