"""Everything a person has stored, out as one JSON document and back in, without loss.

The tables are found from the models, not listed by hand: every model that belongs to a user
(a foreign key to the user, or to a row that belongs to one) is exported, so a table added
next month is carried too. Rows refer to each other by references ("journal.knot:3", the
fourth knot in the export's order), never by database ids, and rows are written in a
deterministic order of their own content, so an export, imported into a fresh account and
exported again, is byte for byte the same.

Importing into an account that already has data merges: a row identical to one already stored
(same fields, same parent) is not added twice. One-to-one settings are restored into a fresh
account and kept as they are in a used one.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from knotless.accounts.freshness import touch

FORMAT = "knotless-export"
VERSION = 1
# Derived, rebuilt on use: today's plan (its items name knots by database id), the desk
# guard's live state, each knot's tally of check-ins and each person's tally of sessions (the
# database counts them as they are imported), and the checkpoint of what the sessions add up to.
SKIPPED = frozenset(
    {
        "practice.dayplan",
        "desk.deskstate",
        "journal.knottally",
        "practice.sessiontally",
        "practice.donecheckpoint",
    }
)
# Fields that are bookkeeping, not data: the profile's data and frame versions
# (accounts/freshness.py) and a session's revision (the database gives it on every write).
NOT_DATA = frozenset({"data_version", "frame_version", "revision"})
USER_MODEL = settings.AUTH_USER_MODEL.lower()
Progress = Callable[[str, int], None]


class ArchiveError(ValueError):
    """A file that is not a knotless export, or one this version cannot read."""


@dataclass(frozen=True)
class Table:
    label: str  # "journal.checkin"
    model: type[models.Model]
    parents: dict[str, str]  # FK field name -> parent table label (the user is implicit)
    user_field: str  # the FK to the user, or "" when the row belongs through a parent
    one_per_user: bool  # a one-to-one to the user: settings


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def tables() -> list[Table]:
    """Every user-owned model, parents before children."""
    owned: dict[str, Table] = {}
    candidates = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in ("admin", "auth", "contenttypes", "sessions", "axes")
        and _label(m) not in SKIPPED
    ]
    changed = True
    while changed:  # a model belongs once its parents do; repeat until nothing new
        changed = False
        for model in candidates:
            label = _label(model)
            if label in owned:
                continue
            user_field, one, parents, ok = "", False, {}, True
            for f in model._meta.fields:
                if not f.is_relation or f.related_model is None:
                    continue
                target = _label(f.related_model)
                if target == USER_MODEL:
                    user_field, one = f.name, bool(f.one_to_one)
                elif target in owned:
                    parents[f.name] = target
                else:
                    ok = False
            if ok and (user_field or parents):
                owned[label] = Table(label, model, parents, user_field, one)
                changed = True
    return list(owned.values())


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _fields(table: Table) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in table.model._meta.fields
        if not f.primary_key and not f.is_relation and f.name not in NOT_DATA
    ]


def _queryset(table: Table, user: Any) -> Any:
    found = table.model._default_manager.all()
    if table.user_field:
        return found.filter(**{table.user_field: user})
    # Through the first parent: a check-in through its knot, a set through its entry...
    path: list[str] = []
    current = table
    by_label = {t.label: t for t in tables()}
    while not current.user_field:
        name, parent = next(iter(current.parents.items()))
        path.append(name)
        current = by_label[parent]
    path.append(current.user_field)
    return found.filter(**{"__".join(path): user})


# For `export --since`: the tables of things that happened, and when. They are cut at the date;
# tables without a date of their own whose parent is cut (a session's exercises, a workout's sets)
# follow their parent; every other table (settings, knots, experiments...) is kept whole, as is
# any row a kept row refers to. tests/portable/test_since.py fails on a table not placed here.
WHEN = {
    "journal.checkin": "moment",
    "safety.screening": "created_at",
    "practice.session": "started_at",
    "hydration.drink": "moment",
    "hydration.waterday": "day",
    "desk.deskevent": "start",
    "training.workout": "started_at",
    "insights.daytag": "day",
    "insights.experimentday": "day",
    "sharing.shareaccess": "at",
}
WHOLE = frozenset(
    {
        "accounts.profile",
        "journal.knot",
        "practice.plansettings",
        "hydration.vessel",
        "hydration.watersettings",
        "desk.desksettings",
        "training.ownexercise",
        "training.programme",
        "training.trainingsettings",
        "insights.owntag",
        "insights.experiment",
        "sharing.share",
        "physio.programme",
    }
)


def _since_rows(user: Any, since: dt.date, zone_name: str) -> dict[str, set[int]]:
    """The primary keys to export, for each table that ``since`` cuts (absent: the whole)."""
    from knotless.lib.days import zone

    # Nothing in knotless is older than 1900; earlier days (year 1) would not survive the
    # conversion to UTC for a zone east of Greenwich.
    since = max(since, dt.date(1900, 1, 1))
    start = dt.datetime.combine(since, dt.time(0), tzinfo=zone(zone_name))
    ordered = tables()
    keep: dict[str, set[int]] = {}
    for table in ordered:
        name = WHEN.get(table.label)
        if name is None:
            continue
        field = table.model._meta.get_field(name)
        cutoff = start if isinstance(field, models.DateTimeField) else since
        found = _queryset(table, user).filter(**{f"{name}__gte": cutoff})
        keep[table.label] = set(found.values_list("pk", flat=True))
    changed = True
    while changed:  # followers of cut parents, and every parent a kept row refers to
        changed = False
        for table in ordered:
            cut = {n: p for n, p in table.parents.items() if p in keep}
            if not cut:
                continue
            rows = _queryset(table, user).values_list("pk", *(f"{n}_id" for n in cut))
            follows = table.label not in WHEN
            mine = keep.setdefault(table.label, set()) if follows else keep[table.label]
            for pk, *ids in rows:
                wanted = pk in mine
                if (
                    follows
                    and not wanted
                    and all(
                        i is None or i in keep[p] for i, p in zip(ids, cut.values(), strict=True)
                    )
                ):
                    mine.add(pk)
                    wanted = changed = True
                if wanted:
                    for i, p in zip(ids, cut.values(), strict=True):
                        if i is not None and i not in keep[p]:
                            keep[p].add(i)
                            changed = True
    return keep


def export_user(
    user: Any, progress: Progress | None = None, since: dt.date | None = None
) -> dict[str, Any]:
    """The person's data as one JSON-ready document (no timestamps of its own, no ids); with
    ``since``, only what happened from that day on (on the person's clock; see WHEN)."""
    keep: dict[str, set[int]] = {}
    if since is not None:
        from knotless.accounts.services import profile_for

        keep = _since_rows(user, since, profile_for(user).time_zone)
    refs: dict[tuple[str, int], str] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in tables():
        rows = []
        wanted = keep.get(table.label)
        for obj in _queryset(table, user).iterator(chunk_size=2000):
            if wanted is not None and obj.pk not in wanted:
                continue
            row = {f.name: _plain(f.value_from_object(obj)) for f in _fields(table)}
            for name, parent in table.parents.items():
                pk = getattr(obj, f"{name}_id")
                row[name] = None if pk is None else refs[(parent, pk)]
            rows.append((json.dumps(row, sort_keys=True, ensure_ascii=False), obj.pk, row))
        rows.sort(key=lambda r: r[0])
        for index, (_, pk, _) in enumerate(rows):
            refs[(table.label, pk)] = f"{table.label}:{index}"
        out[table.label] = [row for _, _, row in rows]
        if progress:
            progress(table.label, len(rows))
    return {"format": FORMAT, "version": VERSION, "tables": out}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


@dataclass
class ImportReport:
    added: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)  # identical rows already stored
    kept: Counter[str] = field(default_factory=Counter)  # settings and clashes: yours kept
    skipped: Counter[str] = field(default_factory=Counter)  # why -> how many (FHIR imports)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


