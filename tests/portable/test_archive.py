"""Export and import: lossless round trips, merging without duplicates, refusing bad files."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from knotless.insights import services as insights
from knotless.journal import services as journal
from knotless.journal.models import CheckIn, Knot
from knotless.portable import archive
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record
from knotless.training import services as training
from tests.urlwalk import make_world


def _seed(user: Any) -> None:
    world = make_world(user, "Europe/Berlin")
    knot = world.knot
    Knot.objects.filter(pk=knot.pk).update(first_felt=timezone.localdate() - timedelta(days=20))
    knot.refresh_from_db()
    for n in range(1, 30):
        journal.check_in(
            knot,
            pain=3 + n % 4,
            tz_name="Europe/Berlin",
            moment=timezone.now() - timedelta(hours=7 * n),
        )
    other = journal.add_knot(
        user, region="calf", side="right", pain=4, tz_name="Europe/Berlin", note="after a run"
    )
    record(user, knot_areas(other), [])
    training.log_session(user, "run", 35, effort=5)
    insights.set_tags(user, timezone.localdate(), ["slept badly"])
    from knotless.physio.models import Programme

    Programme.objects.create(
        user=user,
        source="Sam Reyes",
        items=[{"slug": "chin-tuck", "dose": {"sets": 3, "reps": 10}, "days_per_week": 5}],
    )


def test_every_owned_table_is_found_and_the_derived_ones_skipped() -> None:
    labels = {t.label for t in archive.tables()}
    for needed in (
        "accounts.profile",
        "journal.knot",
        "journal.checkin",
        "practice.session",
        "practice.sessionknot",
        "hydration.drink",
        "desk.deskevent",
        "safety.screening",
        "training.workset",
        "insights.experimentday",
    ):
        assert needed in labels
    assert not labels & archive.SKIPPED


def test_export_import_export_is_byte_for_byte_the_same(make_user: Any) -> None:
    first = make_user("first")
    _seed(first)
    text = archive.dumps(archive.export_user(first))
    document = json.loads(text)
    assert (
        len(document["tables"]["journal.checkin"])
        == CheckIn.objects.filter(knot__user=first).count()
    )
    second = make_user("second")
    report = archive.import_user(second, archive.read(text))
    assert report.total_added > 0
    assert archive.dumps(archive.export_user(second)) == text
    # Creation stamps came along, not the moment of the import.
    assert sorted(Knot.objects.filter(user=second).values_list("created_at", flat=True)) == sorted(
        Knot.objects.filter(user=first).values_list("created_at", flat=True)
    )


def test_importing_into_a_used_account_adds_no_duplicates(make_user: Any) -> None:
    person = make_user("person")
    _seed(person)
    text = archive.dumps(archive.export_user(person))
    before = CheckIn.objects.filter(knot__user=person).count()
    report = archive.import_user(person, archive.read(text))
    assert report.total_added == 0
    assert CheckIn.objects.filter(knot__user=person).count() == before
    assert archive.dumps(archive.export_user(person)) == text
    # A newer export of the same person adds only what is new.
    knot = Knot.objects.filter(user=person).first()
    assert knot is not None
    journal.check_in(knot, pain=2, tz_name="Europe/Berlin")
    newer = archive.dumps(archive.export_user(person))
    CheckIn.objects.filter(knot__user=person).order_by("-id").first().delete()  # type: ignore[union-attr]
    again = archive.import_user(person, archive.read(newer))
    assert again.added["journal.checkin"] == 1
    assert archive.dumps(archive.export_user(person)) == newer


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "not JSON"),
        ("9" * 5000, "not JSON"),
        ('{"format": "other"}', "not a knotless export"),
        ('{"format": "knotless-export", "version": 99, "tables": {}}', r"version 99"),
        ('{"format": "knotless-export", "version": 1, "tables": {"x.y": []}}', "does not know"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(text: str, words: str) -> None:
    with pytest.raises(archive.ArchiveError, match=words):
        archive.read(text)


def test_a_broken_row_changes_nothing(make_user: Any) -> None:
    person = make_user("person")
    _seed(person)
    document = archive.export_user(person)
    other = make_user("other")
    document["tables"]["journal.checkin"][3]["pain"] = "lots"
    with pytest.raises(archive.ArchiveError, match=r"journal\.checkin:3"):
        archive.import_user(other, document)
    assert not Knot.objects.filter(user=other).exists()
    document["tables"]["journal.checkin"][3]["pain"] = 4
    document["tables"]["journal.checkin"][4]["knot"] = "journal.knot:99"
    with pytest.raises(archive.ArchiveError, match="lacks"):
        archive.import_user(other, document)
    assert not Knot.objects.filter(user=other).exists()


def test_the_terminal_exports_and_imports(make_user: Any, tmp_path: Any) -> None:
    import zipfile

    from click.testing import CliRunner

    from knotless.cli import main

    person = make_user("person")
    _seed(person)
    runner = CliRunner()
    target = tmp_path / "out.zip"
    done = runner.invoke(main, ["export", "-o", str(target), "--user", "person"])
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
    assert {"data.json", "README.md", "csv/journal.checkin.csv"} <= names
    make_user("fresh")
    back = runner.invoke(main, ["import", str(target), "--user", "fresh"])
    assert back.exit_code == 0, back.output
    assert "Added" in back.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = runner.invoke(main, ["import", str(bad), "--user", "fresh"])
    assert refused.exit_code == 2
    assert "not a knotless export" in refused.output


def test_the_web_download_and_upload(client: Any, make_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    person = make_user("person")
    _seed(person)
    client.force_login(person)
    download = client.get(reverse("data_export"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    fresh = make_user("fresh")
    client.force_login(fresh)
    page = client.post(reverse("data"), {"file": SimpleUploadedFile("k.zip", download.content)})
    assert page.status_code == 200
    assert "Imported:" in page.content.decode()
    assert Knot.objects.filter(user=fresh).count() == Knot.objects.filter(user=person).count()
    junk = client.post(reverse("data"), {"file": SimpleUploadedFile("x.zip", b"PK\x03\x04junk")})
    assert "Nothing was changed" in junk.content.decode()


def test_the_web_download_in_every_format_and_from_a_day(client: Any, make_user: Any) -> None:
    import io
    import zipfile

    from django.urls import reverse

    from knotless.portable import files

    person = make_user("person")
    _seed(person)
    client.force_login(person)
    page = client.get(reverse("data")).content.decode()
    for choice in ("zip", "csv", "json", "fhir"):
        assert f'name="format" value="{choice}"' in page
    assert 'name="since"' in page
    url = reverse("data_export")
    whole = client.get(url, {"format": "json"})
    assert whole["Content-Type"] == "application/json"
    assert json.loads(whole.content) == archive.export_user(person)
    since = timezone.localdate() - timedelta(days=2)
    recent = client.get(url, {"format": "json", "since": since.isoformat()})
    assert json.loads(recent.content) == archive.export_user(person, since=since)
    assert len(recent.content) < len(whole.content)
    sheets = client.get(url, {"format": "csv"})
    names = zipfile.ZipFile(io.BytesIO(sheets.content)).namelist()
    assert "data.json" not in names and "csv/journal.checkin.csv" in names
    assert sheets["Content-Disposition"].endswith('.csv.zip"')
    fhir = client.get(url, {"format": "fhir"})
    assert fhir["Content-Type"] == "application/fhir+json"
    assert json.loads(fhir.content)["resourceType"] == "Bundle"
    assert files.read_upload(fhir.content)["resourceType"] == "Bundle"
    # Bad choices come back as the page with the reason, never a broken file.
    for bad in (
        {"format": "pdf"},
        {"since": "yesterday"},
        {"format": "fhir", "since": "2026-01-01"},
    ):
        refused = client.get(url, bad)
        assert refused.status_code == 400
        assert 'class="errorlist' in refused.content.decode()


def _programme(user: Any, source: str = "Sam", **dose: Any) -> Any:
    from knotless.physio.models import Programme

    item = {"slug": "chin-tuck", "dose": dose or {"sets": 3, "reps": 10}, "days_per_week": 7}
    return Programme.objects.create(user=user, source=source, items=[item])


@pytest.mark.parametrize(
    "items",
    [
        [{"slug": "chin-tuck", "days_per_week": 7}],  # no dose
        "hello",
        [{"slug": "chin-tuck", "dose": {"sets": -3, "reps": -10}}],
        [{"slug": "dumbbell-shrug", "dose": {"sets": 999, "reps": 5000}}],
        [{"name": "Towel scrunches", "dose": {"sets": 2, "reps": 15}}],  # no description
    ],
)
def test_a_physio_programme_the_reader_would_refuse_refuses_the_file(
    make_user: Any, items: Any
) -> None:
    from knotless.physio.models import Programme

    person = make_user("person")
    _programme(person)
    document = archive.export_user(person)
    document["tables"]["physio.programme"][0]["items"] = items
    other = make_user("other")
    with pytest.raises(archive.ArchiveError, match="physio's programme in this file"):
        archive.import_user(other, document)
    assert not Programme.objects.filter(user=other).exists()


def test_an_import_leaves_one_programme_followed_the_newest(make_user: Any) -> None:
    from knotless.physio.plan import active

    person = make_user("person")
    _programme(person, "Old physio")
    document = archive.export_user(person)
    newer = _programme(make_user("other"), "New physio")
    other = newer.user
    archive.import_user(other, document)
    followed = active(other)
    assert followed is not None and followed.source == "New physio"
    assert other.programmes.filter(ended_at__isnull=True).count() == 1


def test_a_safety_answer_dated_in_the_future_refuses_the_file(make_user: Any) -> None:
    from knotless.safety.models import Screening

    person = make_user("person")
    _seed(person)
    document = archive.export_user(person)
    rows = document["tables"]["safety.screening"]
    assert rows  # the seed answered the safety questions
    rows[0]["created_at"] = (timezone.now() + timedelta(days=300)).isoformat()
    other = make_user("other")
    with pytest.raises(archive.ArchiveError, match="dated in the future"):
        archive.import_user(other, document)
    assert not Screening.objects.filter(user=other).exists()
    rows[0]["created_at"] = (timezone.now() + timedelta(minutes=2)).isoformat()  # clocks differ
    archive.import_user(other, document)
    assert Screening.objects.filter(user=other).count() == len(rows)
