"""Importing real-shaped exports through the page: what comes in, matching, units, and that a
second import of the same file adds nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from knotless.training import importing
from knotless.training.models import Entry, OwnExercise, Workout, WorkSet

SAMPLES = Path(__file__).parent.parent / "lib" / "import_samples"


def _upload(client: Client, name: str, unit: str = "kg") -> Any:
    data = (SAMPLES / name).read_bytes()
    return client.post(
        reverse("training_import"),
        {"file": SimpleUploadedFile(name, data), "weight_unit": unit},
    )


@pytest.mark.parametrize(
    "name",
    [
        "strong_ios.csv",
        "strong_android.csv",
        "strong_v6.csv",
        "hevy_kg.csv",
        "hevy_lbs.csv",
        "wger_page.json",
    ],
)
def test_each_sample_imports_once(client_in: Client, user: Any, name: str) -> None:
    response = _upload(client_in, name)
    assert response.status_code == 200
    text = response.content.decode()
    assert "What came in" in text, text[:2000]
    workouts = Workout.objects.filter(user=user).count()
    entries = Entry.objects.count()
    assert workouts >= 1
    assert entries >= 1
    assert set(Workout.objects.values_list("source", flat=True)) == {"import"}
    again = _upload(client_in, name).content.decode()
    assert "already here" in again
    assert Workout.objects.filter(user=user).count() == workouts
    assert Entry.objects.count() == entries


def test_known_lifts_are_matched_and_others_kept(user: Any) -> None:
    report = importing.import_text(user, (SAMPLES / "hevy_kg.csv").read_text("utf-8"))
    assert report.matched.get("Bench Press (Barbell)") == "Bench press"
    bench = Entry.objects.get(slug="bench-press")
    work = [s for s in bench.sets.order_by("order") if not s.warmup]
    assert Decimal("82.5") in {s.load_kg for s in work}  # the decimal comma
    assert any(s.warmup for s in bench.sets.all())
    assert OwnExercise.objects.filter(user=user).count() == len(report.own)


def test_pounds_are_converted(user: Any) -> None:
    importing.import_text(user, (SAMPLES / "hevy_lbs.csv").read_text("utf-8"))
    deadlift = Entry.objects.get(slug="deadlift")
    assert Decimal("142.88") in set(deadlift.sets.values_list("load_kg", flat=True))
    assert deadlift.sets_text == "1x5@142.88kg rpe8.5"  # the RPE 11 row is left out


def test_an_old_strong_file_in_pounds(user: Any) -> None:
    importing.import_text(user, (SAMPLES / "strong_ios.csv").read_text("utf-8"), weight_unit="lb")
    loads = set(WorkSet.objects.filter(entry__slug="bench-press").values_list("load_kg", flat=True))
    assert Decimal("61.23") in loads  # 135 lb


def test_a_file_that_is_not_an_export(client_in: Client) -> None:
    response = client_in.post(
        reverse("training_import"),
        {"file": SimpleUploadedFile("notes.txt", b"just some notes\n"), "weight_unit": "kg"},
    )
    assert response.status_code == 200
    assert "not one knotless can read" in response.content.decode()
    assert not Workout.objects.exists()
