"""The installed app's views (issue 18): manifest, service worker, offline page, the pages a
device keeps, and the reminders' status."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knotless.journal import services as journal
from knotless.practice import planning
from knotless.pwa.views import deploy_version


def test_it_serves_the_manifest_to_anyone(db: None, client: Client) -> None:
    response = client.get(reverse("pwa_manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["display"] == "standalone" and data["start_url"] == "/"
    purposes = {(i["sizes"], i["purpose"]) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    shortcuts = {s["name"]: s["url"] for s in data["shortcuts"]}
    assert shortcuts == {"Check in": "/", "Log water": "/water/", "Log a set": "/training/"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_it_serves_the_worker_from_the_root_uncached(db: None, client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    body = response.content.decode()
    assert f'const VERSION = "{deploy_version()}";' in body
    assert "importScripts(" in body and "sw-queue.js" in body
    assert "knotlessFlushQueue" in body and "knotless-queue" in body
    assert 'const SHELL_URLS = ["/static/' in body  # JSON, not HTML-escaped


def test_a_new_deploy_changes_the_worker(db: None, client: Client, settings: Any) -> None:
    before = client.get("/sw.js").content
    settings.KNOTLESS_DEPLOY_VERSION = "next-release"
    after = client.get("/sw.js").content.decode()
    assert after != before.decode() and 'const VERSION = "next-release";' in after


def test_the_worker_and_manifest_never_touch_the_session(client_in: Client) -> None:
    # Public files answered the same to anyone: no no-store, no cookie set.
    for url in ("/sw.js", "/manifest.webmanifest"):
        response = client_in.get(url)
        assert response["Cache-Control"] == "no-cache"
        assert not response.cookies


def test_it_serves_the_offline_page_without_the_session(client_in: Client) -> None:
    response = client_in.get(reverse("pwa_offline"))
    page = response.content.decode()
    assert response.status_code == 200 and "You are offline" in page
    assert "Sign out" not in page  # one copy for every person on the device


def test_it_lists_the_pages_this_person_uses(client_in: Client, user: Any, stranger: Any) -> None:
    knot = journal.add_knot(user, region="temple", side="right", pain=5, tz_name="UTC")
    theirs = journal.add_knot(stranger, region="temple", side="left", pain=4, tz_name="UTC")
    plan = planning.todays_plan(user)
    urls = client_in.get(reverse("pwa_precache")).json()["urls"]
    assert "/" in urls and reverse("knot_new") in urls
    assert reverse("knot", args=[knot.pk]) in urls
    assert reverse("knot", args=[theirs.pk]) not in urls
    for item in plan.items:
        assert reverse("exercise", args=[item["slug"]]) in urls
        assert reverse("figure_moving", args=[item["slug"]]) in urls
    assert plan.items, "the plan for a knot on the temple has exercises"
    assert len(urls) == len(set(urls))


def test_the_lists_need_a_sign_in(db: None, client: Client) -> None:
    for name in ("pwa_precache", "pwa_reminders"):
        assert client.get(reverse(name)).status_code == 302


def test_it_says_which_knots_wait_for_a_rating_today(client_in: Client, user: Any) -> None:
    long_ago = timezone.now() - timedelta(days=3)
    rated = journal.add_knot(user, region="temple", side="right", pain=5, tz_name="UTC")
    waiting = journal.add_knot(
        user,
        region="temple",
        side="left",
        pain=5,
        tz_name="UTC",
        moment=long_ago,
        first_felt=long_ago.date(),
    )
    status = client_in.get(reverse("pwa_reminders")).json()
    assert status["checkin"] == [waiting.label]
    assert rated.label != waiting.label
    assert status["break"] is None and status["agent"] is False
    assert status["water_behind"] in (True, False)


def test_the_version_follows_the_static_files(db: None, settings: Any, tmp_path: Any) -> None:
    # A build's manifest names every fingerprinted file: a changed file changes the version.
    from knotless.pwa import views

    settings.STATIC_ROOT = tmp_path
    settings.DEBUG = True  # looked at afresh each time
    (tmp_path / "staticfiles.json").write_text('{"paths": {"knotless/app.css": "a.1.css"}}')
    first = views.deploy_version()
    (tmp_path / "staticfiles.json").write_text('{"paths": {"knotless/app.css": "a.2.css"}}')
    second = views.deploy_version()
    assert first != second and first.split("-")[0] == second.split("-")[0]
