"""Polls through the API: ballots, results visibility, closing, outsiders, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.core.models import AuditEntry
from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import Api
from plaza.notifications.models import Notification
from plaza.polls.models import Poll, PollOption, Vote, Voter
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_create_space, do_create_team


def new_poll(api, slug="acme", **extra):
    body = {"question": "Which wine for the tasting?", "options": [{"text": "Riesling"}, {"text": "Merlot"}, {"text": "Syrah"}],
            **extra}
    r = api.post(f"spaces/{slug}/polls", body)
    assert r.status_code == 201, r.json_body
    return r.json_body


def option_ids(poll):
    return [o["id"] for o in poll["options"]]


def test_create_validates(api):
    alice = api("alice")
    for body, field in (
        ({"question": "Q", "options": [{"text": "only"}]}, "options"),
        ({"question": "Q", "options": [{"text": "a"}, {"text": "a"}]}, "options"),
        ({"question": "Q", "options": [{"text": "a"}, {"text": "b"}], "max_choices": 3}, "max_choices"),
        ({"question": "Q", "options": [{"text": "a"}, {"text": "b"}], "ballot": "loud"}, "ballot"),
        ({"question": "Q", "options": [{"text": "a"}, {"text": "b"}], "results": "never"}, "results"),
        ({"question": "", "options": [{"text": "a"}, {"text": "b"}]}, "question"),
        ({"question": "Q", "options": [{"text": "a"}, {"text": "b"}], "closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
    ):
        r = alice.post("spaces/acme/polls", body)
        assert r.status_code == 422, body
        assert r.json_body["detail"][0]["loc"] == ["body", field]
    assert api("gina").post("spaces/acme/polls", {"question": "Q", "options": [{"text": "a"}, {"text": "b"}]}).status_code == 403
    assert api("mallory").post("spaces/acme/polls", {"question": "Q", "options": [{"text": "a"}, {"text": "b"}]}).status_code == 404


def test_open_ballot_votes_change_and_voters_show(api, world):
    poll = new_poll(api("bob"), max_choices=2)
    a, b, c = option_ids(poll)
    alice = api("alice")
    r = alice.post(f"polls/{poll['id']}/votes", {"option_ids": [a, b]})
    assert r.status_code == 200 and r.json_body["my_choices"] == sorted([a, b])
    assert alice.post(f"polls/{poll['id']}/votes", {"option_ids": [a, b, c]}).status_code == 422
    assert alice.post(f"polls/{poll['id']}/votes", {"option_ids": [999999]}).status_code == 422
    r = alice.post(f"polls/{poll['id']}/votes", {"option_ids": [c]})  # change of mind
    assert r.json_body["my_choices"] == [c]
    api("bob").post(f"polls/{poll['id']}/votes", {"option_ids": [c]})
    got = api("bob").get(f"polls/{poll['id']}").json_body
    assert [o["votes"] for o in got["options"]] == [0, 0, 2]
    assert got["voter_count"] == 2
    voters = api("alice").get(f"polls/{poll['id']}/voters")
    assert voters.status_code == 200
    assert {v["user"]["handle"] for v in voters.json_body["items"]} == {"alice", "bob"}


def test_anonymous_ballot_hides_voters_from_everyone(api):
    poll = new_poll(api("alice"), ballot="anonymous")
    a = option_ids(poll)[0]
    assert api("bob").post(f"polls/{poll['id']}/votes", {"option_ids": [a]}).json_body["my_choices"] == [a]
    for who in ("alice", "bob"):
        r = api(who).get(f"polls/{poll['id']}/voters")
        assert r.status_code == 403 and r.json_body["code"] == "forbidden"
    assert api("alice").get(f"polls/{poll['id']}").json_body["options"][0]["votes"] == 1


def test_secret_ballot_stores_no_link_between_voter_and_choice(api, world):
    poll = new_poll(api("alice"), ballot="secret")
    a, b, _c = option_ids(poll)
    r = api("bob").post(f"polls/{poll['id']}/votes", {"option_ids": [b]})
    assert r.status_code == 200
    assert r.json_body["voted"] is True and r.json_body["my_choices"] is None
    again = api("bob").post(f"polls/{poll['id']}/votes", {"option_ids": [a]})
    assert again.status_code == 409 and again.json_body["code"] == "conflict"
    api("alice").post(f"polls/{poll['id']}/votes", {"option_ids": [b]})
    assert Vote.objects.filter(poll_id=poll["id"]).count() == 0
    assert set(Voter.objects.filter(poll_id=poll["id"]).values_list("user__handle", flat=True)) == {"alice", "bob"}
    assert list(PollOption.objects.filter(poll_id=poll["id"]).values_list("votes", flat=True)) == [0, 2, 0]
    assert api("alice").get(f"polls/{poll['id']}/voters").status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="poll.vote").exists()
    # Closing tells voters the tally only.
    api("alice").post(f"polls/{poll['id']}/close")
    texts = list(Notification.objects.filter(kind="poll_closed").values_list("recipient__handle", "data"))
    assert {h for h, _ in texts} == {"bob"}  # alice closed it herself
    assert "Merlot: 2" in texts[0][1]["results"]


def test_results_visibility(api):
    after_vote = new_poll(api("alice"), results="after_vote")
    assert all(o["votes"] is None for o in api("bob").get(f"polls/{after_vote['id']}").json_body["options"])
    r = api("bob").post(f"polls/{after_vote['id']}/votes", {"option_ids": [option_ids(after_vote)[0]]})
    assert r.json_body["options"][0]["votes"] == 1 and r.json_body["results_visible"]
    after_close = new_poll(api("alice"), results="after_close")
    r = api("bob").post(f"polls/{after_close['id']}/votes", {"option_ids": [option_ids(after_close)[1]]})
    assert r.json_body["options"][1]["votes"] is None and r.json_body["voter_count"] is None
    r = api("alice").post(f"polls/{after_close['id']}/close")
    assert r.status_code == 200 and r.json_body["closed"] and r.json_body["options"][1]["votes"] == 1


def test_closing_early_and_by_deadline(api, world):
    poll = new_poll(api("bob"))
    a = option_ids(poll)[0]
    api("alice").post(f"polls/{poll['id']}/votes", {"option_ids": [a]})
    assert api("gina").post(f"polls/{poll['id']}/close").status_code == 404  # guests see their teams' polls only
    other = new_poll(api("alice"))
    assert api("bob").post(f"polls/{other['id']}/close").status_code == 403  # neither author nor admin
    assert api("mallory").post(f"polls/{poll['id']}/close").status_code == 404
    assert api("bob").post(f"polls/{poll['id']}/close").status_code == 200
    assert api("bob").post(f"polls/{poll['id']}/close").status_code == 409
    r = api("alice").post(f"polls/{poll['id']}/votes", {"option_ids": [a]})
    assert r.status_code == 409
    assert Notification.objects.filter(kind="poll_closed", recipient=world.alice.user).exists()

    timed = new_poll(api("alice"), closes_at=(timezone.now() + timedelta(hours=1)).isoformat())
    api("bob").post(f"polls/{timed['id']}/votes", {"option_ids": [option_ids(timed)[1]]})
    Poll.objects.filter(pk=timed["id"]).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert api("bob").post(f"polls/{timed['id']}/votes", {"option_ids": [option_ids(timed)[0]]}).status_code == 409
    assert api("bob").get(f"polls/{timed['id']}").json_body["closed"] is True
    run_pending_tasks(scheduled=True)  # the scheduled sweep records the close and tells the voters
    assert Poll.objects.get(pk=timed["id"]).status == "closed"
    assert Notification.objects.filter(kind="poll_closed", recipient=world.bob.user, target_id=timed["id"]).exists()


def test_outsiders_and_team_audience(api, world):
    poll = new_poll(api("bob"))
    for path in (f"polls/{poll['id']}", f"polls/{poll['id']}/voters"):
        assert api("mallory").get(path).status_code == 404
        assert api("anonymous").get(path).status_code == 404
    assert api("mallory").post(f"polls/{poll['id']}/votes", {"option_ids": option_ids(poll)[:1]}).status_code == 404
    assert api("mallory").get("spaces/acme/polls").status_code == 404
    board = do_create_team(space_access_for(world.alice.user, world.acme), name="Board", visibility="private")
    secret = new_poll(api("alice"), team_id=board.pk)
    assert api("bob").get(f"polls/{secret['id']}").status_code == 404
    assert [p["id"] for p in api("bob").get("spaces/acme/polls").json_body["items"]] == [poll["id"]]
    assert api("bob").post("spaces/acme/polls", {"question": "Q", "options": [{"text": "a"}, {"text": "b"}],
                                                "team_id": board.pk}).status_code == 422


def test_public_space_polls_are_readable_signed_out_but_voting_needs_membership(api, world):
    do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    poll = new_poll(api("alice"), slug="lovers")
    anon = Api(None)
    assert anon.get(f"polls/{poll['id']}").status_code == 200
    assert anon.get("spaces/lovers/polls").json_body["items"][0]["id"] == poll["id"]
    assert anon.post(f"polls/{poll['id']}/votes", {"option_ids": option_ids(poll)[:1]}).status_code == 401
    assert api("mallory").post(f"polls/{poll['id']}/votes", {"option_ids": option_ids(poll)[:1]}).status_code == 403


@pytest.mark.parametrize("count", [3, 25])
def test_poll_list_query_count_is_fixed(api, count):
    alice = api("alice")
    for i in range(count):
        p = new_poll(alice, question=f"Q{i}")
        alice.post(f"polls/{p['id']}/votes", {"option_ids": option_ids(p)[:1]})
    with CaptureQueriesContext(connection) as ctx:
        r = alice.get("spaces/acme/polls?limit=100")
    assert r.status_code == 200 and len(r.json_body["items"]) == count
    # An upper bound (the access helpers may get cheaper), the same for 3 polls as for 25.
    assert len(ctx.captured_queries) <= 7, [q["sql"] for q in ctx.captured_queries]
