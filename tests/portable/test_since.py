"""`knotless export --since` (what happened from a day on) and `--format csv`."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from typing import Any

from click.testing import CliRunner
from django.utils import timezone

from knotless.accounts.services import local_today
from knotless.cli import main
from knotless.hydration.models import Drink
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.portable import archive
from knotless.practice import services as practice

TZ = "Europe/Berlin"


def test_every_table_is_cut_by_date_kept_whole_or_follows_its_parent() -> None:
    cut = set(archive.WHEN)
    placed = cut | archive.WHOLE
    changed = True
    while changed:
        changed = False
        for table in archive.tables():
            if table.label not in placed and any(p in cut for p in table.parents.values()):
                cut.add(table.label)
                placed.add(table.label)
                changed = True
    missing = sorted(t.label for t in archive.tables() if t.label not in placed)
    assert not missing, f"Place these in archive.WHEN or archive.WHOLE: {missing}"
    assert not set(archive.WHEN) & archive.WHOLE


def _seed(user: Any) -> Knot:
    now = timezone.now()
    knot = journal.add_knot(
        user,
        region="top-of-shoulder",
        side="left",
        pain=6,
        tz_name=TZ,
        first_felt=local_today(user) - timedelta(days=20),
        moment=now - timedelta(days=15),
    )
    journal.check_in(knot, pain=5, tz_name=TZ, moment=now - timedelta(days=10))
    journal.check_in(knot, pain=3, tz_name=TZ, moment=now - timedelta(hours=2))
    Drink.objects.create(user=user, ml=300, moment=now - timedelta(days=9))
    Drink.objects.create(user=user, ml=250, moment=now - timedelta(hours=1))
    practice.start(user, ["chin-tuck"], before={}, now=now - timedelta(days=8))
    practice.start(
        user, ["chin-tuck", "doorway-chest-stretch"], before={}, now=now - timedelta(hours=3)
    )
    return knot


def test_since_keeps_what_happened_from_that_day_and_what_it_refers_to(make_user: Any) -> None:
    person = make_user("person")
    _seed(person)
    since = local_today(person) - timedelta(days=5)
    document = archive.export_user(person, since=since)
    tables = document["tables"]
    assert [r["pain"] for r in tables["journal.checkin"]] == [3]
    assert len(tables["journal.knot"]) == 1  # the knot the recent rating belongs to
    assert [r["ml"] for r in tables["hydration.drink"]] == [250]
    assert len(tables["practice.session"]) == 1
    # The session's exercises follow it: the recent one's two, not the old one's one.
    assert len(tables["practice.sessionexercise"]) == 2
    # Everything refers only to rows in the file, so it imports cleanly.
    fresh = make_user("fresh")
    report = archive.import_user(fresh, document)
    assert report.total_added > 0
    assert list(CheckIn.objects.filter(knot__user=fresh).values_list("pain", flat=True)) == [3]
    whole = archive.export_user(person)
    assert len(whole["tables"]["journal.checkin"]) == 3


def test_csv_and_since_from_the_terminal(make_user: Any, tmp_path: Any) -> None:
    person = make_user("person")
    _seed(person)
    runner = CliRunner()
    target = tmp_path / "sheets.zip"
    since = (local_today(person) - timedelta(days=5)).isoformat()
    done = runner.invoke(
        main,
        ["export", "--format", "csv", "--since", since, "-o", str(target), "--user", "person"],
    )
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        checkins = zf.read("csv/journal.checkin.csv").decode().strip().splitlines()
    assert "data.json" not in names and "README.md" in names
    assert len(checkins) == 2  # the header and the one rating since then
    refused = runner.invoke(
        main, ["export", "--format", "fhir", "--since", since, "--user", "person"]
    )
    assert refused.exit_code == 2 and "not fhir" in refused.output
    typo = runner.invoke(main, ["export", "--since", "5 Dec", "--user", "person"])
    assert typo.exit_code == 2
