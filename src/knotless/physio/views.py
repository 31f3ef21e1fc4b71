"""A programme from a physio: written without an account, reviewed and added by the person.

- ``/physio/write/`` (no account): the physio picks exercises from the library or describes
  them, with doses, days a week and notes, and gets a file or a link. Nothing is stored: the
  page turns the form into the programme and hands it back.
- ``/physio/review/``: the person, signed in, opens the link (a small script posts the link's
  fragment) or uploads the file, and sees every item with its dose and what the safety gate
  says today; "Add to my plan" keeps it (one programme at a time).
- ``/physio/``: the programme being followed, and "Stop following".
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from knotless.accounts.typing import AuthedRequest
from knotless.forms import Form
from knotless.library.exercises import load_exercises
from knotless.physio import doc, services
from knotless.physio.models import Programme
from knotless.physio.plan import active

ROWS = 6


def _library_choices() -> list[tuple[str, str]]:
    found = sorted(load_exercises().values(), key=lambda e: e.name)
    return [("", "— described below —")] + [(e.slug, e.name) for e in found]


class ItemForm(Form):
    slug = forms.ChoiceField(label="From the library", choices=_library_choices, required=False)
    name = forms.CharField(label="Or its name", max_length=80, required=False)
    description = forms.CharField(
        label="How to do it",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=10, required=False)
    reps = forms.IntegerField(label="Reps", min_value=1, max_value=50, required=False)
    hold_seconds = forms.IntegerField(label="Hold (s)", min_value=5, max_value=180, required=False)
    per_side = forms.BooleanField(label="Each side", required=False)
    days_per_week = forms.IntegerField(
        label="Days a week", min_value=1, max_value=7, initial=7, required=False
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("slug") or data.get("name") or data.get("description"))

    def as_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        dose = {"sets": data.get("sets"), "per_side": bool(data.get("per_side"))}
        if data.get("reps"):
            dose["reps"] = data["reps"]
        if data.get("hold_seconds"):
            dose["hold_seconds"] = data["hold_seconds"]
        item: dict[str, Any] = {"dose": dose, "days_per_week": data.get("days_per_week") or 7}
        if data.get("slug"):
            item["slug"] = data["slug"]
        else:
            item |= {"name": data.get("name", ""), "description": data.get("description", "")}
        if data.get("note"):
            item["note"] = data["note"]
        return item


class ProgrammeForm(Form):
    source = forms.CharField(label="Your name (as the person knows you)", max_length=80)
    note = forms.CharField(
        label="A note for the whole programme", max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


Items = forms.formset_factory(
    ItemForm, extra=ROWS, max_num=doc.MAX_ITEMS, absolute_max=doc.MAX_ITEMS
)


@login_not_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    items = Items(request.POST or None, prefix="item")
    error = ""
    if request.method == "POST" and form.is_valid() and items.is_valid():
        raw = {
            "format": doc.FORMAT,
            "version": doc.VERSION,
            "from": form.cleaned_data["source"],
            "written": timezone.localdate().isoformat(),
            "note": form.cleaned_data["note"],
            "items": [f.as_item() for f in items if f.cleaned_data and not f.is_blank()],
        }
        try:
            made = doc.read(json.dumps(raw))
        except doc.ProgrammeError as exc:
            error = str(exc)
        else:
            if request.POST.get("as") == "file":
                response = HttpResponse(made.to_json(), content_type="application/json")
                response["Content-Disposition"] = 'attachment; filename="programme.knotless.json"'
                response["Cache-Control"] = "no-store"
                return response
            link = request.build_absolute_uri(reverse("physio_review")) + "#" + made.fragment()
            response = render(request, "physio/written.html", {"doc": made, "link": link})
            response["Cache-Control"] = "no-store"
            return response
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "items": items, "error": error}
    return render(request, "physio/write.html", context, status=status)


class UploadForm(Form):
    file = forms.FileField(label="Programme file", required=False)
    text = forms.CharField(widget=forms.HiddenInput, required=False, max_length=doc.MAX_BYTES * 2)


@require_http_methods(["GET", "POST"])
def review(request: AuthedRequest) -> HttpResponse:
    upload = UploadForm(request.POST or None, request.FILES or None)
    made, error = None, ""
    if request.method == "POST" and upload.is_valid():
        sent = upload.cleaned_data.get("file")
        text = upload.cleaned_data.get("text") or ""
        if sent:  # a file (False when a browser sends the clear box)
            data = sent.read(doc.MAX_BYTES + 1)
            text = (
                data.decode("utf-8", "replace")
                if len(data) <= doc.MAX_BYTES
                else "x" * (doc.MAX_BYTES + 1)
            )
        try:
            if not text:
                raise doc.ProgrammeError(
                    "Choose the programme file, or open the link you were sent."
                )
            made = doc.read(text)
        except doc.ProgrammeError as exc:
            error = str(exc)
    rows = []
    if made is not None:
        held = services.held_back(request.user, made)
        library = load_exercises()
        for n, item in enumerate(made.items):
            exercise = library.get(item.slug) if item.slug else None
            rows.append({"item": item, "exercise": exercise, "held": held.get(n, "")})
    status = 400 if error else 200
    context = {
        "upload": upload,
        "doc": made,
        "rows": rows,
        "error": error,
        "payload": made.to_json() if made else "",
        "following": active(request.user),
    }
    return render(request, "physio/review.html", context, status=status)


@require_POST
def add(request: AuthedRequest) -> HttpResponse:
    try:
        made = doc.read(request.POST.get("programme", ""))
    except doc.ProgrammeError as exc:
        messages.error(request, f"{exc} Nothing was added.")
        return redirect("physio_review")
    ended = services.follow(request.user, made)
    words = f"Added: your plan now follows the programme from {made.source}."
    if ended:
        words += " The one you followed before has ended."
    messages.success(request, words)
    return redirect(reverse("plan") + "?rebuild=1")


@require_POST
def stop(request: AuthedRequest) -> HttpResponse:
    programme = services.stop(request.user)
    if programme is not None:
        messages.success(request, f"You no longer follow the programme from {programme.source}.")
    return redirect("physio")


@require_http_methods(["GET"])
def page(request: AuthedRequest) -> HttpResponse:
    programme = active(request.user)
    items = services.stored_items(programme) if programme is not None else []
    from knotless.practice.planning import gather

    past = Programme.objects.filter(user=request.user, ended_at__isnull=False)[:10]
    emergency = programme is not None and gather(request.user).emergency
    context = {"programme": programme, "items": items, "past": past, "emergency": emergency}
    return render(request, "physio/page.html", context)
