"""The person's pain diary as a FHIR R4 Bundle, for a clinician's system.

- a Patient (no name: knotless stores none; the account is the identifier);
- one Observation per check-in: category survey, LOINC 72514-3 (pain severity 0-10, reported),
  the Patient as subject and performer (patient-reported), the time, the rating as an integer,
  the knot's body site (SNOMED CT where the region has a code, with the side as a laterality
  qualifier coding, and always the place in words), the note as a note;
- each safety screening as a QuestionnaireResponse against knotless's published red-flag
  Questionnaire (also in the Bundle), answers as booleans;
- the current routine as a CarePlan whose activities are ServiceRequests for exercise therapy;
- each knot as a Condition the person noted (verification "unconfirmed": a tender spot they
  follow, never a diagnosis), which its Observations and screenings point to, so that the
  Bundle can come back into knotless (portable/fhir_import.py) with its knots intact.

Every body site carries knotless's own code for the place and side next to SNOMED CT, and every
rating and screening an identifier that survives a round trip, so importing the same Bundle
twice adds nothing the second time.

Codes from the reference (guidelines-facts.md section 9). A Bundle of type "collection",
entries with urn:uuid full URLs, the uuids derived from the rows so the same data gives the
same Bundle. Dict in, dict out: the tests validate it with the fhir.resources models (R4B,
the 4.3 release that keeps R4's shape for these resources).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from knotless.journal.models import CheckIn, Knot
from knotless.library.exercises import load_exercises
from knotless.practice.models import DayPlan
from knotless.safety.checklist import load_flags
from knotless.safety.models import Screening
from knotless.safety.policy import knot_areas

NAMESPACE = uuid.UUID("9d7c5e1a-3f0b-4c7e-8e1d-2b6a4f5c7d10")
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
QUESTIONNAIRE_URL = "https://knotless.example/fhir/Questionnaire/red-flags"
# knotless's own systems: the body map's place and side ("back-of-neck:left"), the identifiers
# of ratings, screenings and knots, and extensions for what FHIR has no element for.
BASE = "https://knotless.example/fhir"
PLACE_SYSTEM = f"{BASE}/CodeSystem/body-map-place"
RATING_IDS = f"{BASE}/identifier/rating"
SCREENING_IDS = f"{BASE}/identifier/screening"
KNOT_IDS = f"{BASE}/identifier/knot"
MUSCLE_EXTENSION = f"{BASE}/StructureDefinition/suspected-muscle"
AREAS_EXTENSION = f"{BASE}/StructureDefinition/screened-areas"
KNOT_EXTENSION = f"{BASE}/StructureDefinition/about-knot"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
# Body-map regions with a SNOMED CT body structure (reference section 9.1); the rest go as text.
BODY_SITES = {
    "back-of-neck": ("45048000", "Neck structure"),
    "side-of-neck": ("45048000", "Neck structure"),
    "base-of-neck": ("45048000", "Neck structure"),
    "top-of-shoulder": ("16982005", "Shoulder region structure"),
    "front-of-shoulder": ("16982005", "Shoulder region structure"),
    "back-of-shoulder": ("16982005", "Shoulder region structure"),
    "between-shoulder-blades": ("76052000", "Structure of posterior chest wall"),
    "medial-border-of-scapula": ("76052000", "Structure of posterior chest wall"),
    "low-back": ("37822005", "Lower back structure"),
    "sacrum": ("1144746008", "Structure of sacral vertebral column region"),
}
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}


def _id(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(str(p) for p in parts)))


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment, dt.UTC).isoformat()


def _body_site(knot: Knot) -> dict[str, Any]:
    coding = []
    if knot.region in BODY_SITES:
        code, display = BODY_SITES[knot.region]
        coding.append({"system": SNOMED, "code": code, "display": display})
        if knot.side in LATERALITY:
            code, display = LATERALITY[knot.side]
            coding.append({"system": SNOMED, "code": code, "display": display})
    # knotless's own place and side last: a clinician's system reads SNOMED CT first.
    coding.append(
        {"system": PLACE_SYSTEM, "code": f"{knot.region}:{knot.side}", "display": knot.label}
    )
    return {"coding": coding, "text": knot.label}


def _condition(knot: Knot, patient_ref: dict[str, str]) -> dict[str, Any]:
    """The knot as the person noted it: a tender spot, unconfirmed by any clinician."""
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "identifier": [{"system": KNOT_IDS, "value": f"urn:uuid:{_knot_id(knot)}"}],
        "clinicalStatus": {
            "coding": [{"system": CLINICAL, "code": "active" if knot.is_active else "resolved"}]
        },
        "verificationStatus": {"coding": [{"system": VERIFICATION, "code": "unconfirmed"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
        "code": {
            "coding": [{"system": SNOMED, "code": "247348008", "display": "Tenderness"}],
            "text": "Muscle knot noted by the person (not a diagnosis)",
        },
        "bodySite": [_body_site(knot)],
        "subject": patient_ref,
        "asserter": patient_ref,
        "onsetDateTime": knot.first_felt.isoformat(),
        "recordedDate": _when(knot.created_at),
    }
    if knot.untied_at is not None:
        resource["abatementDateTime"] = _when(knot.untied_at)
    if knot.muscle:
        resource["extension"] = [{"url": MUSCLE_EXTENSION, "valueString": knot.muscle}]
    if knot.note:
        resource["note"] = [{"text": knot.note}]
    return resource


def _knot_id(knot: Knot) -> str:
    return _id("knot", knot.pk)


def questionnaire() -> dict[str, Any]:
    """knotless's red-flag questions as a Questionnaire, each a yes/no item by its flag id."""
    return {
        "resourceType": "Questionnaire",
        "id": "knotless-red-flags",
        "url": QUESTIONNAIRE_URL,
        "status": "active",
        "title": "knotless red-flag questions",
        "item": [
            {"linkId": flag.id, "text": flag.question, "type": "boolean"} for flag in load_flags()
        ],
    }