def _value(f: models.Field[Any, Any], raw: Any) -> Any:
    if raw is None:
        return None
    return f.to_python(raw)


def read(text: str) -> dict[str, Any]:
    """The document in ``text``, or ArchiveError saying why it cannot be used."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:  # not JSON, or a number too long to read
        raise ArchiveError("This is not a knotless export: it is not JSON.") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError("This is not a knotless export (its format is not knotless-export).")
    if document.get("version") != VERSION:
        raise ArchiveError(
            f"This export is version {document.get('version')!r}; this knotless reads "
            f"version {VERSION}."
        )
    if not isinstance(document.get("tables"), dict):
        raise ArchiveError("This export has no tables.")
    known = {t.label for t in tables()}
    for label, rows in document["tables"].items():
        if label not in known and label not in SKIPPED:
            raise ArchiveError(f"This export has a table this knotless does not know: {label}.")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ArchiveError(f"The table {label} is not a list of rows.")
    return document


def _signature(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def import_user(
    user: Any, document: dict[str, Any], progress: Progress | None = None
) -> ImportReport:
    """Restore or merge ``document`` into ``user``'s account, all or nothing."""
    report = ImportReport()
    with transaction.atomic():
        fresh = _fresh(user)
        refs: dict[str, int] = {}  # "journal.knot:3" -> new pk
        for table in tables():
            rows = document["tables"].get(table.label, [])
            _import_table(user, table, rows, refs, report, fresh)
            if progress:
                progress(table.label, len(rows))
        _settle_programmes(user)
        _refuse_answers_ahead(user)
        touch(user.pk)  # the rows went in with bulk_create, which sends no signals
    return report


