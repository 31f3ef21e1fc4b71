from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from knotless.accounts import services
from knotless.accounts.forms import ProfileForm, SetupForm
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
    template_name = "accounts/password_change.html"
    success_url = "/account/"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "label_suffix": ""}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, "Password changed.")
        return super().form_valid(form)
