"""WSGI entry point served by granian (``knotless serve``)."""

import os

import django
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knotless.settings")

django.setup()
# Before whitenoise looks at the static folder: fingerprinted files, built once per upgrade.
from knotless.staticbuild import ensure_collected  # noqa: E402  (needs the apps loaded)

ensure_collected()
application = get_wsgi_application()
