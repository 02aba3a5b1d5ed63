"""Quick review in a real browser: a signed-out consumer files a counterfeit check, a reviewer
asks for more information, the consumer answers through the lookup page, the case is
concluded and the consumer sees the outcome. No CSP violation on the way."""

from __future__ import annotations

import pytest

from plaza.core.browser import BrowserSession
from plaza.core.testing import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(browser_session: BrowserSession, email: str):
    from playwright.sync_api import expect

    page = browser_session.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=login]")).locator("button[type=submit]").click()
    expect(page).to_have_url(f"{browser_session.base_url}/")
    return page


def test_counterfeit_check_from_submission_to_outcome(browser_session: BrowserSession, world) -> None:
    from playwright.sync_api import expect

    from plaza.cases.actions import do_create_case_type
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_create_space

    lovers = do_create_space(world.alice.user, name="Wine Lovers", slug="lovers", visibility="public", join_policy="open")
    do_create_case_type(
        space_access_for(world.alice.user, lovers), name="Counterfeit check", submitters="anyone",
        fields=[{"key": "product", "label": "Wine", "type": "text", "required": True},
                {"key": "details", "label": "What looks wrong", "type": "textarea", "required": True}],
        outcomes=["Genuine", "Counterfeit"],
    )

    consumer = browser_session.new_page()
    consumer.goto("/s/lovers/cases/new/")
    consumer.get_by_role("link", name="Counterfeit check").click()
    consumer.get_by_label("Wine").fill("Lafite 1982")
    consumer.get_by_label("What looks wrong").fill("The label is blurred and it cost ¥300.")
    consumer.get_by_role("button", name="Submit").click()
    number = consumer.locator("#case-number").inner_text().strip()
    code = consumer.locator("#case-code").inner_text().strip()
    assert number.startswith("KS-") and len(code) >= 16

    reviewer = sign_in(browser_session, world.alice.user.email)
    reviewer.goto(f"/s/lovers/cases/{number}/")
    reviewer.get_by_role("button", name="Accepted").click()
    reviewer.get_by_role("button", name="In review").click()
    reviewer.get_by_label("Message to the submitter").fill("Please send a photo of the back label.")
    reviewer.get_by_role("button", name="More information needed").click()
    expect(reviewer.locator("#case-status")).to_have_text("More information needed")

    consumer.goto("/cases/lookup/")
    consumer.get_by_label("Case number").fill(number)
    consumer.get_by_label("Access code").fill(code)
    consumer.get_by_role("button", name="Look up").click()
    expect(consumer.locator("#lookup-status")).to_have_text("More information needed")
    expect(consumer.get_by_text("Please send a photo of the back label.")).to_be_visible()
    consumer.get_by_label("Your answer").fill("The back label has no importer address.")
    consumer.get_by_role("button", name="Send the answer").click()
    expect(consumer.locator("#lookup-status")).to_have_text("In review")

    reviewer.reload()
    reviewer.get_by_label("Outcome (when concluding)").select_option("Counterfeit")
    reviewer.get_by_role("button", name="Concluded").click()
    expect(reviewer.locator("#case-status")).to_have_text("Concluded")

    consumer.goto("/cases/lookup/")
    consumer.get_by_label("Case number").fill(number)
    consumer.get_by_label("Access code").fill(code)
    consumer.get_by_role("button", name="Look up").click()
    expect(consumer.locator("#lookup-status")).to_have_text("Concluded")
    expect(consumer.locator("#lookup-outcome")).to_have_text("Counterfeit")
