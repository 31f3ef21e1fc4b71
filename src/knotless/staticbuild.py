"""Fingerprinted, pre-compressed static files, built when the web server starts.

Pages name static files by content (``app.3f2a1c9b0e4d.css``), so browsers may keep them for a
year and still get a new file the moment it changes. The files are collected into the data
folder (``static/``) by :func:`ensure_collected`, which ``wsgi.py`` calls before the server
answers: on a fresh machine or after an upgrade it takes a second or two, otherwise one look
at a stamp. Several workers starting together wait on one lock, and one of them builds.

Without a build (the test suite, the terminal commands), :class:`Storage` falls back to the
plain names, which whitenoise serves from the source folders with a short cache time.
"""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

STAMP = ".knotless-stamp"


class Storage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped base
    """Hashed names when the files have been built; the plain name otherwise, never an error."""

    def stored_name(self, name: str) -> str:
        # Django would otherwise hash the file in STATIC_ROOT, which is not there yet.
        hashed = self.hashed_files.get(self.hash_key(self.clean_name(name)))
        return str(hashed) if hashed is not None else name


def sources_stamp() -> str:
    """A fingerprint of every static source file: its name, size and modification time."""
    digest = hashlib.blake2s(digest_size=16)
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def ensure_collected() -> bool:
    """Build the static files unless the build matches the sources; True when it built."""
    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    stamp = sources_stamp()
    stamp_file = root / STAMP
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return False
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building: wait for it
        if stamp_file.exists() and stamp_file.read_text() == stamp:
            return False
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp_file.write_text(stamp)
    return True
