"""Quick review pages: types, the public submit form, the desk, the lookup."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from plaza.cases.models import Case
from plaza.core.testing import PASSWORD
from plaza.spaces.actions import do_create_space


@pytest.fixture
def lovers(world):
    space = do_create_space(world.alice.user, name="Lovers", slug="lovers", visibility="public", join_policy="open")
    return space


def signed_in(persona) -> Client:
    c = Client()
    assert c.login(email=persona.user.email, password=PASSWORD)
    return c


def test_admin_defines_a_type_and_a_visitor_submits_and_follows_it(world, lovers):
    alice = signed_in(world.alice)
    r = alice.post("/s/lovers/cases/types/", {
        "name": "Counterfeit check", "fields": '[{"key": "product", "label": "Product", "type": "text", "required": true}]',
        "submitters": "anyone", "reviewer_team": "", "outcomes": "genuine, counterfeit", "due_days": "",
    })
    assert r.status_code == 302
    assert "Counterfeit check" in alice.get("/s/lovers/cases/types/").content.decode()
    assert signed_in(world.bob).get("/s/lovers/cases/types/").status_code in (403, 404)

    visitor = Client()
    page = visitor.get("/s/lovers/cases/new/").content.decode()
    assert "Counterfeit check" in page
    type_id = Case._meta.apps.get_model("cases", "CaseType").objects.get().pk
    form = visitor.get(f"/s/lovers/cases/new/{type_id}/")
    assert form.status_code == 200 and 'name="v_product"' in form.content.decode()
    r = visitor.post(f"/s/lovers/cases/new/{type_id}/", {"v_product": "Lafite 1982", "contact_email": "me@example.com"})
    assert r.status_code == 302 and r["Location"] == "/cases/submitted/"  # post/redirect/get
    html = visitor.get(r["Location"]).content.decode()
    number = re.search(r'id="case-number">([^<]+)<', html).group(1)
    code = re.search(r'id="case-code">([^<]+)<', html).group(1)
    assert Case.objects.get(number=number).values == {"product": "Lafite 1982"}

    # The reviewer desk and the case page.
    desk = alice.get("/s/lovers/cases/").content.decode()
    assert number in desk
    for to in ("accepted", "in_review"):
        alice.post(f"/s/lovers/cases/{number}/", {"action": "transition", "to": to})
    alice.post(f"/s/lovers/cases/{number}/", {"action": "note", "body": "Cork looks odd"})
    alice.post(f"/s/lovers/cases/{number}/", {"action": "transition", "to": "need_info", "note": "Photo of the label?"})
    detail = alice.get(f"/s/lovers/cases/{number}/").content.decode()
    assert "Cork looks odd" in detail and "Photo of the label?" in detail
    assert Case.objects.get(number=number).status == "need_info"
    assert Client().get(f"/s/lovers/cases/{number}/").status_code == 302  # sign in first
    assert signed_in(world.mallory).get(f"/s/lovers/cases/{number}/").status_code == 404
    assert signed_in(world.mallory).get("/s/lovers/cases/").status_code == 403

    # The lookup: wrong code, right code, answer, outcome.
    assert visitor.post("/cases/lookup/", {"number": number, "code": "nope"}).status_code == 404
    page = visitor.post("/cases/lookup/", {"number": number, "code": code}).content.decode()
    assert "Photo of the label?" in page and "Cork looks odd" not in page
    page = visitor.post("/cases/lookup/", {"number": number, "code": code, "action": "reply", "body": "Here"}).content.decode()
    assert Case.objects.get(number=number).status == "in_review"
    alice.post(f"/s/lovers/cases/{number}/", {"action": "transition", "to": "concluded", "outcome": "counterfeit"})
    page = visitor.post("/cases/lookup/", {"number": number, "code": code}).content.decode()
    assert 'id="lookup-outcome">counterfeit<' in page


def test_members_only_types_are_hidden_from_visitors(world, lovers):
    alice = signed_in(world.alice)
    alice.post("/s/lovers/cases/types/", {
        "name": "Members only", "fields": '[{"key": "q", "label": "Q", "type": "text"}]', "submitters": "members",
        "outcomes": "done",
    })
    assert "Members only" not in Client().get("/s/lovers/cases/new/").content.decode()
    assert signed_in(world.mallory).get("/s/acme/cases/new/").status_code == 404


def test_demo_has_a_counterfeit_desk_with_cases_in_several_states(db):
    from plaza.spaces.demo import seed_demo

    assert seed_demo() is True
    statuses = set(Case.objects.filter(space__slug="wine-lovers").values_list("status", flat=True))
    assert {"submitted", "accepted", "need_info", "concluded", "closed"} <= statuses
    li = Case._meta.apps.get_model("accounts", "User").objects.get(email="li@wine.example")
    c = Client()
    c.force_login(li)
    page = c.get("/s/wine-lovers/cases/").content.decode()
    assert "KS-" in page


def _case_type(world, lovers) -> int:
    from plaza.cases.actions import do_create_case_type
    from plaza.spaces.access import access_space

    acc = access_space(world.alice.user, "lovers")
    return do_create_case_type(
        acc, name="Counterfeit check", fields=[{"key": "product", "label": "Product", "type": "text", "required": True}],
        submitters="anyone", outcomes=["genuine"],
    ).pk


def test_a_resent_form_never_creates_a_second_case(world, lovers):
    visitor = Client()
    url = f"/s/lovers/cases/new/{_case_type(world, lovers)}/"
    data = {"v_product": "Lafite 1982", "form_token": "4f0c7d3e-2b1a-4c55-9a1e-1e2d3c4b5a69"}
    first = visitor.post(url, data)
    assert first.status_code == 302
    page = visitor.get(first["Location"]).content.decode()
    number = re.search(r'id="case-number">([^<]+)<', page).group(1)
    assert 'id="case-code"' in page
    # Reloading the page shows the number again, never the code.
    again = visitor.get(first["Location"]).content.decode()
    assert number in again and 'id="case-code"' not in again
    # The browser sends the same form again (reload of a POST, back button, double click).
    resent = visitor.post(url, data)
    assert resent.status_code == 303 and resent["Location"] == first["Location"]
    assert Case.objects.count() == 1
    # A new form (new token) is a new case.
    visitor.post(url, {**data, "form_token": "0a1b2c3d-0000-4000-8000-000000000001"})
    assert Case.objects.count() == 2


def test_a_form_with_errors_keeps_its_token_usable(world, lovers):
    visitor = Client()
    url = f"/s/lovers/cases/new/{_case_type(world, lovers)}/"
    token = "5e6f7a8b-1111-4222-8333-444455556666"
    assert visitor.post(url, {"v_product": "", "form_token": token}).status_code == 422
    assert visitor.post(url, {"v_product": "Lafite", "form_token": token}).status_code == 302
    assert Case.objects.count() == 1


def test_lookup_forgives_case_dashes_and_full_width_and_keeps_what_was_typed(world, lovers):
    visitor = Client()
    url = f"/s/lovers/cases/new/{_case_type(world, lovers)}/"
    visitor.post(url, {"v_product": "Lafite"})
    page = visitor.get("/cases/submitted/").content.decode()
    number = re.search(r'id="case-number">([^<]+)<', page).group(1)
    code = re.search(r'id="case-code">([^<]+)<', page).group(1)
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in code)
    for typed_number, typed_code in [
        (number.lower(), code.lower()),
        (number.replace("-", ""), code.replace("-", "")),
        (f" {number} ", full_width),
        (number, code.replace("-", " ")),
    ]:
        r = Client().post("/cases/lookup/", {"number": typed_number, "code": typed_code, "action": "view"})
        assert r.status_code == 200, (typed_number, typed_code)
        assert 'id="lookup-status"' in r.content.decode()
    wrong = Client().post("/cases/lookup/", {"number": number.lower(), "code": "abcd-wrong", "action": "view"})
    assert wrong.status_code == 404
    html = wrong.content.decode()
    assert f'value="{number.lower()}"' in html and 'value="abcd-wrong"' in html
