"""The FHIR Bundle validates against the FHIR models (fhir.resources, R4B) and carries every
rating, screening and the routine, coded as the reference says."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle

from knotless.cli import main
from knotless.journal.models import CheckIn
from knotless.portable.fhir import bundle
from knotless.practice import planning
from knotless.safety.models import Screening
from tests.urlwalk import make_world


def test_the_bundle_validates_and_carries_everything(user: Any) -> None:
    world = make_world(user, "Europe/Berlin")
    planning.todays_plan(user, minutes=10)
    found = bundle(user)
    parsed = Bundle.model_validate(found)  # raises on anything FHIR does not allow
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in found["entry"]]
    assert kinds.count("Observation") == CheckIn.objects.filter(knot__user=user).count()
    assert kinds.count("QuestionnaireResponse") == Screening.objects.filter(user=user).count()
    assert "CarePlan" in kinds and "ServiceRequest" in kinds and "Patient" in kinds
    observation = next(
        e["resource"] for e in found["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    assert observation["code"]["coding"][0]["code"] == "72514-3"
    assert observation["category"][0]["coding"][0]["code"] == "survey"
    assert observation["bodySite"]["text"] == world.knot.label
    codes = [c["code"] for c in observation["bodySite"]["coding"]]
    assert codes == ["45048000", "7771000", "back-of-neck:left"]  # neck, left; knotless place
    assert observation["performer"] == [observation["subject"]]
    assert json.dumps(bundle(user, parsed.timestamp)) == json.dumps(bundle(user, parsed.timestamp))


def test_the_terminal_writes_a_fhir_bundle(user: Any, tmp_path: Any) -> None:
    make_world(user, "Europe/Berlin")
    target = tmp_path / "out.fhir.json"
    done = CliRunner().invoke(main, ["export", "--format", "fhir", "-o", str(target)])
    assert done.exit_code == 0, done.output
    Bundle.model_validate_json(target.read_text())
