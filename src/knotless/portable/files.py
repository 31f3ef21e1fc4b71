"""The export as files: one JSON document, or a zip with the JSON, a CSV per table for
spreadsheets and a README that describes every table and field (made from the models)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from knotless.portable import archive

MAX_IMPORT = 200 * 1024 * 1024  # bytes; two years of a busy account are a few MB


def readme() -> str:
    lines = [
        "# knotless export",
        "",
        "data.json holds everything; the CSV files hold the same rows, one file per table, for",
        "spreadsheets. Import data.json (or this zip) into knotless to restore or merge.",
        "",
        "Units: times are ISO 8601 in UTC; days are local dates; pain is 0-10; water in ml;",
        "loads in kg; minutes and seconds as named. A field that names another table holds a",
        'reference such as "journal.knot:3": the fourth row of that table in this export.',
        "Today's plan and the desk guard's live state are not exported: they are rebuilt.",
        "",
    ]
    for table in archive.tables():
        meta = table.model._meta
        lines.append(f"## {table.label} ({meta.verbose_name_plural})")
        lines.append("")
        for name, parent in table.parents.items():
            lines.append(f"- `{name}`: reference to {parent}")
        for field in archive._fields(table):
            kind = field.get_internal_type()
            lines.append(f"- `{field.name}` ({kind}): {field.verbose_name}")
        lines.append("")
    return "\n".join(lines)


def to_zip(document: dict[str, Any], *, with_json: bool = True) -> bytes:
    """The export as a zip: data.json (unless ``with_json`` is False: the spreadsheet files
    alone, which knotless cannot import), README.md and csv/TABLE.csv."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        if with_json:
            zf.writestr("data.json", archive.dumps(document))
        zf.writestr("README.md", readme())
        for label, rows in sorted(document["tables"].items()):
            text = io.StringIO()
            names = sorted({k for row in rows for k in row})
            writer = csv.DictWriter(text, fieldnames=names)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in row.items()}
                )
            zf.writestr(f"csv/{label}.csv", text.getvalue())
    return buffer.getvalue()


def import_upload(
    user: Any, data: bytes, progress: archive.Progress | None = None
) -> archive.ImportReport:
    """Bring an uploaded file into ``user``'s account: a knotless export (the zip or its
    data.json) or a FHIR Bundle (knotless's own or another system's pain diary)."""
    from knotless.portable import fhir_import

    document = read_upload(data)
    if fhir_import.is_bundle(document):
        return fhir_import.import_bundle(user, document, progress)
    return archive.import_user(user, document, progress)


def read_upload(data: bytes) -> dict[str, Any]:
    """An uploaded export (the zip or its data.json) or FHIR Bundle, read and checked.
    ArchiveError when it is none of them."""
    if len(data) > MAX_IMPORT:
        raise archive.ArchiveError("The file is larger than 200 MB: this is not an export.")
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                info = zf.getinfo("data.json")
                if info.file_size > MAX_IMPORT:
                    raise archive.ArchiveError("The archive's data.json is too large.")
                data = zf.read("data.json")
        except (KeyError, zipfile.BadZipFile) as exc:
            raise archive.ArchiveError("This zip is not a knotless export (no data.json).") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise archive.ArchiveError("This is not a knotless export: it is not text.") from exc
    if text.lstrip()[:1] == "{" and '"resourceType"' in text[:4096]:
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or a number too long to read
            document = None
        if isinstance(document, dict) and "resourceType" in document:
            if document["resourceType"] != "Bundle":
                raise archive.ArchiveError(
                    f"This is a FHIR {document['resourceType']}, not a Bundle: knotless imports "
                    "a Bundle of pain ratings (such as its own FHIR export)."
                )
            return document
    return archive.read(text)
