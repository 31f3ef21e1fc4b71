"""A FHIR Bundle back into knotless: the round trip of portable/fhir.py, and pain diaries from
other systems where they can be read honestly.

What comes in:

- each Condition that knotless wrote (a knot the person noted) becomes a knot, matched to one
  already stored by its place, side and first day, so a second import adds nothing;
- each pain rating (an Observation coded LOINC 72514-3 or 38208-5, 0-10) becomes a check-in on
  the knot it points to (``focus``), or, for a Bundle from another system, on a knot found from
  its body site: knotless's own place code, or a SNOMED CT body structure knotless maps to one
  place. A rating whose place cannot be known is left out and counted, never guessed;
- each QuestionnaireResponse to knotless's red-flag Questionnaire becomes a screening, its
  outcome worked out again from the answers by today's checklist.

The routine (CarePlan, ServiceRequests) is not brought back: knotless plans each day afresh from
the knots. A Bundle with a value knotless cannot store (a rating of 12, a place that is not on the
body map, a note longer than the journal keeps) is refused whole, with the reason, and nothing
already stored changes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from knotless.accounts.freshness import touch
from knotless.atlas.muscles import load_muscles
from knotless.atlas.regions import load_regions, sides_for
from knotless.journal.models import NOTE_MAX, CheckIn, Knot
from knotless.lib.days import zone
from knotless.lib.text import encodable
from knotless.portable.archive import ArchiveError, ImportReport, Progress
from knotless.portable.fhir import (
    AREAS_EXTENSION,
    BODY_SITES,
    CLINICAL,
    KNOT_EXTENSION,
    LATERALITY,
    LOINC,
    MUSCLE_EXTENSION,
    PLACE_SYSTEM,
    QUESTIONNAIRE_URL,
    RATING_IDS,
    SNOMED,
)
from knotless.safety.checklist import flags_for, load_flags, outcome
from knotless.safety.models import Screening
from knotless.safety.policy import CLOCK_SKEW

PAIN_CODES = frozenset({"72514-3", "38208-5"})
# SNOMED CT structures that carry their side (reference section 9.1), and the rest by the first
# body-map place they name that takes the rating's side.
SIDED_SNOMED = {
    "1017210004": ("low-back", "left"),
    "1017211000": ("low-back", "right"),
    "91775009": ("top-of-shoulder", "left"),
    "91774008": ("top-of-shoulder", "right"),
}
SIDE_OF_SNOMED = {code: side for side, (code, _) in LATERALITY.items()}
ENDED = frozenset({"resolved", "inactive", "remission"})
MAX_ENTRIES = 500_000


# Years a moment may have: shifting a time in year 1 or 9999 to another zone overflows.
FIRST_YEAR, LAST_YEAR = 1900, 9998


class FhirError(ArchiveError):
    """A Bundle knotless cannot bring in; the message says which entry and why."""


@dataclass
class _Place:
    region: str
    side: str


@dataclass
class _Read:
    """The Bundle's entries sorted by kind, before anything is stored."""

    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)  # fullUrl -> resource
    ratings: list[dict[str, Any]] = field(default_factory=list)
    screenings: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def is_bundle(document: Any) -> bool:
    return isinstance(document, dict) and document.get("resourceType") == "Bundle"


def _codes(concept: Any, system: str) -> list[str]:
    if not isinstance(concept, dict) or not isinstance(concept.get("coding"), list):
        return []
    return [
        str(c.get("code"))
        for c in concept["coding"]
        if isinstance(c, dict) and c.get("system") == system and c.get("code")
    ]


def _sort(document: dict[str, Any]) -> _Read:
    entries = document.get("entry", [])
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise FhirError("This FHIR Bundle has no readable list of entries.")
    read = _Read()
    patients: set[str] = set()
    subjects: set[str] = set()
    for number, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise FhirError(f"Entry {number} of the Bundle holds no resource.")
        kind = resource.get("resourceType")
        if kind == "Patient":
            patients.add(str(entry.get("fullUrl") or resource.get("id") or number))
        subject = resource.get("subject")
        if isinstance(subject, dict) and subject.get("reference"):
            subjects.add(str(subject["reference"]))
        sites = resource.get("bodySite")
        if kind == "Condition" and isinstance(sites, list) and _codes(sites[0], PLACE_SYSTEM):
            read.conditions[str(entry.get("fullUrl", ""))] = resource
        elif kind == "Observation" and PAIN_CODES & set(_codes(resource.get("code"), LOINC)):
            read.ratings.append(resource)
        elif kind == "QuestionnaireResponse" and resource.get("questionnaire") == QUESTIONNAIRE_URL:
            read.screenings.append(resource)
        elif kind not in ("Patient", "Questionnaire", "CarePlan", "ServiceRequest"):
            read.skipped[f"{kind or 'unnamed'} resources knotless does not keep"] += 1
    people = max(len(patients), len(subjects))
    if people > 1:
        # A clinic's or a study's file: whose ratings are whose cannot be told apart in one
        # person's journal, so none of them is brought in.
        raise FhirError(
            f"This FHIR Bundle is about {people} people (its patients or subjects); knotless "
            "imports one person's own pain diary, so nothing was imported."
        )
    return read


