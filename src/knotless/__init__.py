"""knotless: a local-first coach for untying muscle knots and keeping them gone."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Read from the installed metadata on first use, not on import: the terminal's quick path
    # (knotless/quick.py) imports this package and has no use for it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("knotless")
        except PackageNotFoundError:  # running from a source tree that was never installed
            found = "0.0.0"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module 'knotless' has no attribute {name!r}")
