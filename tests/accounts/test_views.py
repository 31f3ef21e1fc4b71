from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from knotless.accounts.models import Profile, SetupToken
from knotless.accounts.services import issue_setup_token
from tests.conftest import PASSWORD

SETUP = {
    "username": "robin",
    "password1": "knots-be-gone-2026",
    "password2": "knots-be-gone-2026",
    "time_zone": "America/Chicago",
}


def test_it_creates_the_first_account_from_the_setup_link(client: Client, db: None) -> None:
    url = reverse("setup", args=[issue_setup_token()])
    assert "Create my account" in client.get(url).content.decode()
    response = client.post(url, SETUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("knot_new")
    user = get_user_model().objects.get(username="robin")
    assert Profile.objects.get(user=user).time_zone == "America/Chicago"
    assert user.is_superuser
    assert client.get(reverse("today")).status_code == 200  # signed in


def test_it_uses_the_setup_link_only_once(client: Client, db: None) -> None:
    url = reverse("setup", args=[issue_setup_token()])
    client.post(url, SETUP)
    again = Client().post(url, {**SETUP, "username": "mallory"})
    assert again.status_code == 404
    assert not SetupToken.objects.exists()
    assert get_user_model().objects.count() == 1


def test_it_refuses_a_made_up_token(client: Client, db: None) -> None:
    issue_setup_token()
    response = client.get(reverse("setup", args=["guess"]))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_it_refuses_setup_once_an_account_exists(client: Client, user: Any) -> None:
    assert client.get(reverse("setup", args=[issue_setup_token()])).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password2": "something-else-2026"}, "The two passwords differ"),
        ({"password1": "123", "password2": "123"}, "too short"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"username": "bad name!"}, "Enter a valid username"),
    ],
)
def test_it_explains_setup_mistakes(
    client: Client, db: None, changes: dict[str, str], message: str
) -> None:
    url = reverse("setup", args=[issue_setup_token()])
    response = client.post(url, {**SETUP, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.exists()
    assert SetupToken.objects.exists()  # a mistake does not burn the link


def test_it_points_to_the_setup_link_before_any_account_exists(client: Client, db: None) -> None:
    assert "one-time setup link" in client.get(reverse("login")).content.decode()


def test_it_signs_in_and_out(client: Client, user: Any) -> None:
    response = client.post(reverse("login"), {"username": "alex", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("today")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("today")).status_code == 302


def test_it_locks_out_after_repeated_failures(client: Client, user: Any) -> None:
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "alex", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    # Even the right password waits out the lockout.
    response = client.post(reverse("login"), {"username": "alex", "password": PASSWORD})
    assert response.status_code == 429


def test_it_saves_time_zone_and_units(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("account"),
        {"time_zone": "Asia/Tokyo", "units": "imperial", "emergency_number": "911"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.time_zone, profile.units) == ("Asia/Tokyo", "imperial")


def test_it_rejects_an_unknown_time_zone(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("account"),
        {"time_zone": "Nowhere/Land", "units": "metric", "emergency_number": "112"},
    )
    assert response.status_code == 200
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


def test_it_changes_the_password(client_in: Client, user: Any) -> None:
    response = client_in.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "fresh-passphrase-77",
            "new_password2": "fresh-passphrase-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-passphrase-77")


def test_it_answers_health_checks_without_signing_in(client: Client, db: None) -> None:
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.content) == (200, b"ok")


def test_it_hides_stack_traces_outside_debug(
    client_in: Client, settings: Any, monkeypatch: Any
) -> None:
    from knotless.journal import services as journal_services

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(journal_services, "summaries", explode)
    client_in.raise_request_exception = False
    response = client_in.get(reverse("today"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "secret internals" not in page and "Traceback" not in page


@pytest.mark.parametrize("path", ["knotless/app.css", "knotless/app.js", "knotless/bodymap.js"])
def test_it_serves_its_own_static_files(client: Client, db: None, path: str) -> None:
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) > 100  # type: ignore[attr-defined]


def test_it_answers_health_checks_without_touching_the_database(
    client: Client, user: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(user)  # even with a session cookie, the bare view reads nothing
    with django_assert_num_queries(0):
        assert client.get(reverse("healthz")).status_code == 200


def test_it_lets_the_first_account_manage_knots_in_the_admin(client: Client, db: None) -> None:
    url = reverse("setup", args=[issue_setup_token()])
    client.post(url, SETUP)
    assert client.get("/admin/journal/knot/").status_code == 200
    assert client.get("/admin/accounts/profile/").status_code == 200


def test_it_keeps_other_users_out_of_the_admin(client_in: Client) -> None:
    response = client_in.get("/admin/journal/knot/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_it_never_redirects_off_site_after_sign_in(client: Client, user: Any, target: str) -> None:
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": "alex", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("today")