def _place(site: Any, where: str) -> _Place | None:
    """The body-map place of a bodySite: knotless's code, else a SNOMED CT structure with a
    laterality knotless can place; None when it cannot be known."""
    ours = _codes(site, PLACE_SYSTEM)
    if ours:
        region, _, side = ours[0].partition(":")
        regions = load_regions()
        if region not in regions or side not in sides_for(regions[region]):
            raise FhirError(f"{where} names a place knotless does not have: {ours[0]!r}.")
        return _Place(region, side)
    snomed = _codes(site, SNOMED)
    for code in snomed:
        if code in SIDED_SNOMED:
            return _Place(*SIDED_SNOMED[code])
    # No side said: the middle, and a place that has no middle cannot be known.
    side = next((SIDE_OF_SNOMED[c] for c in snomed if c in SIDE_OF_SNOMED), "center")
    regions = load_regions()
    for region, (code, _) in BODY_SITES.items():
        if code in snomed and side in sides_for(regions[region]):
            return _Place(region, side)
    return None


def _moment(value: Any, where: str, local: dt.tzinfo) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise FhirError(f"{where} has no time knotless can read: {value!r}.") from None
    if moment.tzinfo is None:  # a day, or a time without its zone: the person's own clock
        moment = moment.replace(tzinfo=local)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # shifting a year 1 or 9999 time overflows
        raise FhirError(f"{where} is dated {moment.year}, which knotless cannot keep.")
    return moment


def _note(resource: dict[str, Any], where: str) -> str:
    notes = _list(resource.get("note"))
    text = "\n".join(
        str(n["text"]) for n in notes if isinstance(n, dict) and isinstance(n.get("text"), str)
    )
    if len(text) > NOTE_MAX:
        raise FhirError(f"{where} has a note longer than {NOTE_MAX:,} characters.")
    if "\x00" in text or not encodable(text):
        raise FhirError(f"{where} has a note with a character that is not text.")
    return text


def _list(value: Any) -> list[Any]:
    """A FHIR repeating element as a list: absent is empty; anything else is refused."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Malformed
    return value


class _Malformed(Exception):
    """A value of the wrong JSON type where FHIR has a fixed shape."""


def _identifier(resource: dict[str, Any], system: str) -> uuid.UUID | None:
    found = resource.get("identifier") or []
    for ident in found if isinstance(found, list) else [found]:
        if isinstance(ident, dict) and ident.get("system") == system:
            try:
                return uuid.UUID(str(ident.get("value", "")).removeprefix("urn:uuid:"))
            except ValueError:
                return None
    return None


# For ratings from other systems, which carry no knotless id: see _derived_id.
FOREIGN_RATINGS = uuid.UUID("5b0e6f0c-6a47-4c39-9d0e-8f3f2a9d61a7")


def _derived_id(resource: dict[str, Any]) -> uuid.UUID:
    """An id for a rating from another system, made from what it says as written: its own id
    and identifiers, its time as text, its value and its body site. Stored with the check-in, it
    finds the rating again on a second import even when its time has no offset and the person
    has since changed time zone, which moves the moment that time is read as."""
    said = {
        key: resource.get(key)
        for key in ("id", "identifier", "effectiveDateTime", "valueInteger", "valueQuantity")
    }
    said["bodySite"] = resource.get("bodySite")
    text = json.dumps(said, sort_keys=True, default=str, ensure_ascii=True)
    return uuid.uuid5(FOREIGN_RATINGS, text)


def _extension(resource: dict[str, Any], url: str, kind: str) -> Any:
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and ext.get("url") == url:
            return ext.get(kind)
    return None


class _Knots:
    """The person's knots by place, side and first day, added to as the Bundle needs."""

    def __init__(self, user: Any, report: ImportReport) -> None:
        self.user, self.report = user, report
        self.stored = {(k.region, k.side, k.first_felt): k for k in Knot.objects.filter(user=user)}

    def get(self, place: _Place, first: dt.date, **more: Any) -> Knot:
        key = (place.region, place.side, first)
        knot = self.stored.get(key)
        if knot is not None:
            self.report.already["journal.knot"] += 1
            return knot
        status = Knot.Status.UNTIED if more.get("untied_at") else Knot.Status.ACTIVE
        recorded = more.pop("recorded", None)
        knot = Knot.objects.create(
            user=self.user,
            region=place.region,
            side=place.side,
            first_felt=first,
            status=status,
            **more,
        )
        if recorded is not None:  # when it was first noted, not when it was imported
            Knot.objects.filter(pk=knot.pk).update(created_at=recorded)
            touch(self.user.pk)
        self.stored[key] = knot
        self.report.added["journal.knot"] += 1
        return knot


