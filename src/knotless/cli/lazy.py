"""A click group whose commands are imported only when used (issue 13).

Commands are registered as ``"name": "module:attribute"`` (module relative to ``knotless.cli``).
Running ``knotless drink 250`` imports ``knotless.cli.water`` and nothing else; ``--help`` and
anything that reads :attr:`LazyGroup.commands` (the tests' walk of the command tree) import them
all. A registered command must carry the name it is registered under, so the help, the error
messages and the tree agree.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any

import click

from knotless.cli.guard import GuardedGroup


class LazyGroup(GuardedGroup):
    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        self._loaded: dict[str, click.Command] = {}
        self.lazy: dict[str, str] = dict(lazy or {})
        super().__init__(*args, **kwargs)

    # click reads and writes ``self.commands``; here it is every command, imported.
    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        for name in self.lazy:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._loaded = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self.lazy.pop(name, None)
        self._loaded[name] = cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._loaded, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._loaded:
            return self._loaded[cmd_name]
        if cmd_name in self.lazy:
            return self._load(cmd_name)
        return None

    def _load(self, name: str) -> click.Command:
        found = self._loaded.get(name)
        if found is not None:
            return found
        module_name, _, attribute = self.lazy[name].partition(":")
        module = importlib.import_module(f"knotless.cli.{module_name}")
        command = getattr(module, attribute)
        if not isinstance(command, click.Command) or command.name != name:
            raise TypeError(
                f"knotless.cli.{self.lazy[name]} is not a click command named {name!r}."
            )
        self._loaded[name] = command
        return command
