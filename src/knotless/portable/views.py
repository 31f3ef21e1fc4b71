"""Your data on the web: download everything, or bring an export back in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from knotless.accounts.typing import AuthedRequest
from knotless.forms import Form
from knotless.portable import archive, files


class ImportForm(Form):
    file = forms.FileField(
        label="Export file",
        help_text="A knotless export (the .zip, or its data.json), or a FHIR Bundle of pain "
        "ratings such as knotless's own FHIR export.",
    )


@require_GET
def export_download(request: AuthedRequest) -> HttpResponse:
    data = files.to_zip(archive.export_user(request.user))
    response = HttpResponse(data, content_type="application/zip")
    name = f"knotless-{timezone.localdate():%Y-%m-%d}.zip"
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
    return render(request, "portable/data.html", {"form": form, "rows": rows, "skipped": skipped})