def import_bundle(
    user: Any, document: dict[str, Any], progress: Progress | None = None
) -> ImportReport:
    """Bring ``document`` (a FHIR Bundle) into ``user``'s account, all or nothing."""
    try:
        return _import_bundle(user, document, progress)
    except FhirError:
        raise
    except (_Malformed, TypeError, AttributeError, IndexError, KeyError, OverflowError) as exc:
        # A value of the wrong JSON type somewhere: refuse the file, naming the kind of fault.
        raise FhirError(
            "This FHIR Bundle has a value of the wrong kind where knotless reads a fixed shape "
            f"({type(exc).__name__})."
        ) from None


def _import_bundle(
    user: Any, document: dict[str, Any], progress: Progress | None = None
) -> ImportReport:
    from knotless.accounts.services import profile_for

    local = zone(profile_for(user).time_zone)
    read = _sort(document)
    report = ImportReport()
    report.skipped.update(read.skipped)
    with transaction.atomic():
        knots = _Knots(user, report)
        by_url: dict[str, Knot] = {}
        muscles = load_muscles()
        for url, resource in read.conditions.items():
            where = f"The knot {url or 'without a name'}"
            place = _place(resource["bodySite"][0], where)
            assert place is not None  # _sort kept only Conditions with knotless's place code
            first = _moment(resource.get("onsetDateTime"), where, local).date()
            ended = set(_codes(resource.get("clinicalStatus"), CLINICAL)) & ENDED
            untied = resource.get("abatementDateTime")
            muscle = _extension(resource, MUSCLE_EXTENSION, "valueString") or ""
            recorded = resource.get("recordedDate")
            by_url[url] = knots.get(
                place,
                first,
                untied_at=_moment(untied, where, local) if ended and untied else None,
                muscle=muscle if muscle in muscles else "",
                note=_note(resource, where),
                recorded=_moment(recorded, where, local) if recorded else None,
            )
        if progress:
            progress("journal.knot", len(read.conditions))
        _ratings(read.ratings, by_url, knots, report, local)
        if progress:
            progress("journal.checkin", len(read.ratings))
        _screenings(user, read.screenings, by_url, report, local)
        if progress:
            progress("safety.screening", len(read.screenings))
        if not any(
            n for counts in (report.added, report.already, report.kept) for n in counts.values()
        ):
            # A refusal rather than "0 rows added": the person likely chose the wrong file.
            raise FhirError(_nothing_kept(report))
        touch(user.pk)
    return report


def _nothing_kept(report: ImportReport) -> str:
    if not report.skipped:
        return "This FHIR Bundle is empty."
    reasons = sorted(report.skipped.items())
    left = reasons[0][0] if len(reasons) == 1 else "; ".join(f"{why} ({n})" for why, n in reasons)
    return (
        "Nothing in this FHIR Bundle is something knotless keeps (knots, pain ratings with a "
        f"body site, or safety checks). Left out ({report.skipped.total()}): {left}."
    )


