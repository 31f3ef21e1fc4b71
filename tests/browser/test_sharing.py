"""Share with your physio, in a real browser: the person makes a link; a fresh browser (no
cookies, no account) opens it, types the passcode and reads the pain numbers, decrypted in the
page. Screenshots of both sides at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from playwright.sync_api import Browser, Page, expect

from knotless.journal import services as journal
from knotless.journal.models import CheckIn
from knotless.sharing.models import Share
from tests.browser.conftest import ARTIFACTS, settle, sign_in
from tests.browser.test_csp import flush, watch


def _diary(user: Any) -> Any:
    from django.utils import timezone

    knot = journal.add_knot(
        user,
        region="back-of-neck",
        side="left",
        muscle="upper-trapezius",
        pain=7,
        tz_name="Europe/Berlin",
    )
    now = timezone.now()
    for days, pain, note in ((12, 6, "after a long day at the desk"), (6, 4, ""), (1, 3, "")):
        CheckIn.objects.create(knot=knot, moment=now - timedelta(days=days), pain=pain, note=note)
    return knot


def test_a_physio_opens_the_link_in_a_fresh_browser(
    page: Page, browser: Browser, live_server: Any, user: Any
) -> None:
    knot = _diary(user)
    refused = watch(page.context)  # the strict policy, trusted types included: nothing refused
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/account/data/")
    page.get_by_role("link", name="Share with your physio").click()
    page.get_by_role("link", name="Share with your physio").click()
    expect(page.get_by_label(knot.label)).to_be_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-new-1280.png"), full_page=True)
    page.get_by_label("The link works for").select_option("1d")
    page.get_by_label("Passcode (optional)").fill("4711 blue")
    page.get_by_role("button", name="Make the link").click()
    link = page.locator("#shl-link").input_value()
    assert "#shlink:/" in link
    expect(page.locator(".shl-qr svg")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "share-made-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "share-made-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    assert fresh.cookies() == []
    refused_there = watch(fresh)
    physio = fresh.new_page()
    physio.set_default_timeout(15_000)
    physio.goto(link)
    physio.get_by_label("Your name or practice").fill("Riverside Physio")
    physio.get_by_label("Passcode").fill("wrong")
    physio.get_by_role("button", name="Open").click()
    expect(physio.get_by_text("Wrong passcode. 4 tries left")).to_be_visible()
    physio.get_by_label("Passcode").fill("4711 blue")
    physio.get_by_role("button", name="Open").click()
    section = physio.locator("section.shl-knot")
    expect(section.get_by_role("heading", name=knot.label)).to_be_visible()
    cells = section.locator("td.shl-pain").all_inner_texts()
    assert cells == ["6", "4", "3", "7"]  # oldest first; the 7 is the rating given today
    expect(section.get_by_text("after a long day at the desk")).to_be_visible()
    expect(section.locator("svg.shl-chart circle")).to_have_count(4)
    # The knot as the person noted it comes with its ratings (the Condition in the Bundle).
    about = section.locator(".shl-about")
    expect(about).to_contain_text("First felt")
    expect(about).to_contain_text("muscle named: Upper trapezius")
    expect(about).to_contain_text("still active")
    expect(physio.get_by_role("heading", name="Red-flag screening")).to_be_visible()
    physio.screenshot(path=str(ARTIFACTS / "share-physio-1280.png"), full_page=True)
    flush(physio)
    assert not refused_there, refused_there
    settle(physio)
    fresh.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    on_phone = phone.new_page()
    on_phone.goto(link)
    on_phone.get_by_label("Your name or practice").fill("Riverside Physio, on a phone")
    on_phone.get_by_label("Passcode").fill("4711 blue")
    on_phone.get_by_role("button", name="Open").click()
    expect(on_phone.locator("td.shl-pain")).to_have_count(4)
    on_phone.screenshot(path=str(ARTIFACTS / "share-physio-390.png"), full_page=True)
    settle(on_phone)
    phone.close()

    # The person sees both accesses, and withdraws the link with one tap.
    page.goto(f"{live_server.url}/account/shares/")
    log = page.locator(".shl-log")
    expect(log.locator("li")).to_have_count(3)
    expect(log.get_by_text("on a phone")).to_be_visible()
    expect(log.get_by_text("Refused: wrong passcode")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "share-list-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "share-list-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    flush(page)
    assert not refused, refused
    page.get_by_role("button", name="Withdraw now").click()
    expect(page.get_by_text("Withdrawn", exact=False).first).to_be_visible()
    assert Share.objects.get().revoked_at is not None

    again = browser.new_context()
    late = again.new_page()
    late.goto(link)
    late.get_by_label("Your name or practice").fill("Riverside Physio")
    late.get_by_label("Passcode").fill("4711 blue")
    late.get_by_role("button", name="Open").click()
    expect(late.get_by_text("This link is no longer active")).to_be_visible()
    expect(late.locator("section.shl-knot")).to_have_count(0)
    again.close()
