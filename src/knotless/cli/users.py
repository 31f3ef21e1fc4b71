from __future__ import annotations

import sys

import click

from knotless.cli.django_setup import ready


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.UsageError("No password arrived on standard input.")
        return password
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _password_problems(exc: Exception) -> str:
    messages = getattr(exc, "messages", None) or [str(exc)]
    return " ".join(messages)


@click.group()
def user() -> None:
    """Create and manage accounts."""


@user.command("create")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--time-zone", default="UTC", show_default=True, help="Where the user's days start.")
def user_create(name: str, password_stdin: bool, time_zone: str) -> None:
    """Create the account NAME."""
    ready()
    from django.core.exceptions import ValidationError

    from knotless.accounts.services import check_username, create_user
    from knotless.lib.days import is_time_zone

    if not is_time_zone(time_zone):
        raise click.BadParameter(
            f"{time_zone!r} is not a known time zone.", param_hint="--time-zone"
        )
    try:
        name = check_username(name)  # before asking for a password that would then be wasted
    except ValidationError as exc:
        raise click.BadParameter(_password_problems(exc), param_hint="NAME") from None
    password = _read_password(password_stdin)
    try:
        create_user(name, password, time_zone=time_zone)
    except ValidationError as exc:
        raise click.UsageError(f"Not created: {_password_problems(exc)}") from None
    click.echo(f"Created user {name}.")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_password(name: str, password_stdin: bool) -> None:
    """Set a new password for NAME (for a forgotten one)."""
    ready()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from knotless.cli.django_setup import pick_user

    account = pick_user(name)
    password = _read_password(password_stdin)
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise click.UsageError(f"Password not accepted: {_password_problems(exc)}") from None
    account.set_password(password)
    account.save(update_fields=["password"])
    click.echo(f"Password changed for {name}.")


@user.command("list")
def user_list() -> None:
    """List the accounts."""
    ready()
    from django.contrib.auth import get_user_model

    names = list(get_user_model().objects.order_by("username").values_list("username", flat=True))
    if not names:
        click.echo("No users yet.")
    for name in names:
        click.echo(name)
