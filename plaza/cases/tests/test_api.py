"""Quick review through the API: case types, submitting, the desk, the public lookup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.cases.models import Case, CaseEvent
from plaza.core.tasks import run_pending_tasks
from plaza.core.testing import Api, make_persona, upload_file
from plaza.notifications.models import Notification
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_space, do_create_team
from plaza.spaces.models import Membership

FIELDS = [
    {"key": "product", "label": "Product", "type": "text", "required": True},
    {"key": "bottles", "label": "Bottles", "type": "number", "required": False},
    {"key": "bought_on", "label": "Bought on", "type": "date", "required": False},
    {"key": "shop", "label": "Kind of shop", "type": "choice", "required": False, "choices": ["online", "store"]},
    {"key": "photo", "label": "Photo", "type": "image", "required": False},
]
OUTCOMES = ["genuine", "counterfeit"]


@pytest.fixture
def desk(world):
    """rita reviews in acme (member of the private Review team); bob is a plain member."""
    rita = make_persona("rita")
    Membership.objects.create(space=world.acme, user=rita.user, role="member")
    alice_acc = space_access_for(world.alice.user, world.acme)
    team = do_create_team(alice_acc, name="Review", visibility="private")
    do_add_team_member(alice_acc, team, rita.user.pk)
    r = Api(world.alice).post("spaces/acme/case-types", {
        "name": "Counterfeit check", "fields": FIELDS, "submitters": "members", "reviewer_team_id": team.pk,
        "outcomes": OUTCOMES, "due_days": {"submitted": 2, "in_review": 5},
    })
    assert r.status_code == 201, r.json_body
    return {"rita": rita, "team": team, "type_id": r.json_body["id"]}


@pytest.fixture
def public_desk(world):
    lovers = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    r = Api(world.alice).post("spaces/lovers/case-types", {
        "name": "Complaint", "fields": [{"key": "what", "label": "What happened", "type": "textarea", "required": True}],
        "submitters": "anyone", "outcomes": ["resolved", "rejected"],
    })
    assert r.status_code == 201
    members_only = Api(world.alice).post("spaces/lovers/case-types", {
        "name": "Members' question", "fields": [{"key": "q", "label": "Question", "type": "text", "required": True}],
        "submitters": "members", "outcomes": ["answered"],
    })
    return {"space": lovers, "type_id": r.json_body["id"], "members_type_id": members_only.json_body["id"]}


def submit(api, type_id, slug="acme", **values):
    return api.post(f"spaces/{slug}/cases", {"case_type_id": type_id, "values": values or {"product": "Château X 2015"},
                                             "contact_email": "buyer@example.com"})


def test_case_types_are_defined_by_admins_and_validated(api, desk):
    body = {"name": "X", "fields": FIELDS, "outcomes": OUTCOMES}
    assert api("bob").post("spaces/acme/case-types", body).status_code == 403
    assert api("mallory").post("spaces/acme/case-types", body).status_code == 404
    r = api("alice").post("spaces/acme/case-types", {**body, "fields": [{"key": "a", "label": "A", "type": "video"}]})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "fields.0.type"]
    r = api("alice").post("spaces/acme/case-types", {**body, "fields": [{"key": "c", "label": "C", "type": "choice"}]})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "fields.0.choices"]
    r = api("alice").post("spaces/acme/case-types", {**body, "outcomes": []})
    assert r.status_code == 422
    listed = api("bob").get("spaces/acme/case-types").json_body["items"]
    assert [t["name"] for t in listed] == ["Counterfeit check"]
    assert api("mallory").get("spaces/acme/case-types").status_code == 404


def test_submit_validates_values_naming_the_field(world, api, desk):
    t = desk["type_id"]
    r = api("bob").post("spaces/acme/cases", {"case_type_id": t, "values": {}})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "values.product"]
    for values, key in (
        ({"product": "x", "bottles": "many"}, "bottles"),
        ({"product": "x", "bought_on": "yesterday"}, "bought_on"),
        ({"product": "x", "shop": "market"}, "shop"),
        ({"product": "x", "photo": "http://x"}, "photo"),
        ({"product": "x", "colour": "red"}, "colour"),
    ):
        r = api("bob").post("spaces/acme/cases", {"case_type_id": t, "values": values})
        assert r.status_code == 422, values
        assert r.json_body["detail"][0]["loc"] == ["body", f"values.{key}"]
    r = api("bob").post("spaces/acme/cases", {"case_type_id": t, "values": {"product": "x"}, "contact_email": "nope"})
    assert r.json_body["detail"][0]["loc"] == ["body", "contact_email"]
    photo = upload_file(world.bob)
    r = submit(api("bob"), t, product="Château X", bottles=3, bought_on="2026-10-01", shop="online", photo=photo)
    assert r.status_code == 201
    out = r.json_body
    year = timezone.now().year
    assert out["number"].startswith(f"KS-{year}-") and len(out["number"]) == len(f"KS-{year}-000001")
    assert out["status"] == "submitted"
    assert len(out["access_code"].replace("-", "")) * 4 >= 64
    case = Case.objects.get(number=out["number"])
    assert out["access_code"] not in case.access_code_hash  # stored hashed only
    assert case.values == {"product": "Château X", "bottles": 3, "bought_on": "2026-10-01", "shop": "online", "photo": [photo]}
    assert case.due_at is not None
    second = submit(api("bob"), t).json_body["number"]
    assert int(second[-6:]) == int(out["number"][-6:]) + 1


def test_who_may_submit(api, world, desk, public_desk):
    assert submit(api("gina"), desk["type_id"]).status_code == 201  # guests are in the space
    assert submit(api("mallory"), desk["type_id"]).status_code == 404
    assert submit(api("anonymous"), desk["type_id"]).status_code == 404
    # A public space: anyone, signed out too, for an "anyone" type; members types need membership.
    r = Api(None).post("spaces/lovers/cases", {"case_type_id": public_desk["type_id"], "values": {"what": "Fake label"}})
    assert r.status_code == 201
    r = Api(None).post("spaces/lovers/cases", {"case_type_id": public_desk["members_type_id"], "values": {"q": "?"}})
    assert r.status_code == 404  # a visitor does not see members-only types
    r = api("mallory").post("spaces/lovers/cases", {"case_type_id": public_desk["type_id"], "values": {"what": "x"}})
    assert r.status_code == 201
    types = [t["name"] for t in Api(None).get("spaces/lovers/case-types").json_body["items"]]
    assert types == ["Complaint"]


def test_signed_out_submissions_are_rate_limited(public_desk):
    anon = Api(None)
    statuses = [
        anon.post("spaces/lovers/cases", {"case_type_id": public_desk["type_id"], "values": {"what": "x"}}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 429


def test_reviewers_are_notified_and_outsiders_see_nothing(api, world, desk):
    number = submit(api("bob"), desk["type_id"]).json_body["number"]
    kinds = dict(Notification.objects.filter(kind="case_submitted").values_list("recipient__handle", "target_id"))
    assert set(kinds) == {"alice", "rita"}
    rita = Api(desk["rita"])
    assert rita.get(f"cases/{number}").status_code == 200
    assert api("alice").get(f"cases/{number}").status_code == 200
    assert api("bob").get(f"cases/{number}").status_code == 404  # the submitter uses the lookup
    assert api("mallory").get(f"cases/{number}").status_code == 404
    assert api("anonymous").get(f"cases/{number}").status_code == 401
    assert api("bob").get("spaces/acme/cases").status_code == 403
    assert api("mallory").get("spaces/acme/cases").status_code == 404
    assert api("mallory").post(f"cases/{number}/transition", {"to": "accepted"}).status_code == 404
    assert api("mallory").post(f"cases/{number}/notes", {"body": "x"}).status_code == 404
    assert api("mallory").get("spaces/acme/cases/stats").status_code == 404
    assert rita.get("spaces/acme/cases").json_body["items"][0]["number"] == number


def test_the_whole_workflow_with_lookup(api, world, desk):
    created = submit(api("bob"), desk["type_id"]).json_body
    number, code = created["number"], created["access_code"]
    rita = Api(desk["rita"])
    # Illegal moves are conflicts; withdrawing is the submitter's; concluding needs an outcome.
    assert rita.post(f"cases/{number}/transition", {"to": "concluded", "outcome": "genuine"}).status_code == 409
    assert rita.post(f"cases/{number}/transition", {"to": "withdrawn"}).status_code == 403
    assert rita.post(f"cases/{number}/transition", {"to": "flying"}).status_code == 422
    assert rita.post(f"cases/{number}/transition", {"to": "accepted"}).json_body["status"] == "accepted"
    assert rita.post(f"cases/{number}/transition", {"to": "in_review"}).status_code == 200
    assert rita.post(f"cases/{number}/notes", {"body": "Looks like a fake cork", "public": False}).status_code == 201
    run_pending_tasks()
    mail.outbox.clear()
    r = rita.post(f"cases/{number}/transition", {"to": "need_info", "note": "Please send the back label."})
    assert r.json_body["status"] == "need_info"
    run_pending_tasks()
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    assert "Please send the back label." in mail.outbox[0].body
    assert "fake cork" not in mail.outbox[0].body

    anon = Api(None)
    look = anon.get(f"cases/lookup?number={number}&code={code}")
    assert look.status_code == 200
    assert look.json_body["status"] == "need_info"
    notes = [e["note"] for e in look.json_body["timeline"]]
    assert "Please send the back label." in notes
    assert all("fake cork" not in n for n in notes)  # internal notes never shown
    assert anon.get(f"cases/lookup?number={number}&code=WRONG").status_code == 404
    assert anon.get(f"cases/lookup?number=KS-1999-000001&code={code}").status_code == 404

    r = anon.post("cases/lookup/reply", {"number": number, "code": code, "body": "Label photo attached."})
    assert r.status_code == 200 and r.json_body["status"] == "in_review"
    assert anon.post("cases/lookup/reply", {"number": number, "code": code, "body": "again"}).status_code == 409
    assert Notification.objects.filter(kind="case_updated", recipient=desk["rita"].user).exists()

    r = rita.post(f"cases/{number}/transition", {"to": "concluded"})
    assert r.status_code == 422 and r.json_body["detail"][0]["loc"] == ["body", "outcome"]
    r = rita.post(f"cases/{number}/transition", {"to": "concluded", "outcome": "counterfeit", "note": "It is fake."})
    assert r.json_body["status"] == "concluded" and r.json_body["outcome"] == "counterfeit"
    assert rita.post(f"cases/{number}/transition", {"to": "closed"}).json_body["status"] == "closed"
    assert rita.post(f"cases/{number}/transition", {"to": "in_review"}).status_code == 409
    look = anon.get(f"cases/lookup?number={number}&code={code}").json_body
    assert look["status"] == "closed" and look["outcome"] == "counterfeit"
    statuses = [e["status"] for e in api("alice").get(f"cases/{number}").json_body["timeline"]]
    assert statuses[0] == "submitted" and statuses[-1] == "closed"
    # The timeline is append-only.
    event = CaseEvent.objects.filter(case__number=number).first()
    event.body = "rewritten"
    with pytest.raises(ValueError):
        event.save()


def test_submitter_withdraws_through_the_lookup(api, desk):
    created = submit(api("bob"), desk["type_id"]).json_body
    r = Api(None).post("cases/lookup/withdraw", {"number": created["number"], "code": created["access_code"]})
    assert r.status_code == 200 and r.json_body["status"] == "withdrawn"
    r = Api(None).post("cases/lookup/withdraw", {"number": created["number"], "code": created["access_code"]})
    assert r.status_code == 409


def test_wrong_codes_are_rate_limited(api, desk):
    created = submit(api("bob"), desk["type_id"]).json_body
    anon = Api(None)
    statuses = [anon.get(f"cases/lookup?number={created['number']}&code=guess{i}").status_code for i in range(11)]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429
    # Another address guessing the same number is stopped too.
    other = Api(None)
    other.extra = {"REMOTE_ADDR": "10.9.9.9"}
    assert other.get(f"cases/lookup?number={created['number']}&code=guess").status_code == 429


def test_assign_only_to_reviewers(api, world, desk):
    number = submit(api("bob"), desk["type_id"]).json_body["number"]
    rita = desk["rita"]
    r = api("alice").post(f"cases/{number}/assign", {"user_id": world.bob.user.pk})
    assert r.status_code == 422
    r = api("alice").post(f"cases/{number}/assign", {"user_id": world.mallory.user.pk})
    assert r.status_code == 422
    r = api("alice").post(f"cases/{number}/assign", {"user_id": rita.user.pk})
    assert r.status_code == 200 and r.json_body["assignee"]["handle"] == "rita"
    assert Notification.objects.filter(kind="case_updated", recipient=rita.user).exists()
    items = api("alice").get(f"spaces/acme/cases?assignee={rita.user.pk}").json_body["items"]
    assert [c["number"] for c in items] == [number]
    assert api("alice").get(f"spaces/acme/cases?assignee={world.alice.user.pk}").json_body["items"] == []


def test_overdue_marking_by_the_scheduled_job(api, desk):
    late = submit(api("bob"), desk["type_id"]).json_body["number"]
    fresh = submit(api("bob"), desk["type_id"]).json_body["number"]
    Case.objects.filter(number=late).update(due_at=timezone.now() - timedelta(hours=1))
    items = {c["number"]: c["overdue"] for c in api("alice").get("spaces/acme/cases").json_body["items"]}
    assert items == {late: True, fresh: False}  # the query flags it before the sweep
    run_pending_tasks(scheduled=True)
    case = Case.objects.get(number=late)
    assert case.overdue
    assert case.events.filter(kind="overdue").count() == 1
    assert not Case.objects.get(number=fresh).overdue
    overdue = [c["number"] for c in api("alice").get("spaces/acme/cases?overdue=true").json_body["items"]]
    assert overdue == [late]
    assert api("alice").get("spaces/acme/cases/stats").json_body["overdue"] == 1


def test_stats(api, desk):
    rita = Api(desk["rita"])
    numbers = [submit(api("bob"), desk["type_id"]).json_body["number"] for _ in range(3)]
    for n in numbers[:2]:
        for step in ("accepted", "in_review"):
            rita.post(f"cases/{n}/transition", {"to": step})
    rita.post(f"cases/{numbers[0]}/transition", {"to": "concluded", "outcome": "genuine"})
    stats = api("alice").get("spaces/acme/cases/stats").json_body
    assert stats["total"] == 3
    assert stats["by_status"]["submitted"] == 1 and stats["by_status"]["in_review"] == 1
    assert stats["by_status"]["concluded"] == 1
    assert stats["by_outcome"] == {"genuine": 1}
    assert stats["average_handling_seconds"] is not None
    assert api("bob").get("spaces/acme/cases/stats").status_code == 403


@pytest.mark.parametrize("count", [3, 25])
def test_case_list_query_count_is_fixed(api, desk, count):
    for _ in range(count):
        submit(api("bob"), desk["type_id"])
    alice = api("alice")
    with CaptureQueriesContext(connection) as ctx:
        r = alice.get("spaces/acme/cases?limit=100")
    assert r.status_code == 200 and len(r.json_body["items"]) == count
    # An upper bound (it does not grow with the items), so cheaper access helpers do not fail it.
    assert len(ctx.captured_queries) <= 4, [q["sql"] for q in ctx.captured_queries]
