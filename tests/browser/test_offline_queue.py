"""The offline queue in Chromium: entries made without a connection wait on the device, are
shown, and reach the server exactly once when it returns, also with two tabs open and when
the same entry is sent twice; Today's quick actions at 390 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from knotless.hydration.models import Drink
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from tests.browser.conftest import ARTIFACTS, settle, sign_in
from tests.browser.test_journal import FIND_POINT

pytestmark = pytest.mark.django_db(transaction=True)

PHONE: ViewportSize = {"width": 390, "height": 844}


def _knot(user: Any, region: str = "medial-border-of-scapula", side: str = "left") -> Knot:
    return journal.add_knot(
        user,
        region=region,
        side=side,
        pain=6,
        tz_name="Europe/Berlin",
        moment=timezone.now() - timedelta(days=2),
        first_felt=timezone.localdate() - timedelta(days=3),
    )


@pytest.fixture
def phone(browser: Browser, live_server: Any, user: Any) -> Iterator[BrowserContext]:
    # Without the service worker: the page itself keeps and sends (it works before the worker
    # is installed, and where there is none); the worker's side is tested through a worker below.
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, service_workers="block"
    )
    context.set_default_timeout(15_000)
    sign_in(context, live_server, user)
    yield context
    for opened in context.pages:
        settle(opened)
    context.close()


def _today(context: BrowserContext, live_server: Any) -> Page:
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    return page


def _check_in(page: Page, label: str, pain: int) -> None:
    tile = page.locator(".knot-tile").filter(has=page.get_by_role("heading", name=label))
    tile.locator("summary").click()  # tap 1
    tile.get_by_role("button", name=str(pain), exact=True).click()  # tap 2


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _checkins(knot: Knot) -> list[int]:
    return list(CheckIn.objects.filter(knot=knot).order_by("id").values_list("pain", flat=True))


def test_offline_entries_wait_are_shown_and_arrive_once(
    phone: BrowserContext, live_server: Any, user: Any
) -> None:
    knot = _knot(user)
    page = _today(phone, live_server)
    phone.set_offline(True)
    _check_in(page, knot.label, 4)
    _check_in(page, knot.label, 7)
    page.get_by_role("button", name="+ Glass of water").click()  # one tap
    panel = page.locator("#queue")
    expect(panel).to_contain_text("3 entries waiting to be sent")
    expect(panel).to_contain_text(f"Check-in, {knot.label}: pain 4/10")
    expect(panel).to_contain_text(f"Check-in, {knot.label}: pain 7/10")
    expect(panel).to_contain_text("Drink: Glass, 250 ml")
    _shot(page, "queue-today-390-waiting")
    assert _checkins(knot) == [6]
    assert not Drink.objects.filter(user=user).exists()

    phone.set_offline(False)  # the "online" event sends them
    expect(panel).to_contain_text("All sent:")
    expect(panel).not_to_contain_text("waiting")
    for words in ("Checked in: 4/10.", "Checked in: 7/10.", "Logged 250 ml of water."):
        expect(panel.locator(".queue-sent li", has_text=words)).to_be_visible()
    _shot(page, "queue-today-390-sent")
    assert _checkins(knot) == [6, 4, 7]
    assert list(Drink.objects.filter(user=user).values_list("ml", flat=True)) == [250]
    # The page shows them once asked to, and sends nothing again.
    page.get_by_role("button", name="Show them on the page").click()
    expect(page.locator(".knot-card .rating")).to_contain_text("7")
    expect(page.locator("#queue")).to_contain_text("All sent:")
    expect(page.get_by_role("button", name="Show them on the page")).to_be_hidden()
    _shot(page, "queue-today-390-after")
    page.reload()
    expect(page.locator("#queue")).to_be_hidden()
    assert _checkins(knot) == [6, 4, 7]


def test_online_quick_actions_take_two_taps_and_one(
    phone: BrowserContext, live_server: Any, user: Any
) -> None:
    knot = _knot(user)
    page = _today(phone, live_server)
    _check_in(page, knot.label, 3)
    expect(page.get_by_text("Checked in: 3/10.")).to_be_visible()
    assert page.url.rstrip("/") == live_server.url  # still on Today
    page.get_by_role("button", name="+ Glass of water").click()
    expect(page.get_by_text("Logged 250 ml of water.")).to_be_visible()
    assert _checkins(knot) == [6, 3]
    assert Drink.objects.filter(user=user).count() == 1
    # Every quick target leaves room for a thumb.
    tile = page.locator(".knot-tile").first
    tile.locator("summary").click()
    _shot(page, "queue-today-390-quick-open")
    for target in [tile.locator("summary"), page.locator(".quick-water button")] + [
        tile.get_by_role("button", name=str(n), exact=True) for n in range(11)
    ]:
        box = target.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_two_tabs_send_each_entry_once(phone: BrowserContext, live_server: Any, user: Any) -> None:
    knot = _knot(user)
    first, second = _today(phone, live_server), _today(phone, live_server)
    phone.set_offline(True)
    _check_in(first, knot.label, 5)
    second.get_by_role("button", name="+ Glass of water").click()
    # One store for the device: each tab lists both entries.
    expect(first.locator("#queue")).to_contain_text("2 entries waiting to be sent")
    expect(second.locator("#queue")).to_contain_text("2 entries waiting to be sent")
    phone.set_offline(False)  # both tabs get "online" and flush; the lock lets one send
    for tab in (first, second):
        expect(tab.locator("#queue")).not_to_contain_text("waiting")
    first.reload()
    second.reload()
    assert _checkins(knot) == [6, 5]
    assert Drink.objects.filter(user=user).count() == 1


def test_the_same_entry_sent_twice_is_stored_once(
    phone: BrowserContext, live_server: Any, user: Any
) -> None:
    knot = _knot(user)
    page = _today(phone, live_server)
    # Two sends of one entry past the queue's lock, as a retry after a lost answer would. At
    # the same moment on PostgreSQL; one after the other on SQLite, whose in-memory test
    # database refuses a second connection's write ("table is locked") instead of waiting.
    together = connection.vendor != "sqlite"
    answers = page.evaluate(
        """async ([url, together]) => {
          const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
          const entry = {id: crypto.randomUUID(), url, fields: [
            ["csrfmiddlewaretoken", token], ["pain", "2"]], label: "twice",
            queuedAt: Date.now(), state: "waiting"};
          entry.fields.push(["client_id", entry.id]);
          const q = globalThis.knotlessQueue;
          if (together) return Promise.all([q.send(entry), q.send(entry)]);
          return [await q.send(entry), await q.send(entry)];
        }""",
        [reverse("knot_checkin", args=[knot.pk]), together],
    )
    assert [a["outcome"] for a in answers] == ["sent", "sent"]
    assert answers[0]["message"] == answers[1]["message"] == "Checked in: 2/10."
    assert _checkins(knot) == [6, 2]


def test_a_knot_deleted_elsewhere_is_kept_with_the_servers_words(
    phone: BrowserContext, live_server: Any, user: Any
) -> None:
    knot = _knot(user)
    label = knot.label
    page = _today(phone, live_server)
    phone.set_offline(True)
    _check_in(page, label, 3)
    page.get_by_role("button", name="+ Glass of water").click()
    expect(page.locator("#queue")).to_contain_text("2 entries waiting to be sent")
    Knot.objects.filter(pk=knot.pk).delete()  # another device deletes it meanwhile
    phone.set_offline(False)
    panel = page.locator("#queue")
    expect(panel).to_contain_text("1 entry not stored")
    expect(panel).to_contain_text("This knot is gone (deleted elsewhere?)")
    expect(panel).to_contain_text("Logged 250 ml of water.")
    _shot(page, "queue-today-390-conflict")
    page.reload()  # kept, not dropped
    expect(page.locator("#queue")).to_contain_text("1 entry not stored")
    page.get_by_role("button", name=f"Discard Check-in, {label}: pain 3/10").click()
    expect(page.locator("#queue")).to_be_hidden()
    page.reload()
    expect(page.locator("#queue")).to_be_hidden()


def test_a_refused_entry_made_online_shows_the_servers_page(
    phone: BrowserContext, live_server: Any, user: Any
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server.url}/water/")
    page.get_by_label("Other amount").fill("9 litres")
    page.get_by_role("button", name="Log", exact=True).click()
    expect(page.locator(".message--error")).to_be_visible()
    expect(page.locator("#queue")).to_be_hidden()
    assert not Drink.objects.filter(user=user).exists()


BETWEEN = "between-shoulder-blades"


def test_a_thumb_near_several_places_is_asked_which_with_big_buttons(
    phone: BrowserContext, live_server: Any
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server.url}/knots/new/")
    left = page.evaluate(FIND_POINT, [BETWEEN, "left"])
    right = page.evaluate(FIND_POINT, [BETWEEN, "right"])
    assert left and right
    # Between the two sides: a finger there covers both.
    page.touchscreen.tap((left[0] + right[0]) / 2, (left[1] + right[1]) / 2)
    sheet = page.get_by_role("dialog", name="Which place did you mean?")
    expect(sheet).to_be_visible()
    names = sheet.get_by_role("button").all_inner_texts()
    assert "Between the shoulder blades, left side" in names
    assert "Between the shoulder blades, right side" in names
    for button in sheet.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "bodymap-390-thumb-chooser.png"))
    expect(sheet.get_by_role("button").first).to_be_focused()
    sheet.get_by_role("button", name="Between the shoulder blades, right side").click()
    expect(sheet).to_be_hidden()
    expect(page.locator("[data-chosen]")).to_have_text(
        "Selected: Between the shoulder blades, right side"
    )
    expect(page.get_by_role("radio", name="Right")).to_be_checked()
    # "None of these" leaves the choice as it was.
    page.touchscreen.tap((left[0] + right[0]) / 2, (left[1] + right[1]) / 2)
    page.get_by_role("button", name="None of these").click()
    expect(page.locator("[data-chosen]")).to_have_text(
        "Selected: Between the shoulder blades, right side"
    )


WORKER_PAGE = """<!doctype html><title>worker</title><script>
let worker;
window.startWorker = (script) => new Promise((done) => {
  const source = `importScripts(${JSON.stringify(script)});
    self.onmessage = () => self.knotlessFlushQueue().then(
      (r) => postMessage({ok: true, results: r}),
      (e) => postMessage({ok: false, error: String(e)}));
    postMessage("ready");`;
  worker = new Worker(URL.createObjectURL(new Blob([source], {type: "text/javascript"})));
  worker.onmessage = (event) => done(event.data);
  worker.onerror = (event) => done(`error: ${event.message}`);
});
window.flushInWorker = () => new Promise((done) => {
  worker.onmessage = (event) => done(event.data);
  setTimeout(() => done({ok: false, error: "no answer in 10 s"}), 10000);
  worker.postMessage("flush");
});
</script>"""


def test_a_worker_sends_what_the_page_kept_with_the_same_script(
    phone: BrowserContext, live_server: Any, user: Any
) -> None:
    """sw-queue.js in a worker, as the service worker's "sync" runs it: the page kept the
    entry offline and went away; the worker finds it in the same store and sends it once."""
    knot = _knot(user)
    page = _today(phone, live_server)
    script = page.locator("script[src*='sw-queue']").get_attribute("src")
    assert script is not None
    # A page of this origin without the app's policy, so the test can start a worker from a
    # blob; the worker imports sw-queue.js while online, as a service worker does on install.
    worker_page = phone.new_page()
    worker_page.route(
        "**/worker-test",
        lambda route: route.fulfill(content_type="text/html", body=WORKER_PAGE),
    )
    worker_page.goto(f"{live_server.url}/worker-test")
    assert worker_page.evaluate("(s) => startWorker(s)", f"{live_server.url}{script}") == "ready"
    phone.set_offline(True)
    _check_in(page, knot.label, 2)
    expect(page.locator("#queue")).to_contain_text("1 entry waiting to be sent")
    page.close()
    offline = worker_page.evaluate("() => flushInWorker()")
    assert offline["ok"] is False and "offline" in offline["error"]  # sync would try again
    assert _checkins(knot) == [6]
    phone.set_offline(False)
    done = worker_page.evaluate("() => flushInWorker()")
    assert done["ok"] is True, done
    assert [r["outcome"] for r in done["results"].values()] == ["sent"]
    assert _checkins(knot) == [6, 2]
    again = worker_page.evaluate("() => flushInWorker()")
    assert again == {"ok": True, "results": {}}
    assert _checkins(knot) == [6, 2]
