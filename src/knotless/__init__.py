"""knotless: a local-first coach for untying muscle knots and keeping them gone."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("knotless")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