BATCH = 2000


def _refuse_answers_ahead(user: Any) -> None:
    """A safety answer dated in the future would stand as the latest answer until that date
    (the gate reads the newest), outranking every real one: refuse the file, as a FHIR
    Bundle with one is refused."""
    from knotless.safety.models import Screening
    from knotless.safety.policy import CLOCK_SKEW

    ahead = (
        Screening.objects.filter(user=user, created_at__gt=timezone.now() + CLOCK_SKEW)
        .order_by("created_at")
        .first()
    )
    if ahead is not None:
        raise ArchiveError(
            "A safety answer in this file is dated in the future "
            f"({ahead.created_at:%Y-%m-%d %H:%M} UTC); knotless would take it for your latest."
        )


def _settle_programmes(user: Any) -> None:
    """The physio's programmes an export brought in read as the programme reader reads them
    (the plan trusts what is stored), and one at most is followed: the newest."""
    from knotless.physio import doc
    from knotless.physio.models import Programme

    for programme in Programme.objects.filter(user=user):
        try:
            doc.check_stored(programme.source, programme.note, programme.items)
        except doc.ProgrammeError as exc:
            raise ArchiveError(
                f"The physio's programme in this file cannot be used: {exc}"
            ) from None
    following = Programme.objects.filter(user=user, ended_at__isnull=True).order_by(
        "-added_at", "-id"
    )
    for programme in following[1:]:
        programme.ended_at = timezone.now()
        programme.save(update_fields=["ended_at"])


