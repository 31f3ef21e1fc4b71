"""Bench-only settings: the product's own, plus the bare view of bench/bare_urls.py.

bench/pages.py starts `knotless serve` with DJANGO_SETTINGS_MODULE=bare_settings and this folder
on PYTHONPATH, so the server runs exactly the product's middleware, database and templates and
has one extra URL to compare pages with. Never used by the product itself.
"""

from knotless.settings import *  # noqa: F403

ROOT_URLCONF = "bare_urls"