def _ratings(
    ratings: list[dict[str, Any]],
    by_url: dict[str, Knot],
    knots: _Knots,
    report: ImportReport,
    local: dt.tzinfo,
) -> None:
    seen: dict[int, tuple[set[uuid.UUID], set[tuple[dt.datetime, int]]]] = {}
    # A foreign rating starts its knot on the day of the place's first rating.
    firsts: dict[tuple[str, str], dt.date] = {}
    placed: list[tuple[dict[str, Any], Knot | _Place, dt.datetime, int]] = []
    for number, resource in enumerate(ratings, 1):
        where = f"Pain rating {number}"
        value = resource.get("valueInteger")
        if value is None and isinstance(resource.get("valueQuantity"), dict):
            value = resource["valueQuantity"].get("value")
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or not math.isfinite(value)
            or value != int(value)
        ):
            raise FhirError(f"{where} has no whole-number value.")
        if not 0 <= value <= 10:
            raise FhirError(f"{where} is {value}, outside the 0-10 scale.")
        moment = _moment(resource.get("effectiveDateTime"), where, local)
        focus = [
            str(f.get("reference"))
            for f in resource.get("focus") or []
            if isinstance(f, dict) and str(f.get("reference")) in by_url
        ]
        target: Knot | _Place | None = by_url[focus[0]] if focus else None
        if target is None:
            target = _place(resource.get("bodySite"), where)
        if target is None:
            report.skipped["pain ratings without a place knotless can find"] += 1
            continue
        if isinstance(target, _Place):
            key = (target.region, target.side)
            day = timezone.localtime(moment, local).date()
            firsts[key] = min(firsts.get(key, day), day)
        placed.append((resource, target, moment, int(value)))
    new: list[CheckIn] = []
    for resource, target, moment, pain in placed:
        if isinstance(target, _Place):
            target = knots.get(target, firsts[(target.region, target.side)])
        if target.pk not in seen:
            stored = CheckIn.objects.filter(knot=target).values_list("client_id", "moment", "pain")
            seen[target.pk] = (
                {c for c, _, _ in stored if c is not None},
                {(m, p) for _, m, p in stored},
            )
        ids, moments = seen[target.pk]
        client_id = _identifier(resource, RATING_IDS) or _derived_id(resource)
        if client_id in ids or (moment, pain) in moments:
            report.already["journal.checkin"] += 1
            continue
        ids.add(client_id)
        moments.add((moment, pain))
        note = _note(resource, "A pain rating")
        new.append(CheckIn(knot=target, moment=moment, pain=pain, note=note, client_id=client_id))
    CheckIn.objects.bulk_create(new, batch_size=2000)
    if new:
        touch(new[0].knot.user_id)
    report.added["journal.checkin"] += len(new)


def _screenings(
    user: Any,
    screenings: list[dict[str, Any]],
    by_url: dict[str, Knot],
    report: ImportReport,
    local: dt.tzinfo,
) -> None:
    flags = {f.id: f for f in load_flags()}
    stored = {
        (s.created_at, tuple(s.asked), tuple(s.ticked)) for s in Screening.objects.filter(user=user)
    }
    for number, resource in enumerate(screenings, 1):
        where = f"Screening {number}"
        authored = _moment(resource.get("authored"), where, local)
        if authored > timezone.now() + CLOCK_SKEW:
            raise FhirError(f"{where} is dated in the future ({authored:%Y-%m-%d %H:%M}).")
        asked, ticked = [], []
        for item in resource.get("item") or []:
            flag = item.get("linkId") if isinstance(item, dict) else None
            answers = item.get("answer") or [] if isinstance(item, dict) else []
            if flag not in flags:
                raise FhirError(f"{where} answers a question knotless does not ask: {flag!r}.")
            asked.append(flag)
            if any(isinstance(a, dict) and a.get("valueBoolean") is True for a in answers):
                ticked.append(flag)
        key = (authored, tuple(asked), tuple(ticked))
        if key in stored:
            report.already["safety.screening"] += 1
            continue
        stored.add(key)
        claimed = _extension(resource, AREAS_EXTENSION, "valueString")
        touched = {a for f in asked for a in flags[f].areas}
        wanted = set(claimed.split(",")) if isinstance(claimed, str) else touched
        # An area counts as answered only when every one of its questions was: a response
        # that claims the neck but asks nothing must not clear the neck.
        covered = sorted(
            a for a in wanted & touched if {f.id for f in flags_for([a])} <= set(asked)
        )
        if not covered:
            report.skipped["safety checks that do not answer all of an area's questions"] += 1
            continue
        areas = ",".join(covered)
        ref = _extension(resource, KNOT_EXTENSION, "valueReference") or {}
        made = Screening.objects.create(
            user=user,
            areas=areas[:80],
            asked=asked,
            ticked=ticked,
            outcome=outcome(ticked),
            knot=by_url.get(str(ref.get("reference"))) if isinstance(ref, dict) else None,
        )
        # The answer's own moment, not the import's (created_at is set on creation).
        Screening.objects.filter(pk=made.pk).update(created_at=authored)
        touch(user.pk)
        report.added["safety.screening"] += 1