def _import_table(
    user: Any,
    table: Table,
    rows: list[dict[str, Any]],
    refs: dict[str, int],
    report: ImportReport,
    fresh: bool,
) -> None:
    fields = {f.name: f for f in _fields(table)}
    automatic = [
        f.name
        for f in fields.values()
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    existing: dict[str, list[int]] = defaultdict(list)
    if rows and not fresh:
        back: dict[str, dict[int, str]] = defaultdict(dict)
        for ref, pk in refs.items():
            label, _, _ = ref.rpartition(":")
            back[label][pk] = ref
        for obj in _queryset(table, user).iterator(chunk_size=BATCH):
            row = {name: _plain(f.value_from_object(obj)) for name, f in fields.items()}
            for name, parent in table.parents.items():
                pk = getattr(obj, f"{name}_id")
                row[name] = None if pk is None else back[parent].get(pk, f"{parent}:db{pk}")
            existing[_signature(row)].append(obj.pk)
    pending: list[tuple[str, models.Model]] = []
    for index, row in enumerate(rows):
        ref = f"{table.label}:{index}"
        unknown = set(row) - set(fields) - set(table.parents)
        if unknown:
            raise ArchiveError(f"{ref} has fields this knotless does not know: {sorted(unknown)}.")
        same = existing.get(_signature(row))
        if same:
            refs[ref] = same.pop(0)
            report.already[table.label] += 1
            continue
        values = _values(table, fields, row, ref, refs)
        if table.user_field:
            values[table.user_field] = user
        if table.one_per_user:
            current = table.model._default_manager.filter(**{table.user_field: user}).first()
            if current is not None:
                refs[ref] = current.pk
                if fresh:  # restore the exported settings over the sign-up defaults
                    for name, value in values.items():
                        setattr(current, name, value)
                    current.save()
                    report.added[table.label] += 1
                else:
                    report.kept[table.label] += 1
                continue
        pending.append((ref, table.model(**values)))
    for start in range(0, len(pending), BATCH):
        _save(table, pending[start : start + BATCH], refs, report)
    if automatic and pending:
        _restore_automatic(table, pending, rows, automatic, fields)


def _values(
    table: Table,
    fields: dict[str, models.Field[Any, Any]],
    row: dict[str, Any],
    ref: str,
    refs: dict[str, int],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in row.items():
        if name in table.parents:
            if raw is None:
                values[name + "_id"] = None
            elif raw not in refs:
                raise ArchiveError(f"{ref} points at {raw}, which the export lacks.")
            else:
                values[name + "_id"] = refs[raw]
            continue
        try:
            values[name] = _value(fields[name], raw)
        except Exception as exc:  # to_python raises ValidationError or worse on foreign data
            raise ArchiveError(f"{ref} has a value this knotless cannot read ({name}).") from exc
    return values


def _save(
    table: Table,
    batch: list[tuple[str, models.Model]],
    refs: dict[str, int],
    report: ImportReport,
) -> None:
    try:
        with transaction.atomic():
            table.model._default_manager.bulk_create([obj for _, obj in batch])
    except IntegrityError:
        # Some row clashes with one of yours (one plan a day, a workout's uid...): row by row.
        for ref, obj in batch:
            obj.pk = None
            try:
                with transaction.atomic():
                    obj.save(force_insert=True)
            except IntegrityError:
                obj.pk = None
                report.kept[table.label] += 1
                continue
            refs[ref] = obj.pk
            report.added[table.label] += 1
        return
    for ref, obj in batch:
        refs[ref] = obj.pk
        report.added[table.label] += 1


def _restore_automatic(
    table: Table,
    pending: list[tuple[str, models.Model]],
    rows: list[dict[str, Any]],
    automatic: list[str],
    fields: dict[str, models.Field[Any, Any]],
) -> None:
    """Creation stamps come from the export, not from the moment of the import."""
    index = {f"{table.label}:{i}": row for i, row in enumerate(rows)}
    changed = []
    for ref, obj in pending:
        if obj.pk is None:
            continue
        for name in automatic:
            setattr(obj, name, _value(fields[name], index[ref][name]))
        changed.append(obj)
    table.model._default_manager.bulk_update(changed, automatic, batch_size=BATCH)


def _fresh(user: Any) -> bool:
    """An account with nothing of its own yet (settings rows made on sign-up do not count)."""
    for table in tables():
        if table.one_per_user or not table.user_field:
            continue
        if table.model._default_manager.filter(**{table.user_field: user}).exists():
            return False
    return True


def row_counts(document: dict[str, Any]) -> Iterator[tuple[str, int]]:
    for label, rows in sorted(document["tables"].items()):
        yield label, len(rows)