@dataclass(frozen=True, slots=True)
class Only:
    """A part of the diary (a share with a physio): these knots' ratings between ``since`` and
    ``until``, the screenings of those dates that asked about their body areas, and the
    routine's exercises for them (or for no knot in particular)."""

    knots: Collection[int]
    since: dt.datetime
    until: dt.datetime


def bundle(user: Any, now: dt.datetime | None = None, only: Only | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    patient_id = _id("patient", user.pk)
    patient_ref = {"reference": f"urn:uuid:{patient_id}"}
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": f"urn:uuid:{patient_id}",
            "resource": {
                "resourceType": "Patient",
                "identifier": [
                    {"system": "https://knotless.example/account", "value": user.get_username()}
                ],
            },
        },
        {"fullUrl": QUESTIONNAIRE_URL, "resource": questionnaire()},
    ]
    knots = {k.pk: k for k in Knot.objects.filter(user=user)}
    checkins = CheckIn.objects.filter(knot__user=user)
    screenings = Screening.objects.filter(user=user)
    areas: frozenset[str] = frozenset()
    if only is not None:
        knots = {pk: k for pk, k in knots.items() if pk in only.knots}
        checkins = checkins.filter(knot__in=list(knots), moment__range=(only.since, only.until))
        screenings = screenings.filter(created_at__range=(only.since, only.until))
        areas = areas.union(*(knot_areas(k) for k in knots.values()))
    for knot in sorted(knots.values(), key=lambda k: k.pk):
        entries.append(
            {"fullUrl": f"urn:uuid:{_knot_id(knot)}", "resource": _condition(knot, patient_ref)}
        )
    for checkin in checkins.order_by("moment", "id"):
        knot = knots[checkin.knot_id]
        # A rating that came from a device's queue keeps its id; the others get one from the row.
        rating_id = str(checkin.client_id or _id("checkin", checkin.pk))
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "identifier": [{"system": RATING_IDS, "value": f"urn:uuid:{rating_id}"}],
            "status": "final",
            "category": [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}],
            "code": {
                "coding": [
                    {
                        "system": LOINC,
                        "code": "72514-3",
                        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                    }
                ],
                "text": "Pain 0-10",
            },
            "subject": patient_ref,
            "performer": [patient_ref],
            "effectiveDateTime": _when(checkin.moment),
            "valueInteger": checkin.pain,
            "bodySite": _body_site(knot),
            "focus": [{"reference": f"urn:uuid:{_knot_id(knot)}"}],
        }
        if checkin.note:
            resource["note"] = [{"text": checkin.note}]
        entries.append({"fullUrl": f"urn:uuid:{rating_id}", "resource": resource})
    flags = {f.id: f for f in load_flags()}
    for screening in screenings.order_by("created_at", "id"):
        if only is not None and not (screening.knot_id in knots or screening.area_set & areas):
            continue
        ticked = set(screening.ticked)
        screening_id = _id("screening", screening.pk)
        extension: list[dict[str, Any]] = [{"url": AREAS_EXTENSION, "valueString": screening.areas}]
        if screening.knot_id in knots:
            ref = {"reference": f"urn:uuid:{_knot_id(knots[screening.knot_id])}"}
            extension.append({"url": KNOT_EXTENSION, "valueReference": ref})
        entries.append(
            {
                "fullUrl": f"urn:uuid:{screening_id}",
                "resource": {
                    "resourceType": "QuestionnaireResponse",
                    "identifier": {"system": SCREENING_IDS, "value": f"urn:uuid:{screening_id}"},
                    "extension": extension,
                    "questionnaire": QUESTIONNAIRE_URL,
                    "status": "completed",
                    "subject": patient_ref,
                    "author": patient_ref,
                    "authored": _when(screening.created_at),
                    "item": [
                        {
                            "linkId": flag_id,
                            "text": flags[flag_id].question if flag_id in flags else flag_id,
                            "answer": [{"valueBoolean": flag_id in ticked}],
                        }
                        for flag_id in screening.asked
                    ],
                },
            }
        )
    plan = DayPlan.objects.filter(user=user, variant=DayPlan.Variant.MAIN).order_by("-day").first()
    if plan is not None and plan.items:
        library = load_exercises()
        requests = []
        for position, item in enumerate(plan.items):
            if only is not None and item.get("knots") and not set(item["knots"]) & set(knots):
                continue
            exercise = library.get(item["slug"])
            name = exercise.name if exercise is not None else item["slug"]
            request_id = _id("plan", plan.pk, position)
            requests.append(
                {
                    "fullUrl": f"urn:uuid:{request_id}",
                    "resource": {
                        "resourceType": "ServiceRequest",
                        "status": "active",
                        "intent": "plan",
                        "category": [{"text": "Exercise therapy"}],
                        "code": {"text": name},
                        "subject": patient_ref,
                        "patientInstruction": item.get("reason", ""),
                    },
                }
            )
        if requests:
            entries.extend(requests)
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{_id('careplan', plan.pk)}",
                    "resource": {
                        "resourceType": "CarePlan",
                        "status": "active",
                        "intent": "plan",
                        "title": f"Self-care routine of {plan.day.isoformat()}",
                        "subject": patient_ref,
                        "activity": [{"reference": {"reference": r["fullUrl"]}} for r in requests],
                    },
                }
            )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _when(now),
        "entry": entries,
    }
