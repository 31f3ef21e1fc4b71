"""`knotless export` and `knotless import`: all of a person's data out, and back in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from knotless.cli.django_setup import pick_user, ready
from knotless.cli.knots import user_option


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["zip", "json", "csv", "fhir"]),
    default="zip",
    show_default=True,
    help="zip: data.json, a CSV per table and a README; json: data.json alone; csv: a zip of "
    "the CSV files and the README for spreadsheets (not for import); "
    "fhir: a FHIR R4 Bundle (pain observations, screenings, the routine) for a clinician.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only what happened from this day on (YYYY-MM-DD, your own clock): ratings, drinks, "
    "sessions, workouts, desk time, tags and screenings; settings, knots and experiments "
    "whole. Not with --format fhir.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@user_option
def export_command(fmt: str, since: Any, output: Path | None, username: str | None) -> None:
    """Export everything you have stored, to restore or merge later (or elsewhere)."""
    if since is not None and fmt == "fhir":
        raise click.UsageError("--since works with --format zip, json or csv, not fhir.")
    ready()
    from django.utils import timezone

    from knotless.portable import archive, files

    account = pick_user(username)
    if fmt == "fhir":
        import json

        from knotless.portable.fhir import bundle

        found = bundle(account)
        target = output or Path(f"knotless-{timezone.localdate():%Y-%m-%d}.fhir.json")
        _write(target, json.dumps(found, indent=1).encode("utf-8"))
        click.echo(f"Wrote {target} ({len(found['entry']):,} FHIR resources).")
        return
    labels = [t.label for t in archive.tables()]
    with click.progressbar(length=len(labels), label="Exporting", file=sys.stderr) as bar:
        document = archive.export_user(
            account,
            progress=lambda _label, _n: bar.update(1),
            since=since.date() if since is not None else None,
        )
    if fmt == "json":
        data = archive.dumps(document).encode("utf-8")
    else:
        data = files.to_zip(document, with_json=fmt == "zip")
    suffix = "csv.zip" if fmt == "csv" else fmt
    target = output or Path(f"knotless-{timezone.localdate():%Y-%m-%d}.{suffix}")
    _write(target, data)
    rows = sum(len(r) for r in document["tables"].values())
    click.echo(f"Wrote {target} ({rows:,} rows, {len(data) / 1024:,.0f} KB).")


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@user_option
def import_command(file: Path, username: str | None) -> None:
    """Restore an export (or bring in a FHIR Bundle) into an empty account, or merge it into
    yours without duplicates."""
    ready()
    from knotless.portable import archive, files

    account = pick_user(username)
    try:
        data = file.read_bytes()
        files.read_upload(data)  # a bad file is refused before the progress bar starts
    except archive.ArchiveError as exc:
        raise click.UsageError(str(exc)) from None
    labels = [t.label for t in archive.tables()]
    try:
        with click.progressbar(length=len(labels), label="Importing", file=sys.stderr) as bar:
            report = files.import_upload(account, data, progress=lambda _label, _n: bar.update(1))
    except archive.ArchiveError as exc:
        raise click.UsageError(f"{exc} Nothing was changed.") from None
    click.echo(
        f"Added {report.total_added:,} rows; {sum(report.already.values()):,} were already "
        f"here; {sum(report.kept.values()):,} of yours kept as they were."
    )
    for why, count in sorted(report.skipped.items()):
        click.echo(f"Left out ({count:,}): {why}.")


def _write(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:  # a missing folder, no permission, a name too long
        raise click.UsageError(
            f"Could not write the export there: {exc.strerror or 'the file cannot be made'}."
        ) from None
