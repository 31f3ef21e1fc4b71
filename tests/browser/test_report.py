"""The physio report, printed by Chromium as a PDF: one page a knot, and the questions."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from knotless.journal import services as journal
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.urlwalk import make_world


def test_the_report_prints_one_page_a_knot(page: Page, live_server: Any, user: Any) -> None:
    make_world(user, "Europe/Berlin")
    journal.add_knot(user, region="calf", side="right", pain=4, tz_name="Europe/Berlin")
    sign_in(page.context, live_server, user)
    page.goto(f"{live_server.url}/account/report/")
    page.get_by_label("Questions for your physio").fill("Is it safe to run with the calf knot?")
    page.get_by_role("button", name="Save questions").click()
    page.wait_for_url(f"{live_server.url}/account/report/")
    assert page.get_by_text("Is it safe to run with the calf knot?").count() >= 1
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)  # to turn into pictures and look at
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 3, pages  # two knots, one page each, then the questions
