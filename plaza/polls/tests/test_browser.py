"""A secret poll in a real browser shows the tally and nothing else.

Several people vote — bob through the page, carol through the API, dave and alice through
the actions — and then, in Chromium: every voter's page shows the counts per option and
how many voted, but no voter's name, nothing about who chose what, no voters list; bob's
own page does not show what he chose (the choice is not stored: it cannot be known), and it
is the same page, word for word, that dave sees after choosing the other way; the space
owner's page is no different; the voters endpoint answers 403 to all of them.
"""

from __future__ import annotations

import pytest

from plaza.core.browser import BrowserSession
from plaza.core.testing import Api, make_persona

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def test_a_secret_poll_shows_the_tally_and_nothing_else(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    from plaza.polls.actions import do_create_poll, do_vote
    from plaza.spaces.access import space_access_for
    from plaza.spaces.models import Membership

    carol, dave = make_persona("carol", name="Carol Chen"), make_persona("dave", name="Dave Du")
    for person in (carol, dave):
        Membership.objects.create(space=world.acme, user=person.user, role="member")
    poll = do_create_poll(space_access_for(world.alice.user, world.acme), question="Approve the 2027 fee?",
                          options=[{"text": "Approve"}, {"text": "Reject"}, {"text": "Abstain"}],
                          ballot="secret", results="always")
    approve, reject, _abstain = poll.options.order_by("position").values_list("pk", flat=True)
    url = f"/polls/{poll.pk}/"
    voters = [world.alice.user, world.bob.user, carol.user, dave.user]
    names = [n for u in voters for n in (u.name, u.handle)]

    # carol through the API, dave and alice through the actions.
    assert Api(carol).post(f"polls/{poll.pk}/votes", {"option_ids": [reject]}).status_code == 200
    do_vote(space_access_for(dave.user, world.acme), poll, option_ids=[approve])
    do_vote(space_access_for(world.alice.user, world.acme), poll, option_ids=[approve])

    # bob through the page.
    bob = sign_in(browser_session, world.bob.user.email)
    bob.goto(url)
    expect(bob.locator(".poll-results")).to_be_visible()  # results "always": the tally before voting too
    bob.get_by_label("Reject").check()
    bob.get_by_role("button", name="Vote").click()
    expect(bob.get_by_text("Your vote was counted.")).to_be_visible()

    def read(page) -> str:
        page.goto(url)
        article = page.locator("article").filter(has=page.get_by_role("heading", name="Approve the 2027 fee?"))
        expect(article.locator(".poll-results li")).to_have_count(3)
        return article.inner_text()

    dave_page = sign_in(browser_session, dave.user.email)
    alice = sign_in(browser_session, world.alice.user.email)
    seen = {"bob": read(bob), "dave": read(dave_page), "alice": read(alice)}
    for who, text in seen.items():
        # The tally per option and how many voted: 2 approve (dave, alice), 2 reject (carol, bob).
        assert "Approve: 2" in text and "Reject: 2" in text and "Abstain: 0" in text, (who, text)
        assert "4 voters" in text, (who, text)
        assert "You voted." in text, (who, text)
        # No voter's name or handle, no voters list.
        for name in names:
            assert name not in text, (who, name)
        assert "Voters" not in text, who
    for page in (bob, dave_page, alice):
        assert page.locator("a[href*='voters']").count() == 0
        # Nothing marks an option as the viewer's: no form to change, nothing checked.
        assert page.locator("input[name=option_ids]").count() == 0
        assert page.get_by_role("button", name="Change my vote").count() == 0
    # Bob chose Reject, dave Approve: their pages are the same, word for word. The space
    # owner's page differs only by the buttons to close and delete the poll, and by the link
    # to report it, which its author does not get.
    assert seen["bob"] == seen["dave"]
    owner_only = ("Close the poll now", "Delete this poll and its results for good", "Delete the poll")
    alice_text = seen["alice"]
    for line in owner_only:
        alice_text = alice_text.replace(line, "")
    bob_lines = [line for line in seen["bob"].splitlines() if line.strip()]
    assert "Report" in bob_lines and "Report" not in alice_text
    bob_lines.remove("Report")
    assert [line for line in alice_text.splitlines() if line.strip()] == bob_lines

    # The API as each of them, with the browser's session: no choices, and no voters list.
    for page in (bob, dave_page, alice):
        detail = page.request.get(f"/api/v1/polls/{poll.pk}")
        assert detail.status == 200
        body = detail.json()
        assert body["voted"] is True and body["my_choices"] is None and body["voter_count"] == 4
        assert [o["votes"] for o in body["options"]] == [2, 2, 0]
        for name in names:
            assert name not in str({k: v for k, v in body.items() if k != "author"})
        voters_list = page.request.get(f"/api/v1/polls/{poll.pk}/voters")
        assert voters_list.status == 403 and voters_list.json()["code"] == "forbidden"

    # A second secret vote is refused, on the page too: the form is gone, and a replayed
    # form post is turned away without changing the tally.
    bob.goto(url)
    assert bob.locator("form input[name=option_ids]").count() == 0
    csrf = next(c["value"] for c in bob.context.cookies() if c["name"] == "csrftoken")
    replay = bob.request.post(url, form={"csrfmiddlewaretoken": csrf, "option_ids": str(approve)},
                              headers={"Referer": browser_session.base_url + url})
    assert replay.ok and "You have already voted in this secret ballot." in replay.text()
    assert list(poll.options.order_by("position").values_list("votes", flat=True)) == [2, 2, 0]
    assert browser_session.csp_violations == [] and browser_session.page_errors == []
