from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotless.accounts import services, throttle
from knotless.accounts.forms import ProfileForm, SetupForm
from knotless.accounts.middleware import throttled_response
from knotless.accounts.typing import AuthedRequest


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers; also the bare baseline the page benchmark compares with."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, token: str) -> HttpResponse:
    """First run: the link printed by ``knotless serve`` creates the first account, once."""
    if not services.setup_token_is_valid(token):
        return render(request, "accounts/setup_invalid.html", status=404)
    if request.method == "POST":
        form = SetupForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                # Two tabs submitting the same link: only the one that spends the token wins.
                if not services.consume_setup_token(token):
                    return render(request, "accounts/setup_invalid.html", status=404)
                user = services.create_user(
                    form.cleaned_data["username"],
                    form.cleaned_data["password1"],
                    time_zone=form.cleaned_data["time_zone"],
                )
                user.is_staff = user.is_superuser = True
                user.save()
            login(request, user, backend="knotless.accounts.backends.ProfileModelBackend")
            messages.success(request, "Welcome. Tap where it hurts to add your first knot.")
            return redirect("knot_new")
    else:
        form = SetupForm()
    return render(request, "accounts/setup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def account(request: AuthedRequest) -> HttpResponse:
    profile = services.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("account")
    return render(request, "accounts/account.html", {"form": form})


@login_not_required
def login_view(request: HttpRequest) -> HttpResponseBase:
    view = auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        redirect_authenticated_user=True,
        extra_context={"needs_setup": services.needs_setup()},
    )
    return view(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, paused for a while after a few wrong current passwords: a
    borrowed session must not become a way to guess the password it does not know."""

    template_name = "accounts/password_change.html"
    success_url = "/account/"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "label_suffix": ""}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Checked before the form hashes anything; a paused form hashes nothing at all.
        paused_until = throttle.password_change_paused_until(request.user.pk)
        if paused_until is not None:
            return _password_change_paused(request, paused_until)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            paused_until = throttle.note_wrong_old_password(self.request.user.pk)
            if paused_until is not None:
                return _password_change_paused(self.request, paused_until)
        return super().form_invalid(form)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        throttle.forget_wrong_old_passwords(self.request.user.pk)
        messages.success(self.request, "Password changed.")
        return super().form_valid(form)


def _password_change_paused(request: HttpRequest, until: datetime) -> HttpResponse:
    wait = until - timezone.now()
    return throttled_response(
        request,
        throttle.Throttled(
            "Password change paused",
            f"After {throttle.WRONG_OLD_PASSWORDS} wrong current passwords, changing the "
            f"password is paused until {timezone.localtime(until):%H:%M}. Trying again "
            "meanwhile does not make the pause longer. Forgot it? On the machine running "
            "knotless: uv run knotless user password NAME.",
            retry_after=int(wait.total_seconds()) + 1,
        ),
    )
