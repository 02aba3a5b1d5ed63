"""Quick review in a real browser: a signed-out consumer files a counterfeit check with a
photo, a reviewer sees it and asks for more information, the consumer answers through the
lookup page with a second photo, the case is concluded and the consumer sees the outcome and
their photos. No CSP violation on the way."""

from __future__ import annotations

import pytest

from plaza.core.browser import BrowserSession

pytestmark = pytest.mark.browser


sign_in = BrowserSession.sign_in  # a new person signed in through the login form


def photo_file(tmp_path, name: str, color: tuple[int, int, int]):
    """A real small JPEG made here, as a phone would send it."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def img_loaded(page, locator) -> bool:
    """True when every image the locator finds was fetched and decoded by the browser."""
    return bool(locator.evaluate_all("els => els.length > 0 && els.every(e => e.complete && e.naturalWidth > 0)"))


def look_up(consumer, number: str, code: str) -> None:
    consumer.goto("/cases/lookup/")
    consumer.get_by_label("Case number").fill(number)
    consumer.get_by_label("Access code").fill(code)
    consumer.get_by_role("button", name="Look up").click()


def test_counterfeit_check_from_submission_to_outcome(browser_session: BrowserSession, world, tmp_path) -> None:
    from playwright.sync_api import expect

    from plaza.cases.actions import do_create_case_type
    from plaza.spaces.access import space_access_for
    from plaza.spaces.actions import do_create_space

    lovers = do_create_space(world.alice.user, name="Wine Lovers", slug="lovers", visibility="public", join_policy="open")
    do_create_case_type(
        space_access_for(world.alice.user, lovers), name="Counterfeit check", submitters="anyone",
        fields=[{"key": "product", "label": "Wine", "type": "text", "required": True},
                {"key": "details", "label": "What looks wrong", "type": "textarea", "required": True},
                {"key": "photo", "label": "Photo of the bottle", "type": "image", "required": True}],
        outcomes=["Genuine", "Counterfeit"],
    )

    consumer = browser_session.new_page()
    consumer.goto("/s/lovers/cases/new/")
    consumer.get_by_role("link", name="Counterfeit check").click()
    consumer.get_by_label("Wine").fill("Lafite 1982")
    consumer.get_by_label("What looks wrong").fill("The label is blurred and it cost ¥300.")
    consumer.get_by_label("Photo of the bottle").set_input_files(str(photo_file(tmp_path, "bottle.jpg", (150, 20, 40))))
    consumer.get_by_role("button", name="Submit").click()
    number = consumer.locator("#case-number").inner_text().strip()
    code = consumer.locator("#case-code").inner_text().strip()
    assert number.startswith("KS-") and len(code) >= 16

    reviewer = sign_in(browser_session, world.alice.user.email)
    reviewer.goto(f"/s/lovers/cases/{number}/")
    expect(reviewer.get_by_text("Lafite 1982")).to_be_visible()
    bottle = reviewer.locator("dd img")
    expect(bottle).to_have_count(1)
    expect(bottle).to_be_visible()
    assert img_loaded(reviewer, bottle)
    reviewer.get_by_role("button", name="Accepted").click()
    reviewer.get_by_role("button", name="In review").click()
    reviewer.get_by_label("Message to the submitter").fill("Please send a photo of the back label.")
    reviewer.get_by_role("button", name="More information needed").click()
    expect(reviewer.locator("#case-status")).to_have_text("More information needed")

    look_up(consumer, number, code)
    expect(consumer.locator("#lookup-status")).to_have_text("More information needed")
    expect(consumer.get_by_text("Please send a photo of the back label.")).to_be_visible()
    # Their own values and photo, fetched through the lookup's link.
    values = consumer.locator("#lookup-values")
    expect(values.get_by_text("Lafite 1982")).to_be_visible()
    expect(values.locator("img")).to_have_count(1)
    assert img_loaded(consumer, values.locator("img"))
    consumer.get_by_label("Your answer").fill("The back label has no importer address.")
    consumer.get_by_label("Photos or files").set_input_files(str(photo_file(tmp_path, "back-label.jpg", (20, 120, 40))))
    consumer.get_by_role("button", name="Send the answer").click()
    expect(consumer.locator("#lookup-status")).to_have_text("In review")
    expect(consumer.get_by_text("Thank you, your answer was added")).to_be_visible()

    reviewer.reload()
    expect(reviewer.get_by_text("The back label has no importer address.")).to_be_visible()
    expect(reviewer.locator(".timeline").get_by_role("link", name="File 1")).to_be_visible()
    reviewer.get_by_label("Outcome (when concluding)").select_option("Counterfeit")
    reviewer.get_by_role("button", name="Concluded").click()
    expect(reviewer.locator("#case-status")).to_have_text("Concluded")

    look_up(consumer, number, code)
    expect(consumer.locator("#lookup-status")).to_have_text("Concluded")
    expect(consumer.locator("#lookup-outcome")).to_have_text("Counterfeit")
    # Both photos: the bottle with the submitted values, the back label with the answer.
    expect(consumer.locator("#lookup-values img")).to_have_count(1)
    answer_photo = consumer.locator(".timeline img")
    expect(answer_photo).to_have_count(1)
    expect(answer_photo).to_have_attribute("alt", "back-label.jpg")
    assert img_loaded(consumer, consumer.locator("article img"))
    assert browser_session.csp_violations == []
