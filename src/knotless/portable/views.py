"""Your data on the web: download everything, or bring an export back in."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from knotless.accounts.typing import AuthedRequest
from knotless.forms import Form
from knotless.portable import archive, files
from knotless.portable.fhir import bundle


class ImportForm(Form):
    file = forms.FileField(
        label="Export file",
        help_text="A knotless export (the .zip, or its data.json), or a FHIR Bundle of pain "
        "ratings such as knotless's own FHIR export.",
    )


class ExportForm(Form):
    format = forms.ChoiceField(
        label="What to download",
        choices=[
            ("zip", "Everything: JSON to bring back, CSV for spreadsheets, a README (.zip)"),
            ("csv", "Spreadsheets only: a CSV file per table (.zip)"),
            ("json", "JSON only, to bring back into knotless (.json)"),
            ("fhir", "FHIR R4 Bundle for a clinician's system (.fhir.json)"),
        ],
        initial="zip",
        required=False,
        widget=forms.RadioSelect,
    )
    since = forms.DateField(
        label="From this day on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for everything. Knots and settings always come whole.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("format") == "fhir":
            self.add_error("since", "The FHIR Bundle always holds everything: leave the day empty.")
        return data


# (content type, file-name ending) per format
KINDS = {
    "zip": ("application/zip", "zip"),
    "csv": ("application/zip", "csv.zip"),
    "json": ("application/json", "json"),
    "fhir": ("application/fhir+json", "fhir.json"),
}


@require_GET
def export_download(request: AuthedRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "portable/data.html",
            {"form": ImportForm(), "export_form": form, "rows": [], "skipped": []},
            status=400,
        )
    kind = form.cleaned_data.get("format") or "zip"
    if kind == "fhir":
        data = json.dumps(bundle(request.user), indent=1).encode("utf-8")
    else:
        document = archive.export_user(request.user, since=form.cleaned_data.get("since"))
        if kind == "json":
            data = archive.dumps(document).encode("utf-8")
        else:
            data = files.to_zip(document, with_json=kind == "zip")
    content_type, ending = KINDS[kind]
    response = HttpResponse(data, content_type=content_type)
    name = f"knotless-{timezone.localdate():%Y-%m-%d}.{ending}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def data_page(request: AuthedRequest) -> HttpResponse:
    form = ImportForm()
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > files.MAX_IMPORT:
                    raise archive.ArchiveError("The file is larger than 200 MB.")
                report = files.import_upload(request.user, upload.read())
            except archive.ArchiveError as exc:
                form.add_error("file", f"{exc} Nothing was changed.")
            else:
                messages.success(request, f"Imported: {report.total_added:,} rows added.")
    rows = []
    if report is not None:
        # Counters answer 0 to any key, so a template cannot walk them: plain rows instead.
        labels = sorted(set(report.added) | set(report.already) | set(report.kept))
        rows = [
            (label, report.added[label], report.already[label], report.kept[label])
            for label in labels
        ]
    skipped = sorted(report.skipped.items()) if report is not None else []
    context = {"form": form, "export_form": ExportForm(), "rows": rows, "skipped": skipped}
    return render(request, "portable/data.html", context)
