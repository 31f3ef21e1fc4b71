"""`knotless share create|list|revoke|purge`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django.utils import timezone

from knotless.cli import main
from knotless.journal import services as journal
from knotless.sharing import links, services
from knotless.sharing.models import Share


@pytest.fixture
def run(db: None) -> Any:
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_it_creates_lists_revokes_and_purges(run: Any, user: Any) -> None:
    knot = journal.add_knot(user, region="calf", side="left", pain=5, tz_name="UTC")
    made = run(
        "share", "create", "--for", "1h", "--passcode", "calf 2026", "--site", "https://k.example"
    )
    assert made.exit_code == 0, made.output
    link = next(line for line in made.output.splitlines() if "#shlink:/" in line)
    assert link.startswith("https://k.example/shared/#shlink:/")
    payload = links.read_shlink(link)
    share = Share.objects.get()
    assert share.knots == [knot.label] and payload["flag"] == "P"
    answer = services.manifest(share.pk, "Dr CLI", "calf 2026", "192.0.2.1")
    assert links.decrypt(answer.body["files"][0]["embedded"], payload["key"])["entry"]

    listed = run("share", "list").output
    assert share.pk[:8] in listed and "active" in listed and "Dr CLI" in listed

    refused = run("share", "revoke", "zzzz")
    assert refused.exit_code == 2 and "No share of yours" in refused.output
    # An id may begin with "-": with or without "--" before it, it is read as the id.
    assert run("share", "revoke", share.pk[:8]).exit_code == 0
    assert Share.objects.get().state() == "revoked"
    assert run("share", "revoke", "--", share.pk[:8]).exit_code == 0

    with time_machine.travel(timezone.now() + services.KEEP_ENDED + timedelta(days=1)):
        purged = run("share", "purge")
    assert re.search(r"deleted 1 older", purged.output), purged.output
    assert not Share.objects.exists()


def test_an_id_that_begins_with_a_dash_is_an_id(run: Any, user: Any) -> None:
    journal.add_knot(user, region="calf", side="left", pain=5, tz_name="UTC")
    assert run("share", "create", "--for", "1h").exit_code == 0
    share = Share.objects.get()
    Share.objects.filter(pk=share.pk).update(id="-kXrjSym" + share.pk[8:])
    done = run("share", "revoke", "-kXrjSym")
    assert done.exit_code == 0, done.output
    assert Share.objects.get().state() == "revoked"


def test_it_refuses_a_knot_of_someone_else(run: Any, user: Any, stranger: Any) -> None:
    theirs = journal.add_knot(stranger, region="calf", side="left", pain=5, tz_name="UTC")
    journal.add_knot(user, region="calf", side="right", pain=5, tz_name="UTC")
    result = run("share", "create", "--user", user.username, "--knot", str(theirs.pk))
    assert result.exit_code == 2 and "Choose knots of this journal" in result.output
    assert not Share.objects.exists()
