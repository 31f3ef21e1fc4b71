from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from knotless.accounts import throttle


class ProfileModelBackend(ModelBackend):
    """ModelBackend that loads the profile with the user: every page needs its time zone.

    It also counts each sign-in against the client's address before a password is hashed:
    every form that signs in (ours, the admin's) goes through here, and so does a made-up name,
    which Django hashes anyway so that it takes as long as a real one.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is not None and password is not None:
            throttle.count_sign_in(request)  # raises Throttled: the middleware answers 429
        return super().authenticate(request, username, password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        User = get_user_model()
        try:
            user = User._default_manager.select_related("profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
