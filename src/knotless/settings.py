"""The one settings module. Every value a deployment changes comes from a KNOTLESS_* variable.

- KNOTLESS_DATA_DIR: where the SQLite database and secret key live (the user data dir)
- KNOTLESS_DATABASE_URL: a postgresql:// URL; when set, PostgreSQL replaces SQLite
- KNOTLESS_SECRET_KEY: Django's secret key (generated once, kept in the data dir)
- KNOTLESS_ALLOWED_HOSTS: comma-separated host names (127.0.0.1,localhost,[::1])
- KNOTLESS_DEBUG: Django debug mode, never in production (off)
- KNOTLESS_BEHIND_HTTPS_PROXY: a TLS-terminating proxy sets X-Forwarded-Proto/-For (off)
- KNOTLESS_CSRF_TRUSTED_ORIGINS: comma-separated origins such as https://knots.example
- KNOTLESS_USER: the user CLI commands act on when there are several (read by the CLI)
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from knotless import config

# Lets generic Django classes (ModelForm[Profile], QuerySet[Knot]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent

DEBUG = config.env_bool("KNOTLESS_DEBUG")
SECRET_KEY = config.secret_key()
ALLOWED_HOSTS = config.env_list("KNOTLESS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "knotless.accounts",
    "knotless.journal",
    "knotless.understand",
    "knotless.safety",
    "knotless.practice",
    "knotless.hydration",
    "knotless.desk",
    "knotless.training",
    "knotless.insights",
    "knotless.sharing",
    "knotless.physio",
]

MIDDLEWARE = [
    # Outermost, so it compresses what every other middleware produced. Django's, at a level
    # cheaper for pages drawn per request (compression.py); like Django's since 4.2 it pads each
    # response with random bytes in the gzip header against BREACH-style guessing of secrets
    # (CSRF tokens) from compressed sizes.
    "knotless.compression.PageGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, so static files keep their own caching: the CSP and no-store on
    # signed-in pages (see security.py).
    "knotless.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "knotless.accounts.middleware.LoginRequiredMiddleware",
    # A signed-in person's POST moves their data version on (accounts/freshness.py), so no page
    # cached for them (pagecache.py) outlives a write, however the view wrote it.
    "knotless.accounts.freshness.TouchAfterWrite",
    "knotless.accounts.middleware.UserTimezoneMiddleware",
    # Turns a refused password check (too many attempts, every hashing slot busy) into a page.
    "knotless.accounts.middleware.ThrottledMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Widget templates (the pain scale) live with the project's own templates.
FORM_RENDERER = "knotless.formrender.MemoRenderer"

ROOT_URLCONF = "knotless.urls"
WSGI_APPLICATION = "knotless.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = config.database_url()
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise config.ConfigError(
                "KNOTLESS_DATABASE_URL must be a postgresql:// URL; leave it unset to use SQLite."
            )
        # Persistent connections: each granian thread keeps one, health-checked before reuse.
        try:
            parsed = dict(dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True))
        except ValueError:  # never echo the URL: it may hold a password
            parsed = {}
        if not parsed.get("NAME"):
            raise config.ConfigError(
                "KNOTLESS_DATABASE_URL is not a URL knotless can use; it looks like "
                "postgresql://USER:PASSWORD@HOST:5432/DATABASE (quote special characters)."
            )
        return {"default": parsed}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Made private (0600, in a 0700 folder) on every start, before SQLite opens it.
            "NAME": config.sqlite_file(),
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
                # BEGIN so concurrent writers queue on the busy timeout instead of failing.
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id at OWASP's 19 MiB minimum, a bounded number of hashes at once per process (see the
# module); older hashes (Django's 100 MiB Argon2, PBKDF2) verify and are redone on sign-in.
PASSWORD_HASHERS = [
    "knotless.accounts.hashers.Argon2PasswordHasher",
    "knotless.accounts.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "knotless.accounts.backends.ProfileModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): five wrong passwords for one user name from one address lock
# that pair out for 15 minutes; a successful login clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# A lock ends 15 minutes after it began: knocking during it, even with the right password, must
# not start the 15 minutes again (django-axes' default does, so a retrying owner never got in).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Whose address an attempt counts against: django-axes asks django-ipware, and the sign-in
# throttle asks django-axes. Without the proxy it is the socket's address and no header is read.
# Behind the proxy it is the LAST X-Forwarded-For entry, the one our proxy appended: everything
# left of it the client may have written itself (proxy count 0, not strict, so a longer chain
# still yields its last entry); REMOTE_ADDR only for a request that did not come through it.
AXES_IPWARE_PROXY_COUNT = 0
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if config.env_bool("KNOTLESS_BEHIND_HTTPS_PROXY")
    else ["REMOTE_ADDR"]
)
IPWARE_STRICT = False

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = config.env_list("KNOTLESS_CSRF_TRUSTED_ORIGINS", [])
if config.env_bool("KNOTLESS_BEHIND_HTTPS_PROXY"):
    # Trust the proxy's word that the request came over HTTPS and send cookies only over HTTPS
    # (sign-in attempts are keyed on the forwarded client address: see AXES_IPWARE_* above).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    # Browsers that once saw the site over HTTPS never try plain HTTP for it again, for a year;
    # its subdomains too, since the cookies above would be exposed there. Not on local HTTP,
    # where the header is ignored anyway and would only mislead. Plain HTTP reaching a worker
    # is sent to HTTPS, except the load balancer's health check, which talks to workers directly.
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# security.W021 asks for SECURE_HSTS_PRELOAD. Preloading binds the whole registrable domain
# and every subdomain into browsers for months and is hard to undo: the domain's owner decides
# that, not an app running on one of its hosts.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (knotless.security; Django 6.0 reads the same setting natively). The
# app loads nothing from elsewhere and has no inline script, style or event handler, so
# everything comes from our own origin; JSON for scripts travels in json_script elements,
# which are data, not script.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    # Scripts may not turn strings into HTML or code (innerHTML, eval): ours never do.
    "require-trusted-types-for": ["'script'"],
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Built by the web server on start (knotless/staticbuild.py): fingerprinted names and gzip copies
# (level 9; whitenoise would add brotli ones if the brotli package were installed, and it is
# not), cached by browsers for a year. Until built, whitenoise serves the source
# folders under their plain names (the finders), so nothing ever fails for want of a build.
STATIC_ROOT = config.data_dir() / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "knotless.staticbuild.Storage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Processes that never build it (tests, terminal commands) have no STATIC_ROOT yet: that is
# expected, the finders serve the files, so whitenoise need not warn about it.
warnings.filterwarnings("ignore", message="No directory at: .*static")

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Sign-in and password-change counters (accounts/throttle.py): in the database so that all
    # workers share one count and a restart does not lift a pause. Made by a migration.
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "knotless_throttle",
        "TIMEOUT": 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
