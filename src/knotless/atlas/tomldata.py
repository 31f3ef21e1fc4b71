"""Reading knowledge kept as a folder of TOML files: one list of tables per file, each entry
validated by its own function, slugs unique across files. Shared by the muscle atlas and the
exercise library. Standard library only."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from knotless.atlas.regions import AtlasDataError


class Slugged(Protocol):
    @property
    def slug(self) -> str: ...


T = TypeVar("T", bound=Slugged)


def read_folder(folder: Path) -> dict[str, Any]:
    """Every ``*.toml`` in ``folder``, parsed, by file name in name order."""
    files = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            files[path.name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise AtlasDataError(f"{path.name}: not valid TOML: {exc}") from None
    return files


def collect(
    files: Mapping[str, Mapping[str, Any]],
    key: str,
    validate: Callable[..., T],
) -> dict[str, T]:
    """Validate the ``[[key]]`` entries of every file; errors say "file: key #n ('slug')"."""
    found: dict[str, T] = {}
    for source, data in files.items():
        unknown = set(data) - {key}
        if unknown:
            raise AtlasDataError(
                f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))}."
            )
        for number, entry in enumerate(data.get(key, []), start=1):
            where = f"{source}: {key} #{number} ({entry.get('slug', '?')!r})"
            item = validate(entry, where=where)
            if item.slug in found:
                raise AtlasDataError(f"{where}: slug {item.slug!r} is used twice.")
            found[item.slug] = item
    return found


def check_fields(
    entry: Mapping[str, Any], required: Mapping[str, type], optional: Mapping[str, type], where: str
) -> None:
    """Refuse missing or unknown keys and values of the wrong type, naming them."""
    missing = sorted(set(required) - set(entry))
    extra = sorted(set(entry) - set(required) - set(optional))
    if missing or extra:
        problems = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(extra)}" if extra else "",
        ]
        raise AtlasDataError(f"{where}: {'; '.join(p for p in problems if p)}.")
    for key, kind in {**required, **optional}.items():
        value = entry.get(key)
        # bool is an int to Python, but true is no difficulty level.
        if key in entry and (
            not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        ):
            raise AtlasDataError(f"{where}: {key!r} must be a {kind.__name__}.")
